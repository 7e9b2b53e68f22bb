"""A real FreeRADIUS for tests: the rendered radius role over Debian's layout, on free loopback ports, and radclient."""
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
from gateways.render.freeradius import DEBIAN_LAYOUT, overlay_debian_layout, render_freeradius, render_secrets
from opsconsole.radius.intents import database_connection

from .gateways.render.conftest import write
from .ports import free_port

START_TIMEOUT = 20


def radius_intent(directory: Path, clients: list[dict], auth_port: int, acct_port: int, inner_port: int) -> dict:
    return validate_intent({"schema": 1, "node": "radius-test", "description": "tests", "roles": {"radius": {
        "listen": ["127.0.0.1", "::1"], "auth_port": auth_port, "acct_port": acct_port, "inner_tunnel_port": inner_port,
        "config_dir": str(directory / "raddb"), "log_dir": str(directory), "run_dir": str(directory),
        "run_as": "root", "reject_delay": 0, "secrets_file": str(directory / "secrets.conf"),
        "database": database_connection(), "clients": clients,
    }}})


@dataclass
class RunningRadius:
    port: int
    acct_port: int
    log: list[str]


@contextlib.contextmanager
def running_freeradius(clients: list[dict], nas_secrets: dict[int, str], database_password: str = "",
                       adjust: Callable[[Path], None] | None = None) -> Iterator[RunningRadius]:
    """`freeradius -f` on the rendered configuration, until "Ready to process requests"; stopped afterwards.

    ADJUST, if given, may change the configuration directory (raddb) before the server starts (bench/radius.py's
    files-module baseline)."""
    with tempfile.TemporaryDirectory(prefix="freeradius-test-") as name:
        directory = Path(name)
        ports = [free_port()]
        while len(ports) < 3:
            port = free_port()
            if port not in (*ports, 18120):
                ports.append(port)
        auth_port, acct_port, inner_port = ports
        rendered = directory / "rendered"
        write(render_freeradius(radius_intent(directory, clients, auth_port, acct_port, inner_port)), rendered)
        secrets = directory / "secrets.conf"
        secrets.write_text(render_secrets(nas_secrets, database_password))
        secrets.chmod(0o600)
        overlay_debian_layout(rendered / "freeradius", directory / "raddb", secrets)
        if adjust is not None:
            adjust(directory / "raddb")
        with _running(["freeradius", "-f", "-d", str(directory / "raddb"), "-l", "stdout"]) as log:
            yield RunningRadius(auth_port, acct_port, log)


@contextlib.contextmanager
def _running(argv: list[str]) -> Iterator[list[str]]:
    """FreeRADIUS in the foreground until "Ready to process requests"; its output lines; stopped afterwards."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)


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
        with _running(["freeradius", "-X", "-d", str(raddb)]) as log:
            yield RunningRadius(port, 0, log)


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
