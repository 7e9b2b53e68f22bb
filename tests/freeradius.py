"""A real FreeRADIUS for tests: the rendered radius role over Debian's layout, on free loopback ports, against the
test database; radclient and eapol_test to talk to it."""
from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from gateways.intent import validate_intent
from gateways.local_radius import local_paths, prepare
from gateways.node_secrets import write_tls_files
from gateways.render.freeradius import stand_in_tls
from opsconsole.radius.intents import database_connection

from .ports import free_port

START_TIMEOUT = 20


def radius_intent(directory: Path, clients: list[dict], auth_port: int, inner_port: int) -> dict:
    return validate_intent({"schema": 1, "node": "radius-test", "description": "tests", "roles": {"radius": {
        "listen": ["127.0.0.1", "::1"], "auth_port": auth_port, "inner_tunnel_port": inner_port,
        "database": database_connection(), "clients": clients, **local_paths(directory),
    }}})


class RunningRadius:
    """`freeradius -f` on the rendered configuration, started until "Ready to process requests"."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory, self.port = directory, port
        self.log: list[str] = []
        self.process: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None

    def start(self) -> None:
        process = self.process = subprocess.Popen(["freeradius", "-f", "-d", str(self.directory), "-l", "stdout"],
                                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ready = threading.Event()

        def read() -> None:
            for line in process.stdout:
                self.log.append(line.rstrip("\n"))
                if "Ready to process requests" in line:
                    ready.set()

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not ready.wait(0.1):
            if process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("FreeRADIUS did not start:\n" + "\n".join(self.log[-40:]))

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)
        self.process = None

    def install_tls(self, files: dict[str, str]) -> None:
        """What the agent does with a node's new TLS files: write them, then restart FreeRADIUS (its reload), since
        OpenSSL reads the CA directory's CRL only when FreeRADIUS starts (or every ca_path_reload_interval >= 300 s)."""
        write_tls_files(self.directory.parent / "tls", files)
        self.stop()
        self.start()


@contextlib.contextmanager
def running_freeradius(clients: list[dict], nas_secrets: dict[int, str], database_password: str = "",
                       tls: dict[str, str] | None = None,
                       adjust: Callable[[Path], None] | None = None) -> Iterator[RunningRadius]:
    """FreeRADIUS on the rendered configuration, with the node's TLS files TLS (from the console's secrets API) or
    Debian's self-signed stand-ins; stopped afterwards.

    ADJUST, if given, may change the configuration directory (raddb) before the server starts (bench/radius.py's
    files-module baseline)."""
    with tempfile.TemporaryDirectory(prefix="freeradius-test-") as name:
        directory = Path(name)
        auth_port, inner_port = free_port(), free_port()
        while inner_port in (auth_port, 18120):
            inner_port = free_port()
        secrets = {"nas": {str(nas): secret for nas, secret in nas_secrets.items()},
                   "database_password": database_password, "tls": tls or stand_in_tls()}
        config_dir = prepare(radius_intent(directory, clients, auth_port, inner_port), secrets)
        if adjust is not None:
            adjust(config_dir)
        radius = RunningRadius(config_dir, auth_port)
        radius.start()
        try:
            yield radius
        finally:
            radius.stop()


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


def eapol_test(radius: RunningRadius, secret: str, called_station: str, network: str, config: Path,
               timeout: int = 15) -> subprocess.CompletedProcess:
    """eapol_test with one `network={...}` block from 127.0.0.1, Called-Station-Id CALLED_STATION (BSSID:SSID);
    returncode 0 means the EAP method succeeded."""
    config.write_text(f"network={{\n{network}\n}}\n")
    return subprocess.run(["eapol_test", "-c", str(config), "-a", "127.0.0.1", "-p", str(radius.port), "-s", secret,
                           "-N", f"30:s:{called_station}", "-t", str(timeout)],
                          capture_output=True, text=True, timeout=timeout + 10)
