"""A real net-snmp snmpd on a loopback UDP port, for the monitoring tests and bench/snmp.py.

Debian ships no MIBs, so everything is numeric. The agent answers SNMPv2c for COMMUNITY and SNMPv3 for V3_USER
(SHA-1 + AES-128), and `extend ticks` serves a counter that grows by one on every read.
"""
import contextlib
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from opsconsole.core.processes import terminate

COMMUNITY = "opsconsole-test"
V3_USER, V3_AUTH_KEY, V3_PRIV_KEY = "noc-poller", "auth-key-for-tests", "priv-key-for-tests"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Snmpd:
    port: int
    directory: Path


def _answers(port: int) -> bool:
    done = subprocess.run(["snmpget", "-v2c", "-c", COMMUNITY, "-t", "0.3", "-r", "0", "-On",
                           f"127.0.0.1:{port}", SYS_UPTIME], capture_output=True, text=True,
                          env=dict(os.environ, MIBS="", MIBDIRS="/nonexistent"))
    return done.returncode == 0


@contextlib.contextmanager
def running_snmpd(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    counter = directory / "ticks"
    script = directory / "ticks.sh"
    script.write_text(f"#!/bin/sh\nn=$(cat {counter} 2>/dev/null || echo 0)\nn=$((n + 1))\n"
                      f"echo $n > {counter}\necho $n\n")
    script.chmod(0o755)
    port = free_udp_port()
    (directory / "snmpd.conf").write_text(
        f"agentAddress udp:127.0.0.1:{port}\n"
        f"rocommunity {COMMUNITY} 127.0.0.1\n"
        f'createUser {V3_USER} SHA "{V3_AUTH_KEY}" AES "{V3_PRIV_KEY}"\n'
        f"rouser {V3_USER} priv\n"
        f"extend ticks {script}\n"
        "master no\n"
    )
    env = dict(os.environ, MIBS="", MIBDIRS="/nonexistent", SNMP_PERSISTENT_DIR=str(directory / "persist"))
    process = subprocess.Popen(
        ["snmpd", "-f", "-Lf", str(directory / "snmpd.log"), "-C", "-I", "-smux",
         "-c", str(directory / "snmpd.conf"), "-p", str(directory / "snmpd.pid")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"snmpd did not start: {(directory / 'snmpd.log').read_text(errors='replace')}")
            time.sleep(0.1)
        yield Snmpd(port=port, directory=directory)
    finally:
        terminate(process, grace_seconds=5)
