"""A production agent inside a network namespace, each daemon's files in its Debian default directory (under a
temporary root) and the Debian default reload commands run for real: NAT64 with TAYGA comes up, and goes away
again when the role is removed."""
import os
import secrets
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gateways.agentconfig import DEBIAN_SERVICES
from tests.e2e.netns import in_namespace, ip, namespaces
from tests.gateways.agent.conftest import NODE, SECRET, RunningAgent

pytestmark = pytest.mark.e2e

POOL6, DYNAMIC_POOL, POOL4 = "2001:db8:64::/96", "192.0.2.128/25", "203.0.113.8/30"
NAT44_TABLE = "tayga_nat44"


def nat64_intent(spool: Path) -> dict[str, Any]:
    role = {"implementation": "tayga", "mode": "stateful", "pool6": POOL6, "pool4": [{"prefix": POOL4}],
            "tayga": {"ipv4_addr": "192.0.2.1", "dynamic_pool": DYNAMIC_POOL, "data_dir": str(spool)}}
    return {"schema": 1, "node": NODE, "description": "Debian layout", "roles": {"nat64": role}}


def processes_in(namespace: str) -> dict[int, list[str]]:
    """The command lines of the processes in NAMESPACE, by pid."""
    found = {}
    for pid in ip("netns", "pids", namespace).split():
        try:
            found[int(pid)] = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
        except FileNotFoundError:
            pass
    return found


def taygas(namespace: str) -> list[list[str]]:
    return [argv for argv in processes_in(namespace).values() if argv and Path(argv[0]).name == "tayga"]


def has_link(namespace: str, name: str) -> bool:
    return in_namespace(namespace, "ip", "link", "show", name).returncode == 0


def has_nft_table(namespace: str, table: str) -> bool:
    return in_namespace(namespace, "nft", "list", "table", "ip", table).returncode == 0


@pytest.fixture
def debian_node(tmp_path: Path) -> Iterator[tuple[RunningAgent, str, Path]]:
    """The agent in namespace agtd-*, reached over a veth; /run is private to it, as on a node of its own."""
    root = tmp_path / "root"
    services = {name: {"directory": f"{root}{DEBIAN_SERVICES[name].directory}"}
                for name in ("tayga", "iproute2", "nftables")}
    (tmp_path / "spool").mkdir()
    # A /30 of the benchmarking range that no other test is likely to pick at the same time.
    network = f"198.18.{secrets.randbelow(256)}"
    first = 4 * secrets.randbelow(64)
    host_address, node_address = f"{network}.{first + 1}", f"{network}.{first + 2}"
    host_end, node_end = f"agh{secrets.token_hex(4)}", f"agn{secrets.token_hex(4)}"
    with namespaces("agtd") as (namespace,):
        agent = None
        try:
            ip("link", "add", host_end, "type", "veth", "peer", "name", node_end)
            ip("link", "set", node_end, "netns", namespace)
            ip("addr", "add", f"{host_address}/30", "dev", host_end)
            ip("-n", namespace, "addr", "add", f"{node_address}/30", "dev", node_end)
            ip("link", "set", host_end, "up")
            ip("-n", namespace, "link", "set", node_end, "up")
            (tmp_path / "agent").mkdir()
            agent = RunningAgent(tmp_path / "agent", {
                "node": NODE, "secret": SECRET.decode(), "mode": "production", "listen_host": node_address,
                "listen_port": 0, "state_dir": str(tmp_path / "agent" / "state"), "services": services,
            }, wrapper=("ip", "netns", "exec", namespace, "sh", "-c", 'mount -t tmpfs tmpfs /run && exec "$@"', "agent"))
            agent.start()
            yield agent, namespace, root
        finally:
            if agent is not None and agent.process is not None and agent.process.poll() is None:
                agent.process.kill()
                agent.process.wait()
            for pid in processes_in(namespace):
                os.kill(pid, signal.SIGKILL)
            subprocess.run(["ip", "link", "delete", host_end], capture_output=True)


def test_nat64_comes_up_from_debian_directories(debian_node: tuple[RunningAgent, str, Path], tmp_path: Path) -> None:
    agent, namespace, root = debian_node
    reply = agent.push(1, nat64_intent(tmp_path / "spool"))
    assert reply.json()["status"] == "applied", reply.text
    installed = root / "etc/tayga/tayga.conf"
    assert [argv[argv.index("--config") + 1] for argv in taygas(namespace)] == [str(installed)]
    assert has_link(namespace, "nat64")
    assert POOL6 in in_namespace(namespace, "ip", "-6", "route", "show", "dev", "nat64").stdout
    assert has_nft_table(namespace, NAT44_TABLE)


def test_removing_the_role_tears_down_what_it_set_up(debian_node: tuple[RunningAgent, str, Path],
                                                     tmp_path: Path) -> None:
    agent, namespace, root = debian_node
    assert agent.push(1, nat64_intent(tmp_path / "spool")).json()["status"] == "applied"
    assert taygas(namespace) and has_link(namespace, "nat64") and has_nft_table(namespace, NAT44_TABLE)

    reply = agent.push(2, {"schema": 1, "node": NODE, "description": "no roles", "roles": {}}).json()
    assert reply["status"] == "applied", reply
    assert {service: result["stage"] for service, result in reply["services"].items()} == {
        "iproute2": "teardown", "nftables": "teardown", "tayga": "teardown"}
    assert not taygas(namespace)
    assert not has_link(namespace, "nat64")
    assert not has_nft_table(namespace, NAT44_TABLE)
    assert not [path for path in root.rglob("*") if path.is_file()]
