"""4rd address mapping against RFC 7600 itself.

The values come from the RFC text (read in the copy at github.com/khamidou/rfc-czar, rfc7600.html): the mapping
rules of appendix A, the CE and BR derivations of appendix C.1 and C.2, the single-rule domain of appendix D,
and the address format of section 4.5 (Figure 5, R-9 steps (1)-(4), R-10, R-12, R-13).
"""
import re
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gateways.addressing import (
    FOURRD_PSID_OFFSET,
    AddressingError,
    InterfaceIdFormat,
    MapRule,
    ce_for_ipv4_port,
    ce_mapping,
    ce_of_fourrd_address,
    fourrd_ipv4,
    fourrd_ipv6,
    map_rule,
)

from .test_addressing_map_properties import rules

FOURRD = InterfaceIdFormat.FOURRD


def fourrd_rule(rule_ipv4: str, ea_len: int, rule_ipv6: str, wkps_authorized: bool = False) -> MapRule:
    """A rule written as RFC 7600 appendix A writes it: {Rule IPv4 prefix, EA-bits length, Rule IPv6 prefix}."""
    return map_rule(rule_ipv6, rule_ipv4, ea_len, 0 if wkps_authorized else FOURRD_PSID_OFFSET)


# Appendix C.1: the ISP's CE Mapping rules and its BR Mapping rule.
C1_RULES = [
    fourrd_rule("192.8.0.0/15", 19, "2001:0db8:0000::/37"),
    fourrd_rule("192.4.0.0/16", 18, "2001:0db8:0800::/38"),
    fourrd_rule("192.2.0.0/16", 18, "2001:0db8:0c00::/38"),
]
C1_RULE = C1_RULES[1]
BR_RULE = fourrd_rule("0.0.0.0/0", 32, "2001:0db8:0000:0001:300::/80")
# The RFC leaves the CNP as "YYYY = the computed CNP"; R-9 (4) defines it as the one's complement opposite of
# the five fields in bits 0-79: 0x2001 + 0x0db8 + 0x0bbb + 0xbb00 + 0x0300 = 0xf774, so the CNP is 0x088b.
C1_ADDRESS = IPv6Address("2001:db8:bbb:bb00:300:c004:eeee:88b")


def ones_complement_sum(address: int, fields: int) -> int:
    total = sum(address >> (16 * i) & 0xFFFF for i in range(fields))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return total % 0xFFFF  # 0xffff and 0 are both zero in one's complement


def test_c1_the_ce_derives_its_ipv4_address_and_port_set_from_its_prefix() -> None:
    ce = ce_mapping(C1_RULE, "2001:0db8:0bbb:bb00::/56", iid_format=FOURRD)
    assert ce.ea_bits == 0b11_1011_1011_1011_1011
    assert ce.ipv4 == IPv4Address("192.4.238.238")
    assert (ce.psid, ce.psid_len) == (0b11, 2)
    # "Ports: 0bYYYY 11XX XXXX XXXX with YYYY > 0"
    assert ce.port_ranges == tuple((y << 12 | 0b11 << 10, y << 12 | 0b11 << 10 | 0x3FF) for y in range(1, 16))
    assert ce.ce_ipv6 == C1_ADDRESS


def test_c1_a_packet_to_192_4_238_238_port_7777_is_tunneled_to_the_ce() -> None:
    ce = ce_for_ipv4_port(C1_RULE, "192.4.238.238", 7777, FOURRD)
    assert ce.ce_prefix == IPv6Network("2001:0db8:0bbb:bb00::/56")
    assert ce.psid == 0b11
    assert ce.ce_ipv6 == C1_ADDRESS


def test_the_cnp_makes_the_address_checksum_neutral() -> None:
    # R-9 (4) and its NOTE: the address sums to what the IPv4 address alone sums to, so TCP and UDP
    # checksums stay valid when the IPv4 address is replaced with the 4rd IPv6 address.
    assert ones_complement_sum(int(C1_ADDRESS), 8) == ones_complement_sum(0xC004EEEE, 2)
    assert fourrd_ipv4(C1_ADDRESS) == IPv4Address("192.4.238.238")


def test_c2_a_ce_behind_a_third_party_cpe_gets_the_same_address() -> None:
    # Appendix C.2: the CPE delegates the customer's /56 followed by its port index 0x2. The 4rd address is
    # derived from the Rule IPv6 prefix and the EA bits only, so it is the C.1 address, "2001:0db8:0bbb:bb00:300:
    # 192.4.238.238:YYYY", for the printed /60 and for the /60 carrying the index alike.
    for delegated in ("2001:0db8:0bbb:bb00::/60", "2001:0db8:0bbb:bb20::/60"):
        ce = ce_mapping(C1_RULE, delegated, iid_format=FOURRD)
        assert (ce.ipv4, ce.psid) == (IPv4Address("192.4.238.238"), 0b11)
        assert ce.ce_ipv6 == C1_ADDRESS


def test_c1_table_of_rule_ipv6_prefixes() -> None:
    # The C.1 table: EA-bits lengths 19, 18, 18 and a PSID length of 2 for every rule.
    assert [(rule.ea_len, rule.psid_len, rule.psid_offset) for rule in C1_RULES] == [(19, 2, 4), (18, 2, 4), (18, 2, 4)]
    ce = ce_mapping(C1_RULES[0], "2001:db8::/56", iid_format=FOURRD)
    assert (ce.ipv4, ce.psid) == (IPv4Address("192.8.0.0"), 0)
    assert ce.ce_ipv6 == IPv6Address("2001:db8::300:c008:0:cf46")  # CNP: ~(0x2001 + 0x0db8 + 0x0300)


def test_appendix_d_br_mapping_rule_delegates_a_112_per_ipv4_address() -> None:
    # "Where IPv4 address x.x.x.x was assigned to a CPE, now delegate IPv6 prefix 2001:db8:0:1:300:x.x.x.x::/112."
    ce = ce_for_ipv4_port(BR_RULE, "192.0.2.1", 80, FOURRD)
    assert ce.ce_prefix == IPv6Network("2001:db8:0:1:300:c000:201:0/112")
    assert (ce.ipv4, ce.port_ranges) == (IPv4Address("192.0.2.1"), ((0, 65535),))
    # R-9 step (3) does not apply past /64; step (4) adds the CNP: ~(0x2001 + 0x0db8 + 0x0000 + 0x0001 + 0x0300).
    assert ce.ce_ipv6 == IPv6Address("2001:db8:0:1:300:c000:201:cf45")
    assert ce_of_fourrd_address(BR_RULE, ce.ce_ipv6).ipv4 == IPv4Address("192.0.2.1")


def test_appendix_a_rule_with_wkps_authorized_puts_the_psid_first_in_the_port() -> None:
    # {198.16.0.0/14, 22, 2001:db8:4000::/34}: /14 + 22 EA bits = 36, a PSID of 4 bits.
    default = fourrd_rule("198.16.0.0/14", 22, "2001:db8:4000::/34")
    wkps = fourrd_rule("198.16.0.0/14", 22, "2001:db8:4000::/34", wkps_authorized=True)
    assert default.psid_len == wkps.psid_len == 4
    with pytest.raises(AddressingError, match="port 80 lies in 0-4095"):
        ce_for_ipv4_port(default, "198.17.0.1", 80, FOURRD)
    ce = ce_for_ipv4_port(wkps, "198.17.0.1", 80, FOURRD)
    assert ce.psid == 0 and ce.port_ranges == ((0, 4095),)
    # EA bits: IPv4 suffix 0b01 0000 0000 0000 0001 (198.17.0.1 in 198.16.0.0/14), then PSID 0b0000.
    assert ce.ce_prefix == IPv6Network("2001:db8:5000:1000::/56")
    # CNP: ~(0x2001 + 0x0db8 + 0x5000 + 0x1000 + 0x0300)
    assert ce.ce_ipv6 == IPv6Address("2001:db8:5000:1000:300:c611:1:6f46")


def test_a_prefix_rule_maps_every_address_of_the_ce_prefix_under_one_ce_prefix() -> None:
    # R-9 (1): with Rule IPv4 prefix + EA bits = 32 - k, the last k bits are deleted to find the CE; the
    # address itself still follows the 4rd Tag.
    rule = fourrd_rule("198.51.100.0/24", 4, "2001:db8:4d00::/40")
    ce = ce_for_ipv4_port(rule, "198.51.100.171", 443, FOURRD)
    assert ce.ipv4 == IPv4Network("198.51.100.160/28")
    address = fourrd_ipv6(ce.ce_prefix, IPv4Address("198.51.100.171"))
    assert address == IPv6Address("2001:db8:4da0:0:300:c633:64ab:81a6")  # CNP: ~(0x2001 + 0x0db8 + 0x4da0 + 0x0300)
    assert ce_of_fourrd_address(rule, address).ipv4 == IPv4Network("198.51.100.160/28")


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("2001:db8:bbb:bb00:0:c004:eeee:88b", "has no 4rd Tag (0x0300) in bits 64-79"),
        ("2001:db8:bbb:bb00:300:c004:eeee:88c", "is not checksum neutral: its CNP should be 0x088b"),
        # the prefix of a CE that was given 192.4.238.238, carrying another address of the rule.
        ("2001:db8:bbb:bb00:300:c004:eeef:88b",
         "carries IPv4 address 192.4.238.239, but 2001:db8:bbb:bb00::/56 maps to 192.4.238.238"),
        ("2001:db8:1:bb00:300:c004:eeee:1445", "outside the rule IPv6 prefix 2001:db8:800::/38"),
    ],
)
def test_addresses_that_r_9_did_not_derive_are_refused(address: str, message: str) -> None:
    with pytest.raises(AddressingError, match=re.escape(message)):
        ce_of_fourrd_address(C1_RULE, address)


def test_a_ce_mapping_rule_longer_than_64_bits_is_refused() -> None:
    rule = fourrd_rule("10.0.0.0/8", 24, "2001:db8::/48")
    with pytest.raises(AddressingError, match=re.escape("at most /64, or a /80 BR Mapping rule ending in the 4rd "
                                                        "Tag 0x0300 (RFC 7600 section 4.5), not /72")):
        ce_mapping(rule, "2001:db8:0:a01:200::/72", iid_format=FOURRD)


@settings(max_examples=150, deadline=None)
@given(rule=rules(), data=st.data())
def test_forward_and_back_agree_and_stay_checksum_neutral(rule: MapRule, data: st.DataObject) -> None:
    assume(rule.psid_len == rule.ea_psid_len)  # RFC 7600 has no PSID provisioned apart from the EA bits
    suffix = data.draw(st.integers(0, rule.ipv4_prefix.num_addresses - 1))
    ipv4 = IPv4Address(int(rule.ipv4_prefix.network_address) | suffix)
    port = data.draw(st.integers(1 << (16 - rule.psid_offset) if rule.psid_offset else 0, 65535))
    ce = ce_for_ipv4_port(rule, ipv4, port, FOURRD)
    address = fourrd_ipv6(ce.ce_prefix, ipv4)
    assert ones_complement_sum(int(address), 8) == ones_complement_sum(int(ipv4), 2)
    back = ce_of_fourrd_address(rule, address)
    assert (back.ce_prefix, back.ipv4, back.psid) == (ce.ce_prefix, ce.ipv4, ce.psid)
