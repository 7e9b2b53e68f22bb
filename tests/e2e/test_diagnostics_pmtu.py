"""The path-MTU diagnostic through the console's pages against a real agent in namespaces: a link behind the far
end of the node's SA46T tunnel is narrowed below the tunnel's MTU and the result says black hole, with the MSS
clamp in force; widened, the same probe fits; with the far end's ICMP errors dropped, the large probes vanish
silently and the result says so. (Namespaces as in test_tunnel_pmtu.)"""
from pathlib import Path

import pytest

from opsconsole.diagnostics.models import DiagnosticResult
from opsconsole.nodes.models import GatewayNode
from opsconsole.transition.models import Sa46tRole
from tests.e2e.netns import in_namespace, ip, namespaces
from tests.e2e.stack import NodeAgent
from tests.e2e.test_tunnel_pmtu import NARROW_MTU, SA46T_PREFIX, TARGET, build
from tests.ports import free_port

pytestmark = [pytest.mark.e2e]
TUNNEL_MTU = 1400  # below the VXLAN stand-in's own 1450


def sa46t_node(name: str, ipv4: str, networks: str = "", **fields) -> GatewayNode:
    node = GatewayNode(name=name, **fields)
    node.issue_credentials()
    node.save()
    Sa46tRole.objects.create(node=node, prefix=SA46T_PREFIX, ipv4_address=ipv4, networks=networks, uplink="wan0",
                             mtu=TUNNEL_MTU)
    return node


def probe(client, node: GatewayNode, destination: str) -> DiagnosticResult:
    response = client.post("/diagnostics/pmtu/", {"pmtu-node": node.pk, "pmtu-destination": destination})
    assert response.status_code == 302, response.content.decode()[:2000]
    return DiagnosticResult.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])


def test_a_path_narrower_than_the_tunnel_is_a_suspected_black_hole(db, noc_client, tmp_path: Path):
    gateway = sa46t_node("d2pm-node", "10.46.0.1", agent_url=f"http://127.0.0.1:{free_port()}")
    sa46t_node("d2pm-far", "10.46.0.2", "10.2.0.0/24")
    with namespaces("d2pm-node", "d2pm-far", "d2pm-target") as (node, far, target):
        build(node, far, target)
        (tmp_path / "agent").mkdir()
        agent = NodeAgent(gateway, tmp_path / "agent", console_url="", mode="production",
                          stats={"run_in": f"ip netns exec {node}"})
        agent.start()
        try:
            narrow = probe(noc_client, gateway, TARGET)
            assert (narrow.kind, narrow.verdict, narrow.ok) == ("pmtu", "black-hole", False)
            assert (narrow.details["largest"], narrow.details["learned_mtu"]) == (NARROW_MTU, NARROW_MTU)
            assert narrow.details["silent"] is False
            assert narrow.details["tunnels"] == [{"role": "sa46t", "tunnel": "sa46t", "mtu": TUNNEL_MTU,
                                                  "mss": TUNNEL_MTU - 40, "verdict": "black-hole"}]
            page = noc_client.get(narrow.get_absolute_url()).content.decode()
            assert f"{NARROW_MTU} bytes" in page and f"MSS {TUNNEL_MTU - 40}" in page
            assert "suspected black hole" in page

            for namespace, device in ((far, "srv0"), (target, "eth0")):
                ip("-n", namespace, "link", "set", device, "mtu", "1500")
            ip("-n", node, "route", "flush", "cache")  # the node forgets the narrow path MTU it learned
            wide = probe(noc_client, gateway, TARGET)
            assert (wide.verdict, wide.ok, wide.details["largest"]) == ("fits", True, TUNNEL_MTU)

            nobody = probe(noc_client, gateway, "10.2.0.99")
            assert (nobody.verdict, nobody.details["largest"]) == ("unreachable", None)

            # Narrowed again, and the far end's "too big" errors dropped: the probes above 1300 just vanish.
            for namespace, device in ((far, "srv0"), (target, "eth0")):
                ip("-n", namespace, "link", "set", device, "mtu", str(NARROW_MTU))
            ip("-n", node, "route", "flush", "cache")
            dropped = in_namespace(far, "nft", "add table inet d2pm; add chain inet d2pm out { type filter hook "
                                   "output priority 0; }; add rule inet d2pm out icmp type destination-unreachable drop")
            assert dropped.returncode == 0, dropped.stderr
            silent = probe(noc_client, gateway, TARGET)
            assert (silent.verdict, silent.details["largest"], silent.details["silent"]) == ("black-hole", NARROW_MTU,
                                                                                              True)
            assert "vanished without an ICMP error" in noc_client.get(silent.get_absolute_url()).content.decode()
        finally:
            agent.stop()
    agent_gone = probe(noc_client, gateway, TARGET)
    assert agent_gone.verdict == "could-not-check" and gateway.agent_url in agent_gone.details["error"]
