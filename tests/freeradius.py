"""A real FreeRADIUS for tests: the rendered radius role over Debian's layout, on free loopback ports, against the
test database; radclient and eapol_test to talk to it."""
from __future__ import annotations

import contextlib
import re
import shutil
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
from gateways.render.freeradius import DEBIAN_LAYOUT, stand_in_tls
from opsconsole.radius.intents import database_connection

from .ports import free_port

START_TIMEOUT = 20


def radius_intent(directory: Path, clients: list[dict], auth_port: int, acct_port: int, inner_port: int) -> dict:
    return validate_intent({"schema": 1, "node": "radius-test", "description": "tests", "roles": {"radius": {
        "listen": ["127.0.0.1", "::1"], "auth_port": auth_port, "acct_port": acct_port, "inner_tunnel_port": inner_port,
        "database": database_connection(), "clients": clients, **local_paths(directory),
    }}})


class RunningRadius:
    """FreeRADIUS in the foreground on configuration DIRECTORY, started until "Ready to process requests"; with
    DEBUG, `-X`, whose log shows every request it received."""

    def __init__(self, directory: Path, port: int, acct_port: int = 0, debug: bool = False) -> None:
        self.directory, self.port, self.acct_port = directory, port, acct_port
        self.argv = ["freeradius", "-X", "-d", str(directory)] if debug else [
            "freeradius", "-f", "-d", str(directory), "-l", "stdout"]
        self.log: list[str] = []
        self.process: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None

    def start(self) -> None:
        process = self.process = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                                  text=True)
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
def _started(radius: RunningRadius) -> Iterator[RunningRadius]:
    radius.start()
    try:
        yield radius
    finally:
        radius.stop()


def _free_ports(count: int) -> list[int]:
    """COUNT distinct free loopback ports, never Debian's inner-tunnel port 18120."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in (*ports, 18120):
            ports.append(port)
    return ports


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
        auth_port, acct_port, inner_port = _free_ports(3)
        secrets = {"nas": {str(nas): secret for nas, secret in nas_secrets.items()},
                   "database_password": database_password, "tls": tls or stand_in_tls()}
        config_dir = prepare(radius_intent(directory, clients, auth_port, acct_port, inner_port), secrets)
        if adjust is not None:
            adjust(config_dir)
        with _started(RunningRadius(config_dir, auth_port, acct_port)) as radius:
            yield radius


@contextlib.contextmanager
def running_coa_nas(secret: str, nak_session: str) -> Iterator[RunningRadius]:
    """A second FreeRADIUS playing an access point: it takes Disconnect-Requests from 127.0.0.1 on a free port and
    answers Disconnect-ACK, or Disconnect-NAK with Error-Cause 503 (Session-Context-Not-Found) for the Acct-Session-Id
    NAK_SESSION; its debug log shows what it received.
    Debian's sites-available/coa, without the other sites and the eap module they need."""
    with tempfile.TemporaryDirectory(prefix="freeradius-nas-") as name:
        raddb = Path(name) / "raddb"
        shutil.copytree(DEBIAN_LAYOUT, raddb, symlinks=True)
        for site in (raddb / "sites-enabled").iterdir():
            site.unlink()
        (raddb / "mods-enabled" / "eap").unlink()
        radiusd = raddb / "radiusd.conf"
        # As root, in the temporary directory: its logs, pid file and the files it reads are there.
        content = re.sub(r"^\s*(user|group) = .*$", "", radiusd.read_text(), flags=re.MULTILINE)
        content = re.sub(r"^(logdir|run_dir) = .*$", rf"\1 = {name}", content, flags=re.MULTILINE)
        radiusd.write_text(re.sub(r"^raddbdir = .*$", f"raddbdir = {raddb}", content, flags=re.MULTILINE))
        port = free_port()
        (raddb / "clients.conf").write_text(f'client console {{\n\tipaddr = 127.0.0.1\n\tsecret = "{secret}"\n}}\n')
        (raddb / "sites-enabled" / "coa").write_text(
            f"listen {{\n\ttype = coa\n\tipaddr = 127.0.0.1\n\tport = {port}\n\tvirtual_server = coa\n}}\n"
            f"server coa {{\n\trecv-coa {{\n\t\tif (&Acct-Session-Id == \"{nak_session}\") {{\n"
            "\t\t\tupdate reply {\n\t\t\t\t&Error-Cause := Session-Context-Not-Found\n\t\t\t}\n\t\t\treject\n\t\t}\n"
            "\t\tok\n\t}\n\tsend-coa {\n\t\tok\n\t}\n}\n")
        with _started(RunningRadius(raddb, port, debug=True)) as radius:
            yield radius


@dataclass
class Answer:
    code: str  # "Access-Accept", "Access-Reject", "Accounting-Response", ..., or "" for no answer
    attributes: dict[str, str]


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def radclient(server: str, port: int, secret: str, attributes: dict[str, str], command: str = "auth") -> Answer:
    """One request (an Access-Request with Message-Authenticator unless COMMAND says otherwise), as an access point
    sends it; the answer and its attributes."""
    request = "\n".join(f"{name} = {_quoted(value)}" for name, value in attributes.items())
    if command == "auth":
        request += "\nMessage-Authenticator = 0x00\n"
    target = f"[{server}]:{port}" if ":" in server else f"{server}:{port}"
    done = subprocess.run(["radclient", "-x", "-r", "1", "-t", "2", target, command, secret],
                          input=request, capture_output=True, text=True, timeout=30)
    received = re.search(r"^Received ([A-Z][\w-]+)", done.stdout, re.MULTILINE)
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
