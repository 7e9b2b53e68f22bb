"""The WIDE camp plan's reverse zones, built for the reverse DNS node, checked by BIND's own checkers on the agent's
apply path, and served by a real named that answers PTR questions from them."""
from datetime import timedelta

import dns.message
import dns.query
import dns.reversename
import pytest
from django.utils import timezone

from gateways.agentconfig import AgentConfig
from gateways.apply import RunningState, apply_intent
from gateways.intent import content_hash
from opsconsole.audit.models import AuditEntry
from opsconsole.diagnostics.models import ReverseDnsService
from opsconsole.nodes.intents import build_intent
from opsconsole.plan.models import Prefix, Vlan
from opsconsole.plan.yamlio import demo_plan, import_plan
from opsconsole.registration.models import Device, NeighbourEntry, Participant
from opsconsole.transition.demo import load_plan
from tests.transition.conftest import make_node, render_and_check

from .authority import Bind, free_udp_and_tcp_port

POOL_ZONE = "158.178.203.in-addr.arpa"  # 203.178.158.64/27 (widecamp) and .96/27 (widecamp-nowep)
CLIENTS6_ZONE = "0.9.f.f.0.0.0.0.0.0.2.0.1.0.0.2.ip6.arpa"  # 2001:200:0:ff90::/64
DEVICE6 = "2001:200:0:ff90::1234"


@pytest.fixture
def camp(db):
    import_plan(demo_plan("wide-camp-2011"))
    load_plan("wide-camp-2011")
    participant = Participant.objects.create(name="Carol", active_until=timezone.now() + timedelta(days=3))
    device = Device.objects.create(participant=participant, mac="02:00:00:00:00:42")
    device.vlans.add(Vlan.objects.get(name="widecamp"))
    node = make_node("dns-rev")
    NeighbourEntry.objects.create(node=node, ip=DEVICE6, mac=device.mac)
    NeighbourEntry.objects.create(node=node, ip="2001:200:0:ff90::99", mac="02:00:00:00:00:99")  # not registered
    ReverseDnsService.objects.create(node=node, forward_domain="camp.wide.example", nameserver="ns.camp.wide.example",
                                     hostmaster="noc.camp.wide.example", listen="127.0.0.1")
    return node


def zones_of(intent: dict) -> dict[str, dict]:
    return {zone["name"]: zone for zone in intent["roles"]["reverse_dns"]["zones"]}


def test_pools_are_generated_in_full_and_known_addresses_named(camp):
    zones = zones_of(build_intent(camp))
    pools = zones[POOL_ZONE]
    assert pools["generate"] == [{"first": 66, "last": 94, "name": "v4-203-178-158-$.camp.wide.example"},
                                 {"first": 98, "last": 126, "name": "v4-203-178-158-$.camp.wide.example"}]
    ptr = {record["address"]: record["name"] for record in pools["ptr"]}
    assert ptr["203.178.158.65"] == "gw-vlan101.camp.wide.example"
    assert ptr["203.178.158.37"].endswith(".camp.wide.example")  # the NAT64 box
    devices = {record["address"]: record["name"] for record in zones[CLIENTS6_ZONE]["ptr"]}
    assert devices == {DEVICE6: "v6-2001-0200-0000-ff90-0000-0000-0000-1234.camp.wide.example"}
    # The SLAAC VLANs' /64s hold no address the console knows: no zone at all, rather than a wildcard.
    assert not any(name.startswith(("3.9.f.f", "4.9.f.f")) for name in zones)


def test_every_zone_passes_named_checkzone_and_the_server_named_checkconf(camp):
    files, checks = render_and_check(build_intent(camp))
    zone_checks = [check for check in checks if check.path.endswith(".zone")]
    assert len(zone_checks) == len(zones_of(build_intent(camp))) >= 3
    assert all(check.ok for check in checks), [c for c in checks if not c.ok]


def test_the_agent_installs_the_zones_and_named_answers_from_them(camp, tmp_path):
    intent = build_intent(camp)
    sandbox = tmp_path / "sandbox"
    # The node's layout in the sandbox: zone_dir is where the agent puts the bind service's opsconsole-reverse/.
    intent["roles"]["reverse_dns"]["zone_dir"] = str(sandbox / "bind" / "opsconsole-reverse")
    config = AgentConfig(node=camp.name, secret=b"x" * 32, mode="sandbox", state_dir=tmp_path / "state",
                         sandbox_root=sandbox)
    outcome, _ = apply_intent(config, RunningState(), 1, intent, content_hash(intent))
    assert outcome.status == "applied", outcome.services
    assert outcome.services["bind"]["ok"] and outcome.services["bind"].get("checked", True)
    installed = {path.name.removesuffix("zone"): path.read_text()
                 for path in (sandbox / "bind" / "opsconsole-reverse").glob("*.zone")}
    port = free_udp_and_tcp_port(["127.0.0.1"])
    named = Bind("127.0.0.1", port, {f"{name}": text for name, text in installed.items()})
    try:
        for address, name in (("203.178.158.77", "v4-203-178-158-77.camp.wide.example."),
                              ("203.178.158.65", "gw-vlan101.camp.wide.example."),
                              (DEVICE6, "v6-2001-0200-0000-ff90-0000-0000-0000-1234.camp.wide.example.")):
            query = dns.message.make_query(dns.reversename.from_address(address), "PTR")
            answer = dns.query.udp(query, "127.0.0.1", port=port, timeout=5)
            assert [rdata.to_text() for rrset in answer.answer for rdata in rrset] == [name]
        unknown = dns.query.udp(dns.message.make_query(dns.reversename.from_address("2001:200:0:ff90::99"), "PTR"),
                                "127.0.0.1", port=port, timeout=5)
        assert unknown.rcode() == dns.rcode.NXDOMAIN
    finally:
        named.stop()


@pytest.mark.django_db(transaction=True)
def test_a_new_pool_rebuilds_the_reverse_node(camp, noc_client, monkeypatch):
    monkeypatch.setattr("opsconsole.nodes.tasks.push_node_revision.delay", lambda node_id, **_: None)
    vlan = Vlan.objects.get(name="widecamp-sat")
    vlan.families.filter(family="ipv4").update(scope="global", allocation="dhcpv4-open", resolver="dns64")
    Prefix.objects.create(vlan=vlan, network="198.51.100.0/25", purpose="clients")
    camp.refresh_from_db()
    zones = zones_of(camp.desired_revision.intent)
    assert zones["100.51.198.in-addr.arpa"]["generate"] == [
        {"first": 2, "last": 126, "name": "v4-198-51-100-$.camp.wide.example"}]


def test_the_noc_sees_the_zones_and_the_service_is_audited(camp, noc_client, helpdesk_client):
    assert AuditEntry.objects.filter(object_type="diagnostics.ReverseDnsService").exists()
    page = helpdesk_client.get("/diagnostics/reverse/").content.decode()
    assert "$GENERATE 66-94 $ PTR v4-203-178-158-$.camp.wide.example." in page
    assert "dns-rev" in page and CLIENTS6_ZONE in page
