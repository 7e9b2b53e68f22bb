"""RFC 6052 embedding against the RFC's own table, the well-known prefix rule, and a round trip."""
import re
from ipaddress import IPv4Address, IPv6Address, IPv6Network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateways.addressing import (
    ALLOWED_PREFIX_LENGTHS,
    AddressingError,
    embed_ipv4,
    extract_ipv4,
)

# RFC 6052 section 2.4, Table 1.
RFC6052_TABLE = [
    ("2001:db8::/32", "2001:db8:c000:221::"),
    ("2001:db8:100::/40", "2001:db8:1c0:2:21::"),
    ("2001:db8:122::/48", "2001:db8:122:c000:2:2100::"),
    ("2001:db8:122:300::/56", "2001:db8:122:3c0:0:221::"),
    ("2001:db8:122:344::/64", "2001:db8:122:344:c0:2:2100:0"),
    ("2001:db8:122:344::/96", "2001:db8:122:344::192.0.2.33"),
]


@pytest.mark.parametrize(("prefix", "ipv6"), RFC6052_TABLE)
def test_rfc6052_table_both_directions(prefix: str, ipv6: str) -> None:
    assert embed_ipv4(prefix, "192.0.2.33") == IPv6Address(ipv6)
    assert extract_ipv4(prefix, ipv6) == IPv4Address("192.0.2.33")


def test_well_known_prefix_carries_global_addresses() -> None:
    # The ShowNet 2013 capture: a global server reached through 64:ff9b::/96.
    assert embed_ipv4("64:ff9b::/96", "133.242.53.30") == IPv6Address("64:ff9b::85f2:351e")
    assert extract_ipv4("64:ff9b::/96", "64:ff9b::85f2:351e") == IPv4Address("133.242.53.30")


@pytest.mark.parametrize("private", ["10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "192.0.2.33"])
def test_well_known_prefix_refuses_non_global_addresses(private: str) -> None:
    with pytest.raises(AddressingError, match="must not carry the non-global IPv4 address"):
        embed_ipv4("64:ff9b::/96", private)
    with pytest.raises(AddressingError, match="RFC 6052 section 3.1"):
        extract_ipv4("64:ff9b::/96", f"64:ff9b::{private}")


def test_network_specific_prefix_may_carry_private_addresses() -> None:
    # ShowNet 464XLAT: CLAT source 192.168.1.1 under 2001:db8::/96.
    assert embed_ipv4("2001:db8::/96", "192.168.1.1") == IPv6Address("2001:db8::c0a8:101")


@pytest.mark.parametrize(
    ("prefix", "ipv6", "message"),
    [
        ("2001:db8::/100", None, "RFC 6052 allows prefix lengths 32, 40, 48, 56, 64 and 96, not /100"),
        ("2001:db8:0:0:100::/96", None, "the u-octet) must be zero"),
        ("2001:db8::1/96", None, "has host bits set (did you mean 2001:db8::/96?)"),
        ("not-a-prefix", None, "is not an IPv6 prefix"),
        ("2001:db8:122:344::/64", "2001:db8:122:345::1", "outside the NAT64 prefix"),
        ("2001:db8:122:344::/64", "2001:db8:122:344:ff00::", "the u-octet) must be zero"),
        ("2001:db8::/96", "zzz", "is not an IPv6 address"),
    ],
)
def test_bad_rfc6052_input_is_refused(prefix: str, ipv6: str | None, message: str) -> None:
    with pytest.raises(AddressingError, match=re.escape(message)):
        if ipv6 is None:
            embed_ipv4(prefix, "198.51.100.1")
        else:
            extract_ipv4(prefix, ipv6)


@st.composite
def nat64_prefixes(draw: st.DrawFn) -> IPv6Network:
    length = draw(st.sampled_from(ALLOWED_PREFIX_LENGTHS))
    bits = draw(st.integers(0, (1 << length) - 1)) << (128 - length)
    bits &= ~(0xFF << 56)  # the u-octet stays zero
    return IPv6Network((bits, length))


@settings(max_examples=200)
@given(prefix=nat64_prefixes(), ipv4=st.integers(0, 2**32 - 1).map(IPv4Address))
def test_embed_then_extract_gives_the_address_back(prefix: IPv6Network, ipv4: IPv4Address) -> None:
    ipv6 = embed_ipv4(prefix, ipv4)
    assert ipv6 in prefix
    assert (int(ipv6) >> 56) & 0xFF == 0
    assert extract_ipv4(prefix, ipv6) == ipv4
