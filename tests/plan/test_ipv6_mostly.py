"""IPv6-mostly (RFC 8925) as an IPv4 allocation: its V6ONLY_WAIT is checked in the model and the YAML keeps it exactly;
the plan page shows each such VLAN with its PREF64 prefix and how many devices went IPv6-only."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.audit.models import AuditEntry
from opsconsole.nodes.models import GatewayNode
from opsconsole.plan.models import Vlan, VlanFamily
from opsconsole.plan.yamlio import PlanErrors, demo_plan, export_plan, import_plan
from opsconsole.registration.ipv6_mostly import ipv6_mostly_adoption
from opsconsole.registration.models import NeighbourEntry
from opsconsole.transition.models import Dns64Role

from .test_table import text_of

pytestmark = pytest.mark.usefixtures("wide_plan")

MOSTLY = {"family": "ipv4", "scope": "global", "allocation": "dhcpv4-ipv6-mostly", "resolver": "dns64", "transition": "none"}


def cleaned(**fields) -> VlanFamily:
    row = VlanFamily(vlan=Vlan.objects.get(vid=102), **(MOSTLY | fields))
    row.full_clean(validate_constraints=False)
    return row


def test_v6only_wait_defaults_to_rfc_8925s_1800_seconds():
    assert cleaned().v6only_wait == 1800
    assert cleaned(v6only_wait=300).v6only_wait == 300


@pytest.mark.parametrize("seconds", [0, 299, 2**32])
def test_v6only_wait_outside_300_seconds_to_32_bits_is_refused(seconds):
    with pytest.raises(ValidationError) as refused:
        cleaned(v6only_wait=seconds)

    assert refused.value.message_dict["v6only_wait"] == [
        "V6ONLY_WAIT is how long an IPv6-only client stays off IPv4: from 300 seconds (RFC 8925's minimum) to "
        f"4294967295 seconds, not {seconds}; 1800 is the usual value."]


def test_v6only_wait_on_another_allocation_is_refused():
    with pytest.raises(ValidationError) as refused:
        cleaned(allocation="dhcpv4-open", v6only_wait=1800)

    assert refused.value.message_dict["v6only_wait"] == [
        "V6ONLY_WAIT belongs to the IPv6-mostly allocation only; leave it empty for open DHCPv4."]


def test_ipv6_mostly_is_an_ipv4_allocation():
    with pytest.raises(ValidationError) as refused:
        cleaned(family="ipv6", resolver="dns64", transition="nat64")

    assert refused.value.message_dict["allocation"] == [
        "IPv6-mostly (open DHCPv4 with option 108) hands out IPv4 addresses only; choose DHCPv6, RA/SLAAC or none for IPv6."]


def ipv6_mostly_plan(wait_line: str) -> str:
    return demo_plan("wide-camp-2011").replace(
        "ipv4: {scope: global, allocation: dhcpv4-registration, resolver: dns64, transition: sa46t}",
        "ipv4: {scope: global, allocation: dhcpv4-ipv6-mostly, resolver: dns64, transition: none" + wait_line + "}", 1)


def test_yaml_round_trips_the_allocation_and_its_wait_exactly():
    import_plan(ipv6_mostly_plan(", v6only_wait: 3600"))
    exported = export_plan()
    assert "ipv4: {scope: global, allocation: dhcpv4-ipv6-mostly, resolver: dns64, transition: none, v6only_wait: 3600}" in exported
    import_plan("vlans: []\nssids: []\nprefixes: []\n")

    import_plan(exported)

    assert export_plan() == exported
    assert VlanFamily.objects.get(allocation="dhcpv4-ipv6-mostly").v6only_wait == 3600


def test_yaml_without_the_wait_gets_the_default_and_a_short_wait_is_refused_with_its_place():
    import_plan(ipv6_mostly_plan(""))
    assert VlanFamily.objects.get(allocation="dhcpv4-ipv6-mostly").v6only_wait == 1800

    with pytest.raises(PlanErrors) as refused:
        import_plan(ipv6_mostly_plan(", v6only_wait: 60"))

    assert any(line.startswith("vlans[2].ipv4.v6only_wait: V6ONLY_WAIT is how long") for line in refused.value.errors), refused.value.errors


def test_plan_page_shows_the_wait_the_missing_pref64_sender_and_the_adoption_figure(noc_client):
    import_plan(ipv6_mostly_plan(", v6only_wait: 3600"))
    node = GatewayNode.objects.create(name="dhcp-1", agent_url="http://127.0.0.1:9")
    Dns64Role.objects.create(node=GatewayNode.objects.create(name="dns64-1", agent_url="http://127.0.0.1:9"),
                             implementation="unbound", prefix="2001:200:0:ff99::/96", clients="2001:200:0:ff90::/64")
    for ip, mac in [
        ("2001:200:0:ff90::a", "02:00:00:00:00:0a"),  # IPv6 only, two addresses
        ("2001:200:0:ff90::aa", "02:00:00:00:00:0a"),
        ("2001:200:0:ff90::b", "02:00:00:00:00:0b"),  # both families: took a lease
        ("203.178.158.66", "02:00:00:00:00:0b"),
        ("203.178.158.67", "02:00:00:00:00:0c"),  # IPv4 only
        ("2001:200:0:ff92::d", "02:00:00:00:00:0d"),  # another VLAN
    ]:
        NeighbourEntry.objects.create(node=node, ip=ip, mac=mac)

    [adoption] = ipv6_mostly_adoption()
    text = text_of(noc_client.get("/plan/").content)

    assert (adoption.vlan.name, adoption.v6only_wait, adoption.ipv6_only, adoption.took_ipv4) == ("widecamp", 3600, 1, 2)
    assert adoption.percent_ipv6_only == 33
    assert "No router advertisement daemon on these nodes can send PREF64." in text
    assert ("101 widecamp 3600 seconds 2001:200:0:ff99::/96 custom option type 38 value "
            "hex:07:08:20:01:02:00:00:00:ff:99:00:00:00:00; 1 (33%) 2") in text


def test_without_dns64_for_its_clients_there_is_no_prefix_to_announce_and_no_figure_yet(noc_client):
    import_plan(ipv6_mostly_plan(""))

    text = text_of(noc_client.get("/plan/").content)

    assert "101 widecamp 1800 seconds no DNS64 role answers this VLAN's IPv6 clients" in text
    assert "IPv6 clients, so there is no NAT64 prefix to announce 0 0" in text


NAT64_MESSAGE = ("IPv6-mostly clients give up IPv4 and reach it only through NAT64; choose NAT64 (with DNS64) on this "
                 "VLAN's IPv6 row first.")


def test_ipv6_mostly_needs_nat64_on_the_vlans_ipv6_row():
    with pytest.raises(ValidationError) as refused:
        VlanFamily(vlan=Vlan.objects.get(vid=104), **(MOSTLY | {"scope": "private"})).full_clean(validate_constraints=False)

    assert refused.value.message_dict["allocation"] == [NAT64_MESSAGE]


def test_the_import_checks_the_rule_against_the_ipv6_row_in_the_same_file():
    text = demo_plan("wide-camp-2011").replace(
        "ipv4: {scope: none, allocation: none, resolver: none, transition: 4rd}",
        "ipv4: {scope: private, allocation: dhcpv4-ipv6-mostly, resolver: none, transition: 4rd}")

    with pytest.raises(PlanErrors) as refused:
        import_plan(text)

    assert refused.value.errors == [f"vlans[5].ipv4.allocation: {NAT64_MESSAGE}"]


def test_the_vlan_page_takes_nat64_and_ipv6_mostly_in_one_edit_and_the_audit_has_it(noc_client):
    fields = {
        "vid": "104", "name": "widecamp-iij", "purpose": "",
        "ipv6-scope": "global", "ipv6-allocation": "ra-slaac", "ipv6-resolver": "dns64", "ipv6-transition": "nat64",
        "ipv4-scope": "private", "ipv4-allocation": "dhcpv4-ipv6-mostly", "ipv4-resolver": "none",
        "ipv4-transition": "none", "ipv4-v6only_wait": "600",
    }

    assert noc_client.get("/plan/vlans/104/").content.decode().count("V6ONLY_WAIT (seconds)") == 1  # IPv4 row only

    response = noc_client.post("/plan/vlans/104/", fields, follow=True)

    assert "Saved VLAN 104 widecamp-iij." in response.content.decode()
    row = Vlan.objects.get(vid=104).families.get(family="ipv4")
    assert (row.allocation, row.v6only_wait) == ("dhcpv4-ipv6-mostly", 600)
    entry = AuditEntry.objects.filter(object_type="plan.VlanFamily", object_id=str(row.pk)).latest("pk")
    assert entry.after["v6only_wait"] == 600 and entry.before["v6only_wait"] is None
