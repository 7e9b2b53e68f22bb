"""Each role refuses bad input in clean() with a plain message, whatever channel saves it."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.transition.models import (
    Dns64Role,
    DsliteRole,
    MapDomain,
    MapForwardingRule,
    MapRole,
    Nat64Mapping,
    Nat64Pool4,
    Nat64Role,
    Sa46tRole,
    StaticRoute,
    UpstreamRouter,
    Xlat464Role,
)

from .conftest import make_node

pytestmark = pytest.mark.django_db

SHOWNET_RULE = {"rule_ipv6": "2001:3e8:6000::/56", "rule_ipv4": "130.129.255.92/30", "ea_len": 8, "psid_offset": 4,
                "br_address": "2001:3e8:0:2900::1", "variant": "map-e"}


def refused(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def saved(instance):
    instance.full_clean()
    instance.save()
    return instance


def jool(node, **fields) -> Nat64Role:
    return saved(Nat64Role(node=node, implementation="jool", **{"pool6": "2001:db8:64::/96", **fields}))


def test_nat64_prefix_length_outside_rfc6052(node):
    errors = refused(Nat64Role(node=node, implementation="jool", pool6="2001:db8:64::/80"))
    assert "RFC 6052 allows prefix lengths 32, 40, 48, 56, 64 and 96, not /80" in errors["pool6"][0]


def test_private_pool4_with_the_well_known_prefix_is_refused(node):
    role = jool(node, pool6="64:ff9b::/96")
    errors = refused(Nat64Pool4(role=role, prefix="192.168.10.0/24"))
    assert "must not carry the non-global IPv4 address 192.168.10.0 (RFC 6052 section 3.1)" in errors["prefix"][0]
    saved(Nat64Pool4(role=role, prefix="130.129.255.96/29"))


def test_load_sharing_members_need_pool4s_of_their_own(db):
    first = jool(make_node("nat64-1"), member_index=1, member_count=3)
    second = jool(make_node("nat64-2"), member_index=2, member_count=3)
    saved(Nat64Pool4(role=first, prefix="203.0.113.24/30"))
    errors = refused(Nat64Pool4(role=second, prefix="203.0.113.24/31"))
    assert "overlaps nat64-1's pool4 203.0.113.24/30 ports 1-65535" in errors["prefix"][0]
    saved(Nat64Pool4(role=second, prefix="203.0.113.28/30"))


def test_same_address_is_shared_with_disjoint_port_ranges(db):
    first = jool(make_node("nat64-1"))
    second = jool(make_node("nat64-2"))
    saved(Nat64Pool4(role=first, prefix="203.0.113.1/32", first_port=1, last_port=32767))
    saved(Nat64Pool4(role=second, prefix="203.0.113.1/32", first_port=32768, last_port=65535))
    assert refused(Nat64Pool4(role=second, prefix="203.0.113.1/32", first_port=9, last_port=8))["last_port"]


def test_members_agree_on_the_count_and_never_share_an_index(db):
    jool(make_node("nat64-1"), member_index=1, member_count=3)
    errors = refused(Nat64Role(node=make_node("nat64-2"), implementation="jool", pool6="2001:db8:64::/96",
                               member_index=1, member_count=3))
    assert errors["member_index"] == ["nat64-1 is already member 1 of this pool6."]
    errors = refused(Nat64Role(node=make_node("nat64-3"), implementation="jool", pool6="2001:db8:64::/96",
                               member_index=2, member_count=2))
    assert errors["member_count"] == ["nat64-1 shares this pool6 as one of 3 members."]


def test_tayga_ipv6_addr_inside_a_nat64_prefix_is_refused(node):
    tayga = {"node": node, "implementation": "tayga", "mode": "siit", "tayga_ipv4_addr": "192.0.2.1"}
    errors = refused(Nat64Role(pool6="2001:db8:64::/96", tayga_ipv6_addr="2001:db8:64::1", **tayga))
    assert errors["tayga_ipv6_addr"] == ["TAYGA's own IPv6 address 2001:db8:64::1 lies inside the NAT64 prefix "
                                         "2001:db8:64::/96, which TAYGA refuses: choose an address outside it."]
    errors = refused(Nat64Role(pool6="2001:db8:64::/96", tayga_ipv6_addr="64:ff9b::1", **tayga))
    assert "inside the NAT64 prefix 64:ff9b::/96" in errors["tayga_ipv6_addr"][0]
    assert saved(Nat64Role(pool6="2001:db8:64::/96", tayga_ipv6_addr="2001:db8:65::1", **tayga)).pk


def test_tayga_needs_its_own_address_and_a_dynamic_pool_when_stateful(node):
    errors = refused(Nat64Role(node=node, implementation="tayga", pool6="2001:db8:64::/96"))
    assert errors["tayga_ipv4_addr"] == ["TAYGA needs its own IPv4 address."]
    errors = refused(Nat64Role(node=node, implementation="tayga", pool6="2001:db8:64::/96", tayga_ipv4_addr="192.0.2.1"))
    assert "dynamic pool" in errors["tayga_dynamic_pool"][0]
    errors = refused(Nat64Role(node=node, implementation="jool", pool6="2001:db8:64::/96", tayga_ipv4_addr="192.0.2.1"))
    assert errors["tayga_ipv4_addr"] == ["Only TAYGA takes this; leave it empty for Jool."]


def test_siit_mappings_must_hold_as_many_addresses_on_both_sides(node):
    role = jool(node, mode="siit")
    errors = refused(Nat64Mapping(role=role, ipv4="192.0.2.0/24", ipv6="2001:db8:1::/64"))
    assert errors["ipv6"] == ["192.0.2.0/24 and 2001:db8:1::/64 hold different numbers of addresses."]
    assert "SIIT takes mappings" in refused(Nat64Pool4(role=role, prefix="192.0.2.0/24"))["__all__"][0]
    saved(Nat64Mapping(role=role, ipv4="192.0.2.0/24", ipv6="2001:db8:1::/120"))


def test_dns64_refuses_bind_only_settings_for_unbound(node):
    errors = refused(Dns64Role(node=node, implementation="unbound", prefix="64:ff9b::/96", mapped="rfc1918",
                               clients="localnets"))
    assert errors["mapped"] == ["Unbound has no mapped setting; only BIND takes it (leave it any)."]
    assert errors["clients"] == ["localnets is a BIND ACL name; Unbound takes prefixes or any."]
    role = saved(Dns64Role(node=node, implementation="bind", prefix="2001:0200:0:FF99::/96", mapped="rfc1918",
                           exclude="2001:db8::/32", listen="2001:200:0:ff80::5"))
    assert role.prefix == "2001:200:0:ff99::/96"


def test_dns64_prefix_with_u_octet_set_is_refused(node):
    errors = refused(Dns64Role(node=node, implementation="bind", prefix="2001:db8:0:0:ff00::/96"))
    assert "bits 64-71 (the u-octet) must be zero" in errors["prefix"][0]


def test_map_rule_must_be_consistent():
    errors = refused(MapDomain(name="bad", **{**SHOWNET_RULE, "psid_len": 5}))
    assert errors["psid_len"] == ["EA-bits length 8 minus 2 IPv4 suffix bits gives PSID length 6, not 5"]
    errors = refused(MapDomain(name="bad", **{**SHOWNET_RULE, "rule_ipv6": "2001:3e8::/40", "ea_len": 20}))
    assert "PSID offset 4 + PSID length 18 exceeds 16 bits" in errors["ea_len"][0]
    errors = refused(MapDomain(name="bad", **{**SHOWNET_RULE, "rule_ipv6": "2001:3e8:6000::/124"}))
    assert "exceeds 128 bits" in errors["ea_len"][0]
    errors = refused(MapDomain(name="bad", **{**SHOWNET_RULE, "ea_len": 1}))
    assert "shorter than the 2 IPv4 suffix bits" in errors["ea_len"][0]


def test_forwarding_rules_mapping_more_ces_than_a_ce_can_tunnel_to_are_refused(db):
    domain = saved(MapDomain(name="shownet", **SHOWNET_RULE))
    shownet_fmr = {"rule_ipv6": "2001:3e8:6000::/56", "rule_ipv4": "130.129.255.92/30", "ea_len": 8, "psid_offset": 4}
    saved(MapForwardingRule(domain=domain, **shownet_fmr))  # 2**8 = 256 CEs: the most a CE renders tunnels to
    errors = refused(MapForwardingRule(domain=domain, rule_ipv6="2001:3e8:6100::/52", rule_ipv4="130.129.255.96/30",
                                       ea_len=4, psid_offset=4))
    assert errors["ea_len"] == ["The Forwarding Mapping Rules of this domain would map 272 CEs, and each CE gets a "
                                "tunnel to every one of them: at most 256."]


def test_ce_prefix_outside_the_rule_is_refused(node):
    domain = saved(MapDomain(name="shownet", **SHOWNET_RULE))
    errors = refused(MapRole(node=node, domain=domain, side="ce", end_user_prefix="2001:db8:6000:42::/64", wan="eth0"))
    assert errors["end_user_prefix"] == ["CE prefix 2001:db8:6000:42::/64 is outside the rule IPv6 prefix 2001:3e8:6000::/56"]
    assert refused(MapRole(node=node, domain=domain, side="br", wan="eth0"))["uplink"]
    ce = saved(MapRole(node=node, domain=domain, side="ce", end_user_prefix="2001:3e8:6000:42::/64", wan="eth0"))
    assert str(ce.ce_mapping().ipv4) == "130.129.255.93"
    domain.rule_ipv6 = "2001:3e8:7000::/56"
    assert "This rule no longer fits CE gw-1" in refused(domain)["__all__"][0]


def test_sa46t_prefix_longer_than_64_and_duplicate_address(db):
    errors = refused(Sa46tRole(node=make_node("sa-1"), prefix="2001:db8:46::/80", ipv4_address="192.0.2.1", uplink="eth0"))
    assert "longer than /64" in errors["prefix"][0]
    saved(Sa46tRole(node=make_node("sa-2"), prefix="2001:db8:46::/64", ipv4_address="192.0.2.1", uplink="eth0"))
    errors = refused(Sa46tRole(node=make_node("sa-3"), prefix="2001:db8:46::/64", ipv4_address="192.0.2.1", uplink="eth0"))
    assert errors["ipv4_address"] == ["sa-2 already has the SA46T address 2001:db8:46::c000:201."]


def test_dslite_sides_take_their_own_fields(node):
    errors = refused(DsliteRole(node=node, side="aftr", aftr_address="2001:db8::1", wan="eth0", b4_ipv4="192.0.0.9"))
    assert "must be one of 192.0.0.2-192.0.0.7" in errors["b4_ipv4"][0]
    errors = refused(DsliteRole(node=node, side="b4", aftr_address="2001:db8::1", wan="eth0", pool4="203.0.113.0/29"))
    assert errors["b4_address"] == ["A B4 needs this."] and errors["pool4"] == ["Only an AFTR takes this."]


def test_plat_needs_the_nodes_nat64_role(node):
    assert "give the node a NAT64 role first" in refused(Xlat464Role(node=node, side="plat"))["__all__"][0]
    errors = refused(Xlat464Role(node=node, side="clat", plat_prefix="64:ff9b::/96", clat_prefix="2001:db8:1::/80",
                                 tayga_ipv4_addr="192.0.0.2", wan="eth0"))
    assert "use a dedicated /64 or a /96" in errors["clat_prefix"][0]


def test_static_route_next_hop_must_match_the_family(node):
    router = saved(UpstreamRouter(node=node))
    errors = refused(StaticRoute(role=router, prefix="2001:200:0:ff99::/96", next_hop="203.178.158.37"))
    assert errors["next_hop"] == ["An IPv6 prefix needs an IPv6 next hop."]
    assert "host bits set" in refused(StaticRoute(role=router, prefix="203.178.159.25/30",
                                                  next_hop="203.178.158.37"))["prefix"][0]
    assert "is not a route name" in refused(StaticRoute(role=router, prefix="203.178.159.24/30",
                                                        next_hop="203.178.158.37", name="a b"))["name"][0]
