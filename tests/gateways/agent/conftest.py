"""Runs the real agent as a subprocess on a random loopback port and talks to it over signed HTTP."""

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateways.intent import content_hash
from gateways.signing import sign_request

REPOSITORY = Path(__file__).resolve().parents[3]
SECRET = b"agent-test-secret-0123456789"
NODE = "gw-test"


def dns64_intent(prefix: str = "2001:db8:64::/96", **dns64: Any) -> dict[str, Any]:
    role = {"implementation": "unbound", "prefix": prefix, "dnssec_validation": False, **dns64}
    return {"schema": 1, "node": NODE, "description": "agent test", "roles": {"dns64": role}}


@dataclass
class RunningAgent:
    directory: Path
    settings: dict[str, Any]
    environment: dict[str, str] | None = None
    wrapper: tuple[str, ...] = ()  # runs the agent, e.g. ("ip", "netns", "exec", NAME)
    process: subprocess.Popen[bytes] | None = None
    url: str = ""
    log_offset: int = 0
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    @property
    def log_path(self) -> Path:
        return self.directory / "agent.log"

    @property
    def sandbox(self) -> Path:
        return self.directory / "sandbox"

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def start(self) -> None:
        config = self.directory / "agent.toml"
        config.write_text(_toml(self.settings))
        self.log_offset = len(self.log())
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*self.wrapper, sys.executable, "-m", "gateways.agent", "--config", str(config)],
                cwd=REPOSITORY, env=self.environment, stdout=log, stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = re.search(r"listening on (\S+),", self.log()[self.log_offset :])
            if found:
                self.url = found[1]
                return
            assert self.process.poll() is None, f"agent exited early:\n{self.log()}"
            time.sleep(0.05)
        raise AssertionError(f"agent did not start:\n{self.log()}")

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=10)

    def post(self, endpoint: str, body: bytes, clock_offset: int = 0, **signing: Any) -> httpx.Response:
        """A signed POST; `clock_offset` seconds are added to the time the request is signed at."""
        fields = {"secret": SECRET, "method": "POST", "path": endpoint, "node": NODE, "revision": 0,
                  "content_hash": "", "timestamp": int(time.time()) + clock_offset}  # fmt: skip
        fields |= signing
        headers = sign_request(body=body, **fields)
        return self.client.post(f"{self.url}{endpoint}", content=body, headers=headers)

    def push(self, revision: int, intent: dict[str, Any], **signing: Any) -> httpx.Response:
        body = json.dumps({"revision": revision, "intent": intent}).encode()
        signing = {"revision": revision, "content_hash": content_hash(intent)} | signing
        return self.post("/v1/intent", body, **signing)

    def status(self) -> dict[str, Any]:
        response = self.post("/v1/status", b"")
        assert response.status_code == 200, response.text
        return response.json()


def _toml(settings: dict[str, Any]) -> str:
    lines = [f"{key} = {json.dumps(value)}" for key, value in settings.items() if not isinstance(value, dict)]
    tables = {f"services.{name}": table for name, table in settings.get("services", {}).items()}
    tables |= {key: value for key, value in settings.items() if isinstance(value, dict) and key != "services"}
    for name, table in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def agent_factory(tmp_path: Path) -> Iterator[Any]:
    """Start agents in sandbox mode under tmp_path; `overrides` change agent.toml."""
    started: list[RunningAgent] = []

    def start(environment: dict[str, str] | None = None, wrapper: tuple[str, ...] = (), **overrides: Any) -> RunningAgent:
        directory = tmp_path / f"agent{len(started)}"
        directory.mkdir()
        settings = {
            "node": NODE, "secret": SECRET.decode(), "mode": "sandbox", "listen_port": 0,
            "state_dir": str(directory / "state"), "sandbox_root": str(directory / "sandbox"),
        } | overrides  # fmt: skip
        agent = RunningAgent(directory, settings, environment, wrapper)
        started.append(agent)
        agent.start()
        return agent

    yield start
    for agent in started:
        if agent.process is not None and agent.process.poll() is None:
            agent.process.kill()
            agent.process.wait()
        agent.client.close()


@pytest.fixture
def agent(agent_factory: Any) -> RunningAgent:
    return agent_factory()
