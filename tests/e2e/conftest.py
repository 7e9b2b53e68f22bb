"""Fixtures: the running console, a signed-in NOC, the namespace lab and its gateway node configured by the NOC."""
from collections.abc import Iterator
from pathlib import Path

import pytest

from opsconsole.nodes.models import GatewayNode
from opsconsole.transition.models import Dns64Role, Nat64Role
from tests.conftest import PASSWORD
from tests.e2e.namespaces import DYNAMIC_POOL, GATEWAY6, SERVER4, TAYGA4, ZONE, Lab
from tests.e2e.stack import Console, NodeAgent, Noc, converged, wait_until
from tests.ports import free_port

FIRST_PREFIX = "2001:db8:64::/96"
CONVERGE_SECONDS = 30


@pytest.fixture
def console(transactional_db, tmp_path: Path) -> Iterator[Console]:
    stack = Console(tmp_path / "console")
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def noc(console: Console, noc_user) -> Iterator[Noc]:
    session = Noc(console.url, noc_user.username, PASSWORD)
    yield session
    session.close()


def new_node(name: str) -> GatewayNode:
    """A node whose agent will listen on a free loopback port (nodes are enrolled with their credentials here)."""
    node = GatewayNode(name=name, description="end-to-end test", agent_url=f"http://127.0.0.1:{free_port()}")
    node.issue_credentials()
    node.save()
    return node


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    namespaces = Lab(tmp_path / "lab")
    namespaces.directory.mkdir()
    try:
        namespaces.build()
        yield namespaces
    finally:
        namespaces.destroy()


def nat64_form(prefix: str, tayga_ipv6_addr: str = "") -> dict:
    return {"implementation": "tayga", "mode": "stateful", "pool6": prefix, "ipv6_address": "", "ipv4_address": "",
            "instance": "default", "tayga_ipv4_addr": TAYGA4, "tayga_ipv6_addr": tayga_ipv6_addr,
            "tayga_dynamic_pool": DYNAMIC_POOL, "member_index": "", "member_count": ""}


def dns64_form(prefix: str) -> dict:
    return {"implementation": "unbound", "prefix": prefix, "clients": "any", "mapped": "any", "exclude": "",
            "dnssec_validation": False, "recursive_only": False, "break_dnssec": False, "synthall": False,
            "listen": GATEWAY6, "port": "53"}


class LabGateway:
    """The lab's gateway node as the NOC sees it: role pages to edit, and its real agent in production mode."""

    def __init__(self, noc: Noc, node: GatewayNode, agent: NodeAgent) -> None:
        self.noc, self.node, self.agent = noc, node, agent

    def roles_page(self, kind: str, role_model) -> str:
        pk = role_model.objects.get(node=self.node).pk
        return f"/transition/nodes/{self.node.name}/{kind}/{pk}/"

    def edit_nat64(self, prefix: str, tayga_ipv6_addr: str = "") -> None:
        self.noc.submit(self.roles_page("nat64", Nat64Role), nat64_form(prefix, tayga_ipv6_addr))

    def edit_dns64(self, prefix: str) -> None:
        self.noc.submit(self.roles_page("dns64", Dns64Role), dns64_form(prefix))

    def wait_converged(self) -> None:
        wait_until(lambda: converged(self.node, self.agent), CONVERGE_SECONDS,
                   f"{self.node.name} runs its desired revision\n{self.agent.process.log()[-3000:]}", pause=0.3)


@pytest.fixture
def lab_gateway(console: Console, noc: Noc, lab: Lab, tmp_path: Path) -> Iterator[LabGateway]:
    """The gateway node with NAT64 (TAYGA) and DNS64 (Unbound, stub zone to the server) added on its role pages."""
    node = new_node("lab-gw")
    (tmp_path / "agent").mkdir()
    agent = NodeAgent(node, tmp_path / "agent", console.url, "production", lab.agent_services(), lab.agent_stats())
    try:
        agent.start()
        base = f"/transition/nodes/{node.name}"
        noc.submit(f"{base}/nat64/add/", nat64_form(FIRST_PREFIX))
        noc.submit(f"{base}/dns64/add/", dns64_form(FIRST_PREFIX))
        noc.submit(f"{base}/dns64-zone/add/", {"kind": "stub", "name": ZONE, "addresses": SERVER4, "port": "53",
                                               "insecure": False})
        gateway = LabGateway(noc, node, agent)
        gateway.wait_converged()
        yield gateway
    finally:
        agent.stop()
