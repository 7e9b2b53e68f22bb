"""A bad plan file changes nothing and lists every problem with its place."""
import pytest

from opsconsole.plan.yamlio import PlanErrors, export_plan, import_plan

pytestmark = pytest.mark.usefixtures("wide_plan")

FAMILY = "{scope: none, allocation: none, resolver: none, transition: none}"
BAD_PLAN = f"""
vlans:
- {{vid: 10, name: lab, ipv6: {FAMILY}, ipv4: {FAMILY}}}
- {{vid: 10, name: lab, ipv6: {FAMILY}, ipv4: {FAMILY}}}
- {{vid: 5000, name: big, colour: red, ipv6: {{scope: global, allocation: dhcpv4-open, resolver: dns64, transition: nat64}}, ipv4: {FAMILY}}}
- {{vid: 11, name: short}}
ssids:
- {{essid: fresh, authentication: wpa2-eap-tls, bands: [5GHz], vlan: widecmp}}
- {{essid: "会場ネットワーク無線ラ", authentication: wep, bands: [11a], vlan: lab}}
- {{essid: "", authentication: open, bands: [], vlan: lab}}
prefixes:
- {{network: 192.0.2.1/24, vlan: lab, purpose: clients}}
- {{network: 2001:db8::/48, vlan: lab, purpose: clients}}
- {{network: 2001:db8:0:1::/64, vlan: lab, purpose: clients}}
- {{network: 2001:db8::/48, vlan: lab, purpose: pool}}
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(PlanErrors) as refused:
        import_plan(text)
    return refused.value.errors


def test_every_error_is_listed_with_its_place_and_nothing_changes():
    before = export_plan()

    errors = errors_of(BAD_PLAN)

    assert export_plan() == before
    assert sorted(errors) == sorted([
        "vlans[1].vid: VLAN 10 is already in the plan.",
        "vlans[1].name: A VLAN named “lab” is already in the plan.",
        "vlans[2].colour: unknown key; expected one of vid, name, purpose, ipv6, ipv4",
        "vlans[2].vid: VLAN 5000 is out of range 1-4094",
        "vlans[2].ipv6.allocation: open DHCPv4 hands out IPv4 addresses only; choose DHCPv6, RA/SLAAC or none for IPv6.",
        "vlans[3].ipv6: missing",
        "vlans[3].ipv4: missing",
        'ssids[0].vlan: no VLAN named "widecmp"',
        "ssids[1].essid: An ESSID is at most 32 bytes in UTF-8; “会場ネットワーク無線ラ” is 33 bytes.",
        "ssids[1].authentication: “wep” is not a valid authentication; choose one of wpa2-eap-tls, mac-auth, psk, open.",
        "ssids[1].bands: “11a” is not a band; choose from 2.4GHz, 5GHz, 6GHz.",
        "ssids[2].essid: An ESSID needs at least one character.",
        "ssids[2].bands: Choose at least one band, as a list such as [2.4GHz, 5GHz].",
        "prefixes[0].network: 192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?",
        "prefixes[1].vlan: VLAN lab has no IPv6 (its scope is none), so it has no IPv6 clients; set its IPv6 scope "
        "first or choose another VLAN.",
        "prefixes[2].network: 2001:db8:0:1::/64 overlaps 2001:db8::/48 on VLAN lab",
        "prefixes[3].network: 2001:db8::/48 is already in the plan.",
        "prefixes[3].purpose: “pool” is not a valid purpose; choose one of clients, infrastructure, translator.",
    ])


def test_overlap_message_names_the_vlan_of_the_earlier_prefix():
    text = f"""vlans:
- {{vid: 1, name: widecamp, ipv6: {FAMILY}, ipv4: {FAMILY}}}
- {{vid: 2, name: other, ipv6: {FAMILY}, ipv4: {FAMILY}}}
ssids: []
prefixes:
- {{network: "2001:db8:0:1::/64", vlan: widecamp, purpose: infrastructure}}
- {{network: "2001:db8::/48", vlan: other, purpose: infrastructure}}
"""
    assert errors_of(text) == ["prefixes[1].network: 2001:db8::/48 overlaps 2001:db8:0:1::/64 on VLAN widecamp"]


@pytest.mark.parametrize(
    "text, error",
    [
        ("vlans: [\n  - vid: 1\n", "line 2: YAML syntax error: expected the node content"),
        ("- just\n- a list\n", "file: a plan is a mapping with the lists vlans, ssids and prefixes"),
        ("", "file: a plan is a mapping with the lists vlans, ssids and prefixes"),
        ("vlans: []\nssids: []\n", "prefixes: missing; write an empty list [] to have none"),
        ("vlans: {}\nssids: []\nprefixes: []\n", "vlans: must be a list"),
        ("vlans: [7]\nssids: []\nprefixes: []\n", "vlans[0]: must be a mapping with vid, name, purpose, ipv6, ipv4"),
        ("vlans: []\nssids: []\nprefixes: []\nnodes: []\n", "nodes: unknown key; expected vlans, ssids, prefixes"),
        (f"vlans:\n- {{vid: 1, name: a, ipv6: none, ipv4: {FAMILY}}}\nssids: []\nprefixes: []\n",
         "vlans[0].ipv6: must be a mapping with exactly scope, allocation, resolver, transition, and optionally v6only_wait"),
        ("vlans: []\nssids: []\nprefixes: []\n!!python/object:os.system\n", "YAML syntax error"),
    ],
)
def test_structural_problems_are_errors_not_tracebacks(text, error):
    before = export_plan()

    errors = errors_of(text)

    assert any(error in line for line in errors), errors
    assert export_plan() == before
