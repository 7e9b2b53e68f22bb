"""A FreeRADIUS started by a test: Debian's configuration copied, listening on free loopback ports, EAP-TLS from
the console's certificate files, and eapol_test to authenticate against it."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

DEBIAN_CONFIG = Path("/etc/freeradius/3.0")
SECRET = "testing123"  # Debian's `localhost` client
READY = "Ready to process requests"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _edit(path: Path, *substitutions: tuple[str, str]) -> None:
    text = path.read_text()
    for pattern, replacement in substitutions:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count, f"{pattern!r} not found in {path}"
    path.write_text(text)


def _ports_in_order(ports: list[int]):
    remaining = iter(ports)
    return lambda _match: f"port = {next(remaining)}"


class FreeRadius:
    """`freeradius -f` on 127.0.0.1 and ::1 with its own auth, accounting and inner-tunnel ports."""

    def __init__(self, directory: Path, tls: dict[str, Path], users: str = "") -> None:
        """`users`: entries put first in the files module (mods-config/files/authorize)."""
        self.directory = directory
        self.auth_port, acct_port, inner_port = free_udp_port(), free_udp_port(), free_udp_port()
        shutil.copytree(DEBIAN_CONFIG, directory, symlinks=True)
        # Run as root: the test's temporary files are not readable by freerad, and OpenSSL reads ca_path lazily.
        _edit(directory / "radiusd.conf", (r"^[ \t]*user = freerad$", ""), (r"^[ \t]*group = freerad$", ""))
        _edit(directory / "sites-available" / "default",
              (r"^([ \t]*)ipaddr = \*", r"\1ipaddr = 127.0.0.1"), (r"^([ \t]*)ipv6addr = ::[ \t]*(#.*)?$", r"\1ipv6addr = ::1"),
              (r"^[ \t]*port = 0\b.*$", _ports_in_order([self.auth_port, acct_port, self.auth_port, acct_port])))
        _edit(directory / "sites-available" / "inner-tunnel", (r"port = 18120", f"port = {inner_port}"))
        _edit(directory / "mods-available" / "eap",
              (r"^[ \t]*private_key_password = whatever$", ""),
              (r"^[ \t]*private_key_file = .*$", f"private_key_file = {tls['key']}"),
              (r"^[ \t]*certificate_file = .*$", f"certificate_file = {tls['certificate']}"),
              (r"^[ \t]*ca_file = .*$", f"ca_file = {tls['ca']}"),
              (r"^[ \t]*ca_path = .*$", f"ca_path = {tls['ca_path']}\ncheck_crl = yes"))
        authorize = directory / "mods-config" / "files" / "authorize"
        authorize.write_text(users + "\n" + authorize.read_text())
        self.process: subprocess.Popen | None = None
        self.log = directory / "radiusd.log"

    def start(self, timeout: float = 20) -> None:
        self.process = subprocess.Popen(["freeradius", "-f", "-d", self.directory, "-l", "stdout"],
                                        stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while READY not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"FreeRADIUS did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        """OpenSSL reads a CA directory's CRLs once; FreeRADIUS re-reads them only every ca_path_reload_interval
        (300 s at least) or when it starts."""
        self.stop()
        self.start()

    def __enter__(self) -> FreeRadius:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def eapol_test(radius: FreeRadius, network: str, config: Path, timeout: int = 15) -> subprocess.CompletedProcess:
    """eapol_test with one `network={...}` block against `radius`; returncode 0 means the EAP method succeeded."""
    config.write_text(f"network={{\n{network}\n}}\n")
    return subprocess.run(["eapol_test", "-c", config, "-a", "127.0.0.1", "-p", str(radius.auth_port), "-s", SECRET,
                           "-t", str(timeout)], capture_output=True, text=True, timeout=timeout + 10)
