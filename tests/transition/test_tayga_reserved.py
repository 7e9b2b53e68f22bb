"""TAYGA's reserved addresses: the role refuses what tayga itself refuses, and tayga is asked each time."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.nodes.intents import build_intent
from opsconsole.transition.models import Nat64Role, Xlat464Role

from .conftest import render_and_check

pytestmark = pytest.mark.django_db

STATEFUL = {"implementation": "tayga", "mode": "stateful", "pool6": "2001:db8:64::/96",
            "tayga_ipv4_addr": "192.0.2.1", "tayga_ipv6_addr": "2001:db8:ffff::1", "tayga_dynamic_pool": "192.0.2.0/24"}
DIRECTIVE = {"tayga_ipv4_addr": "ipv4-addr", "tayga_ipv6_addr": "ipv6-addr", "tayga_dynamic_pool": "dynamic-pool"}
INTENT_KEY = {"tayga_ipv4_addr": "ipv4_addr", "tayga_ipv6_addr": "ipv6_addr", "tayga_dynamic_pool": "dynamic_pool"}


def tayga_verdict(node, field: str, value: str) -> tuple[bool, str]:
    """What tayga --mktun says of the node's tayga.conf with `value` put in past the model, as before this rule."""
    document = build_intent(node)
    document["roles"]["nat64"]["tayga"][INTENT_KEY[field]] = value
    _, results = render_and_check(document)
    tayga = next(r for r in results if r.path == "tayga/tayga.conf")
    return tayga.ok, tayga.message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tayga_ipv6_addr", "fe80::1", "TAYGA refuses fe80::1 in ipv6-addr: fe80::/10 (link-local) is reserved"),
        ("tayga_ipv6_addr", "febf::1", "fe80::/10 (link-local) is reserved; choose outside it."),
        ("tayga_ipv6_addr", "ff02::1", "ff00::/8 (multicast) is reserved"),
        ("tayga_ipv6_addr", "::ffff:192.0.2.1", "::/8 (loopback, IPv4-mapped and other reserved addresses)"),
        ("tayga_ipv6_addr", "0:1::1", "TAYGA refuses 0:1::1 in ipv6-addr"),
        ("tayga_ipv4_addr", "127.0.0.1", "TAYGA refuses 127.0.0.1 in ipv4-addr: 127.0.0.0/8 (loopback)"),
        ("tayga_dynamic_pool", "169.254.0.0/24", "in dynamic-pool: 169.254.0.0/16 (link-local)"),
        ("tayga_dynamic_pool", "224.0.0.0/24", "224.0.0.0/3 (multicast and class E)"),
        ("tayga_dynamic_pool", "240.0.0.0/24", "TAYGA refuses 240.0.0.0/24 in dynamic-pool"),
    ],
)
def test_reserved_values_are_refused_as_tayga_refuses_them(node, field: str, value: str, message: str) -> None:
    role = Nat64Role(node=node, **{**STATEFUL, field: value})
    with pytest.raises(ValidationError) as caught:
        role.full_clean()
    assert message in caught.value.message_dict[field][0]
    Nat64Role(node=node, **STATEFUL).save()
    ok, said = tayga_verdict(node, field, value)
    assert not ok and "Cannot use reserved address" in said and f"in {DIRECTIVE[field]} directive" in said


@pytest.mark.parametrize(
    ("field", "value"),
    [("tayga_ipv6_addr", "fec0::1"), ("tayga_ipv6_addr", "100::1"), ("tayga_dynamic_pool", "169.253.0.0/16"),
     ("tayga_dynamic_pool", "223.255.255.0/24"), ("tayga_ipv4_addr", "128.0.0.1")],
)
def test_the_neighbours_of_reserved_ranges_are_accepted_by_both(node, field: str, value: str) -> None:
    role = Nat64Role(node=node, **{**STATEFUL, field: value})
    role.full_clean()
    role.save()
    ok, said = tayga_verdict(node, field, value)
    assert ok, said


def test_a_dynamic_pool_overlapping_a_reserved_range_is_refused_though_tayga_checks_only_its_start(node) -> None:
    # TAYGA looks at the pool's first address; 126.0.0.0/7 would still hand out loopback addresses.
    with pytest.raises(ValidationError) as caught:
        Nat64Role(node=node, **{**STATEFUL, "tayga_dynamic_pool": "126.0.0.0/7"}).full_clean()
    message = caught.value.message_dict["tayga_dynamic_pool"][0]
    assert "126.0.0.0/7 in dynamic-pool: 127.0.0.0/8 (loopback) is reserved" in message


def test_a_clat_refuses_a_reserved_tayga_ipv4_address(node) -> None:
    clat = Xlat464Role(node=node, side="clat", plat_prefix="64:ff9b::/96", clat_prefix="2001:db8:c1a7::/64",
                       tayga_ipv4_addr="169.254.0.2", wan="eth0")
    with pytest.raises(ValidationError) as caught:
        clat.full_clean()
    assert caught.value.message_dict["tayga_ipv4_addr"] == [
        "TAYGA refuses 169.254.0.2 in ipv4-addr: 169.254.0.0/16 (link-local) is reserved; choose outside it."]
