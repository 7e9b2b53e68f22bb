"""A real FreeRADIUS for tests: the rendered radius role over Debian's layout, on free loopback ports, and radclient."""
from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from gateways.intent import validate_intent
from gateways.render.freeradius import overlay_debian_layout, render_freeradius, render_secrets
from opsconsole.core.processes import terminate
from opsconsole.radius.intents import database_connection

from .gateways.render.conftest import write
from .ports import free_port

START_TIMEOUT = 20


def radius_intent(directory: Path, clients: list[dict], auth_port: int, inner_port: int) -> dict:
    return validate_intent({"schema": 1, "node": "radius-test", "description": "tests", "roles": {"radius": {
        "listen": ["127.0.0.1", "::1"], "auth_port": auth_port, "inner_tunnel_port": inner_port,
        "config_dir": str(directory / "raddb"), "log_dir": str(directory), "run_dir": str(directory),
        "run_as": "root", "reject_delay": 0, "secrets_file": str(directory / "secrets.conf"),
        "database": database_connection(), "clients": clients,
    }}})


@dataclass
class RunningRadius:
    port: int
    log: list[str]


@contextlib.contextmanager
def running_freeradius(clients: list[dict], nas_secrets: dict[int, str], database_password: str = "") -> Iterator[RunningRadius]:
    """`freeradius -f` on the rendered configuration, until "Ready to process requests"; stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="freeradius-test-") as name:
        directory = Path(name)
        auth_port, inner_port = free_port(), free_port()
        while inner_port in (auth_port, 18120):
            inner_port = free_port()
        rendered = directory / "rendered"
        write(render_freeradius(radius_intent(directory, clients, auth_port, inner_port)), rendered)
        secrets = directory / "secrets.conf"
        secrets.write_text(render_secrets(nas_secrets, database_password))
        secrets.chmod(0o600)
        overlay_debian_layout(rendered / "freeradius", directory / "raddb", secrets)
        process = subprocess.Popen(["freeradius", "-f", "-d", str(directory / "raddb"), "-l", "stdout"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        log: list[str] = []
        ready = threading.Event()

        def read() -> None:
            for line in process.stdout:
                log.append(line.rstrip("\n"))
                if "Ready to process requests" in line:
                    ready.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not ready.wait(0.1):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("FreeRADIUS did not start:\n" + "\n".join(log[-40:]))
            yield RunningRadius(auth_port, log)
        finally:
            terminate(process)
            reader.join(timeout=5)


@dataclass
class Answer:
    code: str  # "Access-Accept", "Access-Reject", or "" for no answer
    attributes: dict[str, str]


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def radclient(server: str, port: int, secret: str, attributes: dict[str, str]) -> Answer:
    """One Access-Request with Message-Authenticator, as an access point sends it; the answer and its attributes."""
    request = "\n".join(f"{name} = {_quoted(value)}" for name, value in attributes.items())
    request += "\nMessage-Authenticator = 0x00\n"
    target = f"[{server}]:{port}" if ":" in server else f"{server}:{port}"
    done = subprocess.run(["radclient", "-x", "-r", "1", "-t", "2", target, "auth", secret],
                          input=request, capture_output=True, text=True, timeout=30)
    received = re.search(r"^Received (Access-\w+)", done.stdout, re.MULTILINE)
    if received is None:
        return Answer("", {})
    reply = done.stdout[received.start():]
    pairs = re.findall(r"^\s+([A-Za-z-]+)(?::\d+)? = (.*)$", reply, re.MULTILINE)
    return Answer(received.group(1), {name: value.strip('"') for name, value in pairs})
