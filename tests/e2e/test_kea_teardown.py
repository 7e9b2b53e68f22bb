"""Removing the DHCP role from a production node: Kea, told through its control socket, drops the subnets with
their reservations, keeps running, and keeps a configuration file it can restart from."""
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gateways.agentconfig import kea_service
from tests.e2e.netns import ip, namespaces
from tests.e2e.stack import Process
from tests.gateways.agent.conftest import NODE, SECRET, RunningAgent

pytestmark = pytest.mark.e2e

RESERVED_MAC = "00:1b:63:e2:e2:01"


def kea_command(socket_path: Path, command: str) -> dict[str, Any]:
    answer = subprocess.run(["socat", "-t", "5", "-", f"UNIX-CONNECT:{socket_path}"], input=json.dumps({"command": command}),
                            capture_output=True, text=True, check=True).stdout
    return json.loads(answer)


@pytest.fixture
def kea_node() -> Iterator[tuple[RunningAgent, Path]]:
    """Kea in a namespace of its own, with no subnets, and a production agent managing its file."""
    directory = Path(tempfile.mkdtemp(prefix="kea-td-"))  # short: unix socket paths are limited to 107 bytes
    socket_path, etc, run = directory / "kea4.sock", directory / "etc", directory / "run"
    for path in (etc, run, directory / "leases", directory / "agent"):
        path.mkdir()
    (etc / "kea-dhcp4.conf").write_text(json.dumps({"Dhcp4": {
        "interfaces-config": {"interfaces": ["srv0"]},
        "control-socket": {"socket-type": "unix", "socket-name": str(socket_path)},
        "lease-database": {"type": "memfile", "persist": False}}}))
    kea = agent = None
    try:
        with namespaces("keatd") as (namespace,):
            ip("-n", namespace, "link", "add", "srv0", "type", "veth", "peer", "name", "srv1")
            ip("-n", namespace, "addr", "add", "192.0.2.1/24", "dev", "srv0")
            ip("-n", namespace, "link", "set", "srv0", "up")
            kea = Process("kea", ["ip", "netns", "exec", namespace, "env", f"KEA_PIDFILE_DIR={run}",
                                  f"KEA_LOCKFILE_DIR={run}", "kea-dhcp4", "-c", str(etc / "kea-dhcp4.conf")],
                          directory / "kea.log")
            kea.start(r"DHCP4_STARTED")
            settings = kea_service(etc, str(socket_path))
            agent = RunningAgent(directory / "agent", {
                "node": NODE, "secret": SECRET.decode(), "mode": "production", "listen_port": 0,
                "state_dir": str(directory / "agent" / "state"), "services": {"kea": {
                    "directory": str(etc), "reload": settings.reload, "health": settings.health,
                    "teardown": settings.teardown}},
            })  # fmt: skip
            agent.start()
            yield agent, socket_path
    finally:
        if agent is not None:
            agent.client.close()
            if agent.process is not None and agent.process.poll() is None:
                agent.stop()
        if kea is not None:
            kea.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_removing_the_dhcp_role_drops_keas_subnets(kea_node: tuple[RunningAgent, Path]) -> None:
    agent, socket_path = kea_node
    subnet = {"id": 40, "interface": "srv0", "prefix": "192.0.2.0/24", "pool": ["192.0.2.100", "192.0.2.199"],
              "reservations": [RESERVED_MAC]}
    dhcp = {"control_socket4": str(socket_path), "lease_directory": str(socket_path.parent / "leases"),
            "subnets4": [subnet]}
    first = agent.push(1, {"schema": 1, "node": NODE, "description": "", "roles": {"dhcp": dhcp}}).json()
    assert first["status"] == "applied", first
    [served] = kea_command(socket_path, "config-get")["arguments"]["Dhcp4"]["subnet4"]
    assert (served["id"], served["reservations"][0]["hw-address"]) == (40, RESERVED_MAC)

    second = agent.push(2, {"schema": 1, "node": NODE, "description": "", "roles": {}}).json()
    assert second["status"] == "applied", second
    assert second["services"]["kea"]["stage"] == "teardown"
    assert kea_command(socket_path, "config-get")["arguments"]["Dhcp4"].get("subnet4", []) == []
    assert kea_command(socket_path, "status-get")["result"] == 0
    on_disk = json.loads((socket_path.parent / "etc" / "kea-dhcp4.conf").read_text())
    assert on_disk["Dhcp4"].get("subnet4", []) == [] and RESERVED_MAC not in json.dumps(on_disk)
