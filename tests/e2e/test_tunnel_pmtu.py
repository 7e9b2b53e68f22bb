"""The path-MTU probe measures through a real tunnel in namespaces: a link behind the far end is narrowed to 1300
bytes and the probe finds exactly that, in the heartbeat's probes and on demand through the agent's signed endpoint;
the rendered SA46T ruleset's named counters count the probe's packets.

    node (wan0 2001:db8:a::1) ==tunnel sa46t0: 10.46.0.1 -> 10.46.0.2== far end --(MTU 1300)-- target 10.2.0.10

This kernel has no ip6tnl (the SA46T, MAP-E and DS-Lite renderers' tunnel type): the tunnel is VXLAN over IPv6,
named as the rendered SA46T files name their tunnel, so the rendered nftables file applies to it unchanged.
"""
from pathlib import Path

import pytest

from gateways.addressing import sa46t_address
from gateways.agentconfig import StatsSettings
from gateways.probes import run_probes
from gateways.render import render_intent
from gateways.stats import gather
from opsconsole.nodes.agent_client import probe_pmtu
from opsconsole.nodes.models import GatewayNode
from tests.e2e.netns import in_namespace, ip, namespaces, veth
from tests.e2e.stack import NodeAgent
from tests.ports import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]
NARROW_MTU, TARGET = 1300, "10.2.0.10"
SA46T_PREFIX = "2001:db8:46::/64"


def tunnel_intent() -> dict:
    local, peer = (str(sa46t_address(SA46T_PREFIX, 0, ipv4)) for ipv4 in ("10.46.0.1", "10.46.0.2"))
    return {"schema": 1, "node": "pmtu-node", "description": "", "roles": {"sa46t": {
        "prefix": SA46T_PREFIX, "local": local, "peers": [{"address": peer, "networks": ["10.2.0.0/24"]}],
        "uplink": "wan0", "probe_target": TARGET}}}


def build(node: str, far: str, target: str) -> None:
    veth(node, "wan0", far, "wan0")
    for namespace, address, remote in ((node, "2001:db8:a::1", "2001:db8:a::2"), (far, "2001:db8:a::2", "2001:db8:a::1")):
        ip("-n", namespace, "addr", "add", f"{address}/64", "dev", "wan0", "nodad")
        ip("-n", namespace, "link", "add", "sa46t0", "type", "vxlan", "id", "46", "local", address, "remote", remote,
           "dstport", "4789", "dev", "wan0")
        ip("-n", namespace, "link", "set", "sa46t0", "up")
    ip("-n", node, "addr", "add", "10.46.0.1/30", "dev", "sa46t0")
    ip("-n", far, "addr", "add", "10.46.0.2/30", "dev", "sa46t0")
    veth(far, "srv0", target, "eth0")
    for namespace, device in ((far, "srv0"), (target, "eth0")):
        ip("-n", namespace, "link", "set", device, "mtu", str(NARROW_MTU))
    ip("-n", far, "addr", "add", "10.2.0.1/24", "dev", "srv0")
    ip("-n", target, "addr", "add", f"{TARGET}/24", "dev", "eth0")
    ip("-n", node, "route", "add", "10.2.0.0/24", "via", "10.46.0.2")
    ip("-n", target, "route", "add", "default", "via", "10.2.0.1")
    assert in_namespace(far, "sysctl", "-qw", "net.ipv4.ip_forward=1").returncode == 0


def test_the_probe_finds_the_narrow_link_behind_the_tunnel(tmp_path: Path):
    intent = tunnel_intent()
    ruleset = next(f for f in render_intent(intent) if f.path == "nftables/sa46t.nft")
    (tmp_path / "sa46t.nft").write_text(ruleset.content)
    with namespaces("pmtu-node", "pmtu-far", "pmtu-target") as (node, far, target):
        build(node, far, target)
        loaded = in_namespace(node, "nft", "-f", str(tmp_path / "sa46t.nft"))
        assert loaded.returncode == 0, loaded.stderr
        assert in_namespace(node, "ping", "-c", "1", "-W", "5", TARGET).returncode == 0, "the tunnel does not carry"

        settings = StatsSettings(run_in=("ip", "netns", "exec", node))
        roles = {"sa46t": {**intent["roles"]["sa46t"], "tunnel": "sa46t", "mtu": 1460}}
        assert run_probes(settings, roles) == {"values": {"probe:pmtu:sa46t": NARROW_MTU}, "errors": {}}

        stats = gather(settings, roles)
        assert stats["errors"] == {}
        assert stats["counters"]["nft:sa46t_out:packets"] >= 10  # the first ping and the probe's search
        assert stats["counters"]["nft:sa46t_in:packets"] >= 2
        assert stats["counters"]["if:sa46t0:out-bytes"] > NARROW_MTU

        # On demand: the console asks the node's agent, signed like a push.
        gateway = GatewayNode(name="pmtu-node", agent_url=f"http://127.0.0.1:{free_port()}")
        gateway.issue_credentials()
        gateway.save()
        (tmp_path / "agent").mkdir()
        agent = NodeAgent(gateway, tmp_path / "agent", console_url="", mode="production")
        with (tmp_path / "agent" / "agent.toml").open("a") as toml:
            toml.write(f'\n[stats]\nrun_in = "ip netns exec {node}"\n')
        agent.start()
        try:
            assert probe_pmtu(gateway, TARGET) == {"status": "ok", "destination": TARGET, "largest": NARROW_MTU,
                                                  "learned_mtu": NARROW_MTU}
            assert probe_pmtu(gateway, "10.2.0.99")["largest"] is None  # nobody answers there
        finally:
            agent.stop()
