"""SA46T addresses, DS-Lite well-known addresses and 464XLAT synthesis (ShowNet 2013 values)."""
import re
from collections.abc import Callable
from ipaddress import IPv4Address, IPv6Address

import pytest

from gateways.addressing import (
    AFTR_IPV4,
    B4_IPV4,
    B4_IPV4_CHOICES,
    DSLITE_NETWORK,
    AddressingError,
    Sa46tAddress,
    b4_ipv4,
    clat_ipv6,
    parse_sa46t_address,
    plat_ipv6,
    sa46t_address,
)


def test_sa46t_address_both_directions() -> None:
    # upa/sa46t's example: prefix 2001:db8:1:1::/64, plane ID 9, stub network 10.0.0.0/24.
    address = sa46t_address("2001:db8:1:1::/64", 9, "10.0.0.7")
    assert address == IPv6Address("2001:db8:1:1:0:9:a00:7")
    assert parse_sa46t_address("2001:db8:1:1::/64", address) == Sa46tAddress(9, IPv4Address("10.0.0.7"))


def test_sa46t_prefix_shorter_than_64_keeps_plane_and_ipv4_in_the_low_bits() -> None:
    address = sa46t_address("2001:db8:100::/40", 0xFFFFFFFF, "192.0.2.1")
    assert address == IPv6Address("2001:db8:100::ffff:ffff:c000:201")
    assert parse_sa46t_address("2001:db8:100::/40", address).plane_id == 0xFFFFFFFF


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sa46t_address("2001:db8:1:1::/80", 9, "10.0.0.1"), "SA46T prefix 2001:db8:1:1::/80 is longer than /64"),
        (lambda: sa46t_address("2001:db8:1:1::/64", 2**32, "10.0.0.1"), "plane ID 4294967296 does not fit in 32 bits"),
        (lambda: sa46t_address("2001:db8:1:1::/64", -1, "10.0.0.1"), "plane ID -1 does not fit in 32 bits"),
        (lambda: parse_sa46t_address("2001:db8:1:1::/64", "2001:db8:1:2::1"), "outside the SA46T prefix"),
    ],
)
def test_bad_sa46t_input_is_refused(call: Callable[[], object], message: str) -> None:
    with pytest.raises(AddressingError, match=re.escape(message)):
        call()


def test_dslite_well_known_addresses() -> None:
    assert str(DSLITE_NETWORK) == "192.0.0.0/29"
    assert AFTR_IPV4 == IPv4Address("192.0.0.1")
    assert B4_IPV4 == IPv4Address("192.0.0.2")
    assert [str(a) for a in B4_IPV4_CHOICES] == [f"192.0.0.{i}" for i in range(2, 8)]
    assert b4_ipv4("192.0.0.7") == IPv4Address("192.0.0.7")
    for wrong in ("192.0.0.1", "192.0.0.8"):
        with pytest.raises(AddressingError, match="must be one of 192.0.0.2-192.0.0.7"):
            b4_ipv4(wrong)


def test_464xlat_clat_and_plat_synthesis_from_the_shownet_slide() -> None:
    assert clat_ipv6("2001:db8::/96", "192.168.1.1") == IPv6Address("2001:db8::c0a8:101")
    assert plat_ipv6("2001:10:10:10:10:10::/96", "198.51.100.99") == IPv6Address("2001:10:10:10:10:10:c633:6463")
    assert clat_ipv6("2001:db8:0:1::/64", "192.0.0.4") == IPv6Address("2001:db8:0:1:c0:0:400:0")
    with pytest.raises(AddressingError, match="use a dedicated /64 or a /96"):
        clat_ipv6("2001:db8::/56", "192.0.0.4")
