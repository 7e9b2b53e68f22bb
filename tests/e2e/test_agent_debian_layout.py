"""A production agent inside a network namespace, each daemon's files in its Debian default directory (under a
temporary root) and the Debian default reload commands run for real: NAT64 with TAYGA and the router's routes come
up, and go away again when the roles are removed."""
import contextlib
import os
import secrets
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from gateways.agentconfig import DEBIAN_SERVICES
from tests.e2e.netns import in_namespace, ip, namespaces
from tests.gateways.agent.conftest import NODE, SECRET, RunningAgent

pytestmark = pytest.mark.e2e

POOL6, DYNAMIC_POOL, POOL4 = "2001:db8:64::/96", "192.0.2.128/25", "203.0.113.8/30"
NAT44_TABLE = "tayga_nat44"
ROUTED = "198.51.100.0/24"


class DebianNode(NamedTuple):
    agent: RunningAgent
    namespace: str
    root: Path  # stands for / in the Debian paths
    neighbour: str  # the address at the other end of the node's link

    def nat64_and_routes(self, spool: Path) -> dict[str, Any]:
        nat64 = {"implementation": "tayga", "mode": "stateful", "pool6": POOL6, "pool4": [{"prefix": POOL4}],
                 "tayga": {"ipv4_addr": "192.0.2.1", "dynamic_pool": DYNAMIC_POOL, "data_dir": str(spool)}}
        router = {"routes": [{"prefix": ROUTED, "next_hop": self.neighbour}]}
        return {"schema": 1, "node": NODE, "description": "Debian layout", "roles": {"nat64": nat64, "router": router}}

    def routes(self) -> str:
        return in_namespace(self.namespace, "ip", "route", "show").stdout


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
def debian_node(tmp_path: Path) -> Iterator[DebianNode]:
    """The agent in namespace agtd-*, reached over a veth; /run is private to it, as on a node of its own."""
    root = tmp_path / "root"
    services = {name: {"directory": f"{root}{DEBIAN_SERVICES[name].directory}"}
                for name in ("tayga", "iproute2", "nftables", "router-linux", "router-ios")}
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
            yield DebianNode(agent, namespace, root, host_address)
        finally:
            if agent is not None:
                agent.client.close()
            for pid in processes_in(namespace):  # the agent and the daemons it started
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            subprocess.run(["ip", "link", "delete", host_end], capture_output=True)


def test_nat64_and_routes_come_up_from_debian_directories(debian_node: DebianNode, tmp_path: Path) -> None:
    node = debian_node
    reply = node.agent.push(1, node.nat64_and_routes(tmp_path / "spool"))
    assert reply.json()["status"] == "applied", reply.text
    installed = node.root / "etc/tayga/tayga.conf"
    assert [argv[argv.index("--config") + 1] for argv in taygas(node.namespace)] == [str(installed)]
    assert has_link(node.namespace, "nat64")
    assert POOL6 in in_namespace(node.namespace, "ip", "-6", "route", "show", "dev", "nat64").stdout
    assert has_nft_table(node.namespace, NAT44_TABLE)
    assert f"{ROUTED} via {node.neighbour}" in node.routes()
    assert f"ip route {ROUTED.split('/')[0]} 255.255.255.0 {node.neighbour}" in (
        node.root / "etc/opsconsole/router-ios/ios.txt").read_text()


def test_removing_the_roles_tears_down_what_they_set_up(debian_node: DebianNode, tmp_path: Path) -> None:
    node = debian_node
    assert node.agent.push(1, node.nat64_and_routes(tmp_path / "spool")).json()["status"] == "applied"
    assert taygas(node.namespace) and has_link(node.namespace, "nat64") and has_nft_table(node.namespace, NAT44_TABLE)

    reply = node.agent.push(2, {"schema": 1, "node": NODE, "description": "no roles", "roles": {}}).json()
    assert reply["status"] == "applied", reply
    assert {service: result["stage"] for service, result in reply["services"].items()} == {
        "iproute2": "teardown", "nftables": "teardown", "router-ios": "teardown", "router-linux": "teardown",
        "tayga": "teardown"}  # fmt: skip
    assert not taygas(node.namespace)
    assert not has_link(node.namespace, "nat64")
    assert not has_nft_table(node.namespace, NAT44_TABLE)
    assert ROUTED not in node.routes()
    assert not [path for path in node.root.rglob("*") if path.is_file()]


def test_a_failed_push_after_a_teardown_sets_the_old_roles_up_again(debian_node: DebianNode, tmp_path: Path) -> None:
    node = debian_node
    assert node.agent.push(1, node.nat64_and_routes(tmp_path / "spool")).json()["status"] == "applied"

    # Only routes, toward a next hop that is not on the node's link: TAYGA is torn down, then the routes fail.
    unreachable = {"routes": [{"prefix": ROUTED, "next_hop": "10.255.255.1"}]}
    reply = node.agent.push(2, {"schema": 1, "node": NODE, "description": "", "roles": {"router": unreachable}}).json()
    assert (reply["status"], reply["revision"]) == ("failed", 1), reply
    assert reply["services"]["router-linux"]["stage"] == "reload"
    assert reply["services"]["tayga"]["message"].endswith("(rolled back to revision 1)"), reply
    assert taygas(node.namespace) and has_link(node.namespace, "nat64") and has_nft_table(node.namespace, NAT44_TABLE)
    assert f"{ROUTED} via {node.neighbour}" in node.routes()
