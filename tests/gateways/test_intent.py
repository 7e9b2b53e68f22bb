"""The intent document: canonical bytes, stable hash, normalisation and errors that name the field."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from gateways.intent import IntentError, canonical_json, content_hash, validate_intent


def document(roles: dict) -> dict:
    return {"schema": 1, "node": "nat64-1", "roles": roles}


@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=6))
def test_hash_does_not_depend_on_key_order(mapping: dict) -> None:
    reordered = dict(reversed(list(mapping.items())))
    assert canonical_json(mapping) == canonical_json(reordered)
    assert content_hash(mapping) == content_hash(reordered)


def test_canonical_json_is_compact_sorted_utf8() -> None:
    assert canonical_json({"b": "é", "a": [1, 2]}) == '{"a":[1,2],"b":"é"}'.encode()
    assert content_hash({"a": 1}) == "sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"


def test_validation_normalises_addresses_and_fills_defaults() -> None:
    result = validate_intent(document({"dns64": {"implementation": "bind", "prefix": "2001:200:0:FF99::/96",
                                                 "stub_zones": [{"name": "Lab.Test.", "addresses": ["2001:DB8::0053"]}]}}))
    dns64 = result["roles"]["dns64"]
    assert dns64["prefix"] == "2001:200:0:ff99::/96"
    assert dns64["stub_zones"] == [{"name": "lab.test", "addresses": ["2001:db8::53"], "port": 53, "insecure": False}]
    assert dns64["clients"] == ["any"] and result["description"] == ""
    assert validate_intent(result) == result


@pytest.mark.parametrize(("roles", "message"), [
    ({"dns64": {"implementation": "unbound", "prefix": "2001:db8::/100"}},
     "roles.dns64.prefix: 2001:db8::/100 is not an RFC 6052 length (32, 40, 48, 56, 64, 96)"),
    ({"dns64": {"implementation": "unbound", "prefix": "2001:db8::/96", "mapped": ["rfc1918"]}},
     "roles.dns64.mapped: Unbound has no such setting"),
    ({"dns64": {"implementation": "bind", "prefix": "2001:db8::/96", "stub_zones": [{"name": "a b", "addresses": ["::1"]}]}},
     "roles.dns64.stub_zones[0].name: a b is not a DNS name"),
    ({"nat64": {"implementation": "jool", "pool6": "2001:db8::/96", "pool4": [{"prefix": "192.0.2.1/30"}]}},
     "roles.nat64.pool4[0].prefix: 192.0.2.1/30 is not an IPv4 prefix"),
    ({"nat64": {"implementation": "jool", "pool6": "2001:db8::/96", "colour": "red"}}, "roles.nat64.colour: unknown field"),
    ({"nat64": {"implementation": "tayga", "pool6": "2001:db8::/96"}}, "roles.nat64.tayga: is required with tayga"),
    ({"nat64": {"implementation": "jool", "mode": "siit", "pool6": "2001:db8::/96",
                "mappings": [{"ipv4": "192.0.2.0/24", "ipv6": "2001:db8:1::/64"}]}},
     "roles.nat64.mappings[0]: 192.0.2.0/24 and 2001:db8:1::/64 hold different numbers of addresses"),
    ({"map": {"variant": "map-e", "role": "ce", "br_address": "2001:db8::1", "wan": "eth0",
              "bmr": {"ipv6": "2001:db8:6000::/56", "ipv4": "192.0.2.92/30", "ea_len": 9, "psid_len": 6}}},
     "roles.map.bmr.ea_len: is not (32 - 30) + psid_len 6"),
    ({"router": {"routes": [{"prefix": "2001:db8::/96", "next_hop": "2001:db8::1", "name": "a b"}]}},
     "roles.router.routes[0].name: a b is not a route name"),
    ({"sa46t": {"prefix": "2001:db8:46::/64", "local": "2001:db8:46::1", "uplink": "eth0\n",
                "peers": [{"address": "2001:db8:46::2", "networks": ["192.0.2.0/24"]}]}},
     "roles.sa46t.uplink: 'eth0\\n' is not an interface name"),
    ({"teleport": {}}, "roles.teleport: unknown role"),
])
def test_errors_name_the_field(roles: dict, message: str) -> None:
    with pytest.raises(IntentError) as error:
        validate_intent(document(roles))
    assert str(error.value).startswith(message)


def test_document_fields_are_checked() -> None:
    with pytest.raises(IntentError, match=r"^intent.schema: 2 is not a whole number from 1 to 1"):
        validate_intent({"schema": 2, "node": "n", "roles": {}})
    with pytest.raises(IntentError, match=r"^intent.node: .* is not a node name"):
        validate_intent({"schema": 1, "node": 'x"; rm -rf /', "roles": {}})
    with pytest.raises(IntentError, match=r"^intent.roles: missing"):
        validate_intent({"schema": 1, "node": "n"})


def test_validating_a_validated_intent_changes_nothing() -> None:
    from tests.gateways.render.conftest import intent as make_intent

    tayga_nat64 = {"implementation": "tayga", "pool6": "2001:db8:64::/96", "pool4": [{"prefix": "203.0.113.24/30"}],
                   "tayga": {"ipv4_addr": "192.168.240.1", "dynamic_pool": "192.168.240.0/21"}}
    once = validate_intent(make_intent({"nat64": tayga_nat64}))
    assert once["roles"]["nat64"]["tayga"]["ipv6_addr"] is None
    assert validate_intent(once) == once and content_hash(validate_intent(once)) == content_hash(once)
