"""A real sandbox agent, configured the way `make run` configures one, for the node under test."""
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opsconsole.nodes.local import agent_toml
from opsconsole.nodes.models import GatewayNode
from tests.gateways.agent.conftest import dns64_intent as agent_dns64_intent
from tests.ports import free_port

REPOSITORY = Path(__file__).resolve().parents[2]


def dns64_intent(node: str, prefix: str = "2001:db8:64::/96", **extra) -> dict:
    return {**agent_dns64_intent(prefix, **extra), "node": node, "description": ""}


class SandboxAgent:
    def __init__(self, node: GatewayNode, directory: Path, console_url: str):
        self.node, self.directory, self.console_url = node, directory, console_url
        self.environment: dict[str, str] | None = None
        self.process: subprocess.Popen | None = None

    @property
    def log(self) -> str:
        path = self.directory / "agent.log"
        return path.read_text() if path.exists() else ""

    @property
    def sandbox(self) -> Path:
        return self.directory / "sandbox"

    def configure(self) -> None:
        (self.directory / "agent.toml").write_text(agent_toml(self.node, self.directory, self.console_url))

    def start(self) -> None:
        if not (self.directory / "agent.toml").exists():
            self.configure()
        offset = len(self.log)
        with (self.directory / "agent.log").open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gateways.agent", "--config", str(self.directory / "agent.toml")],
                cwd=REPOSITORY, env=self.environment, stdout=log, stderr=log,
            )
        # Generous: on a loaded machine the interpreter alone can take seconds to import the agent.
        deadline = time.monotonic() + 45
        while not re.search(r"listening on", self.log[offset:]):
            assert self.process.poll() is None, f"agent exited:\n{self.log}"
            assert time.monotonic() < deadline, f"agent did not start:\n{self.log}"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def gateway_node(db) -> GatewayNode:
    node = GatewayNode(name="dns64-test", description="test node", agent_url=f"http://127.0.0.1:{free_port()}")
    node.issue_credentials()
    node.save()
    return node


@pytest.fixture
def sandbox_agent(gateway_node, tmp_path):
    agent = SandboxAgent(gateway_node, tmp_path / "agent", console_url="")
    yield agent
    agent.stop()
