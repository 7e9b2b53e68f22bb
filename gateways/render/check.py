"""Check rendered files with each daemon's own checker (or, where none can run here, a strict parser)."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from gateways.render.common import RenderedFile
from gateways.render.freeradius import check_freeradius
from gateways.render.kea import kea_checker
from gateways.render.parsers import check_ios, check_jool

TIMEOUT = 30
_IP = shutil.which("ip") or "/usr/sbin/ip"

# This kernel (and a check host in general) may lack ip6tnl, so the scripts run with an `ip`
# stand-in that checks a `tunnel add` line's shape and creates a TUN device of that name instead:
# every later `ip` command (addresses, MTU, routes) then runs for real against a real device.
_IP_SHIM = f'''#!{sys.executable}
import ipaddress, os, sys
args = sys.argv[1:]
if args[:3] == ["-6", "tunnel", "add"] and len(args) >= 4:
    name, options = args[3], args[4:]
    pairs = dict(zip(options[::2], options[1::2]))
    if len(options) % 2 or not set(pairs) <= {{"mode", "local", "remote", "dev", "encaplimit", "ttl"}}:
        sys.exit(f"ip -6 tunnel add: bad options {{options}}")
    if pairs.get("mode") != "ipip6":
        sys.exit(f"ip -6 tunnel add: mode {{pairs.get('mode')}} is not ipip6")
    for key in ("local", "remote"):
        if pairs.get(key, "any") != "any":
            ipaddress.IPv6Address(pairs[key])
    os.execv("{_IP}", ["ip", "tuntap", "add", "dev", name, "mode", "tun"])
os.execv("{_IP}", ["ip"] + args)
'''


@dataclass(frozen=True)
class CheckResult:
    path: str
    service: str
    ok: bool
    message: str
    checked: bool = True  # False when the checker is not installed here: ok is then False too


def _run(command: list[str], netns: str | None = None) -> tuple[bool, str]:
    if netns:
        command = [_IP, "netns", "exec", netns, *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, f"{command[0]} took more than {TIMEOUT} s"
    return done.returncode == 0, (done.stdout + done.stderr).strip()


@contextlib.contextmanager
def throwaway_netns() -> Iterator[str]:
    """A fresh network namespace with one up link holding device routes, so any next hop resolves."""
    name = "chk-" + secrets.token_hex(6)
    subprocess.run([_IP, "netns", "add", name], check=True, capture_output=True)
    try:
        for command in (
            ["link", "add", "chkgw0", "type", "veth", "peer", "name", "chkgw1"],
            ["link", "set", "chkgw0", "up"], ["link", "set", "chkgw1", "up"], ["link", "set", "lo", "up"],
            ["route", "add", "default", "dev", "chkgw0"], ["-6", "route", "add", "default", "dev", "chkgw0"],
        ):
            subprocess.run([_IP, "-n", name, *command], check=True, capture_output=True)
        yield name
    finally:
        subprocess.run([_IP, "netns", "delete", name], capture_output=True)


def check_tayga(file: Path) -> tuple[bool, str]:
    # TAYGA has no check-only mode; `--mktun` parses the whole file, creates the TUN device
    # and exits, so it runs in a namespace that is deleted with the device afterwards.
    with throwaway_netns() as netns:
        return _run(["tayga", "--mktun", "-c", str(file)], netns)


def _expected_interfaces(script: str) -> list[str]:
    for line in script.splitlines():
        if line.startswith("# interfaces: "):
            return line.removeprefix("# interfaces: ").split()
    return []


def _links(netns: str) -> set[str]:
    listed = subprocess.run([_IP, "-n", netns, "-o", "link", "show"], capture_output=True, text=True, check=True)
    return {line.split(": ")[1].split("@")[0] for line in listed.stdout.splitlines()}


def check_script(file: Path) -> tuple[bool, str]:
    """`bash -n`, then a real run in a throwaway namespace with its expected interfaces faked as veths, then a
    run with `down` (what the agent does when the script goes away), which must remove every link the run made."""
    ok, message = _run(["bash", "-n", str(file)])
    if not ok:
        return ok, message
    with throwaway_netns() as netns, _shim_dir() as shim:
        for i, name in enumerate(_expected_interfaces(file.read_text())):
            for command in (["link", "add", name, "type", "veth", "peer", "name", f"chkif{i}"], ["link", "set", name, "up"]):
                ok, message = _run([_IP, *command], netns)
                if not ok:
                    return ok, f"cannot fake interface {name}: {message}"
        before = _links(netns)
        run = ["env", f"PATH={shim}:/usr/sbin:/usr/bin:/sbin:/bin", "bash", str(file)]
        ok, message = _run(run, netns)
        if not ok:
            return ok, message
        ok, said = _run([*run, "down"], netns)
        if not ok:
            return ok, f"down: {said}"
        left = sorted(_links(netns) - before)
        return (False, f"down leaves {', '.join(left)}") if left else (True, message)


@contextlib.contextmanager
def _shim_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ip-shim-") as directory:
        shim = Path(directory) / "ip"
        shim.write_text(_IP_SHIM)
        shim.chmod(0o755)
        yield Path(directory)


def check_bind(file: Path) -> tuple[bool, str]:
    """named.conf with named-checkconf; a zone file (ZONE.zone, see render/reverse.py) with named-checkzone."""
    if file.suffix == ".zone":
        return _run(["named-checkzone", "-k", "fail", "-n", "fail", file.stem, str(file)])
    return _run(["named-checkconf", str(file)])


def _command(*words: str) -> Callable[[Path], tuple[bool, str]]:
    return lambda file: _run([*words, str(file)])


CHECKERS: dict[str, Callable[[Path], tuple[bool, str]]] = {
    "unbound": _command("unbound-checkconf"),
    "bind": check_bind,
    "nftables": _command("nft", "-c", "-f"),
    "tayga": check_tayga,
    "iproute2": check_script,
    "router-linux": check_script,
    "router-ios": check_ios,
    "jool": check_jool,
    "kea": kea_checker("kea-dhcp4"),
    "kea6": kea_checker("kea-dhcp6"),
    "radvd": _command("radvd", "--configtest", "--config"),
    "freeradius": check_freeradius,
}


# The daemon program each checker runs and the Debian package that installs it, so a node (or a sandbox)
# without it is told what to install instead of failing on a missing executable.
CHECKER_PROGRAMS: dict[str, tuple[str, str]] = {
    "unbound": ("unbound-checkconf", "unbound"),
    "bind": ("named-checkconf", "bind9-utils"),
    "nftables": ("nft", "nftables"),
    "tayga": ("tayga", "tayga"),
    "kea": ("kea-dhcp4", "kea-dhcp4-server"),
    "kea6": ("kea-dhcp6", "kea-dhcp6-server"),
    "radvd": ("radvd", "radvd"),
}


def check_rendered(files: list[RenderedFile], directory: Path) -> list[CheckResult]:
    """Run each file's checker on its copy under DIRECTORY; one result per file, in order."""
    results = []
    for rendered in files:
        program, package = CHECKER_PROGRAMS.get(rendered.service, ("", ""))
        if program and not shutil.which(program):
            message = f"not checked: {program} is not installed (Debian package {package})"
            results.append(CheckResult(rendered.path, rendered.service, False, message, checked=False))
            continue
        ok, message = CHECKERS[rendered.service](directory / rendered.path)
        results.append(CheckResult(rendered.path, rendered.service, ok, message))
    return results
