"""MAP (RFC 7597/7599) against RFC 7597 appendix A and the Interop Tokyo 2013 ShowNet rule."""
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

import pytest

from gateways.addressing import (
    AddressingError,
    InterfaceIdFormat,
    br_address,
    ce_for_ipv4_port,
    ce_mapping,
    destination_ce,
    explain_ce,
    forwarding_rule,
    map_rule,
)

RFC_RULE = map_rule("2001:db8::/40", "192.0.2.0/24", ea_len=16)  # appendix A examples 1-3
SHOWNET_RULE = map_rule("2001:3e8:6000::/56", "130.129.255.92/30", ea_len=8, psid_offset=4)


def test_example_1_basic_mapping_rule() -> None:
    ce = ce_mapping(RFC_RULE, "2001:db8:0012:3400::/56")
    assert RFC_RULE.psid_offset == 6
    assert ce.ipv4 == IPv4Address("192.0.2.18")
    assert (ce.psid, ce.psid_len) == (0x34, 8)
    assert len(ce.port_ranges) == 63
    assert ce.port_ranges[:2] == ((1232, 1235), (2256, 2259))
    assert ce.port_ranges[-2:] == ((63696, 63699), (64720, 64723))
    assert ce.port_count == 63 * 4
    assert ce.ce_ipv6 == IPv6Address("2001:db8:0012:3400:0000:c000:0212:0034")


def test_example_2_br_finds_the_ce_for_ipv4_and_port() -> None:
    ce = ce_for_ipv4_port(RFC_RULE, "192.0.2.18", 1232)
    assert ce.ce_prefix == IPv6Network("2001:db8:12:3400::/56")
    assert ce.psid == 0x34
    assert ce.ce_ipv6 == IPv6Address("2001:db8:0012:3400:0000:c000:0212:0034")
    # The IPv4 source 10.2.3.4 seen through the MAP-T DMR 2001:db8:ffff::/64.
    assert br_address("2001:db8:ffff::/64", "10.2.3.4") == IPv6Address("2001:db8:ffff:0:000a:0203:0400::")


def test_example_3_default_mapping_rule_destination() -> None:
    assert br_address("2001:db8:ffff::/64", "10.2.3.4") == IPv6Address("2001:db8:ffff:0:a:203:400:0")


def test_map_e_br_address_is_the_dmr_itself() -> None:
    # ShowNet 2013: the MAP-E BR anycast address.
    assert br_address("2001:3e8:0:2900::1/128") == IPv6Address("2001:3e8:0:2900::1")


def test_example_4_no_ea_bits_no_sharing() -> None:
    # RFC 7599 prints this rule as 192.0.2.1/32 but the IPv4 line as 192.0.2.18; the CE
    # address it gives (c000:0201) follows the rule, so that is what we check.
    rule = map_rule("2001:db8:0012:3400::/56", "192.0.2.1/32", ea_len=0)
    ce = ce_mapping(rule, "2001:db8:0012:3400::/56")
    assert ce.ipv4 == IPv4Address("192.0.2.1")
    assert (ce.psid, ce.psid_len) == (0, 0)
    assert ce.port_ranges == ((0, 65535),)
    assert ce.ce_ipv6 == IPv6Address("2001:db8:0012:3400:0000:c000:0201:0000")


def test_example_5_psid_provisioned_apart_from_the_ea_bits() -> None:
    # PSID 0x34 per the RFC 7599 erratum 5324 (the printed 0x20 contradicts the ports and address).
    rule = map_rule("2001:db8:0012:3400::/56", "192.0.2.18/32", ea_len=0, psid_len=8)
    ce = ce_mapping(rule, "2001:db8:0012:3400::/56", psid=0x34)
    assert ce.ipv4 == IPv4Address("192.0.2.18")
    assert ce.port_ranges[0] == (1232, 1235) and ce.port_ranges[-1] == (64720, 64723)
    assert len(ce.port_ranges) == 63
    assert ce.ce_ipv6 == IPv6Address("2001:db8:0012:3400:0000:c000:0212:0034")
    assert ce_for_ipv4_port(rule, "192.0.2.18", 2257) == ce


def test_shownet_rule_gives_the_slide_values() -> None:
    ce = ce_mapping(SHOWNET_RULE, "2001:3e8:6000:42::/64")
    assert ce.ipv4 == IPv4Address("130.129.255.93")
    assert (ce.psid, ce.psid_len) == (2, 6)
    assert ce.port_ranges == tuple((a * 4096 + 128, a * 4096 + 191) for a in range(1, 16))
    assert ce.port_ranges[0] == (4224, 4287) and ce.port_ranges[1] == (8320, 8383)
    assert ce.port_ranges[-1] == (61568, 61631)
    assert ce.port_count == 960
    assert ce.ce_ipv6 == IPv6Address("2001:3e8:6000:42:0:8281:ff5d:2")


def test_shownet_capture_uses_the_draft_04_interface_identifier() -> None:
    # tcpdump on the slide: 2001:3e8:6000:c0:0:8281:ff5f:0 sending from 130.129.255.95.
    ce = ce_mapping(SHOWNET_RULE, "2001:3e8:6000:c0::/64")
    assert (ce.ipv4, ce.psid) == (IPv4Address("130.129.255.95"), 0)
    assert ce.ce_ipv6 == IPv6Address("2001:3e8:6000:c0:0:8281:ff5f:0")
    assert 45089 in range(*ce.port_ranges[10]) and ce.port_ranges[10] == (45056, 45119)


def test_shownet_draft_03_interface_identifier() -> None:
    # draft-ietf-softwire-map-03 and earlier: u (8 bits) | IPv4 (32) | PSID (16) | 0 (8).
    ce = ce_mapping(SHOWNET_RULE, "2001:3e8:6000:42::/64", iid_format=InterfaceIdFormat.DRAFT03)
    assert ce.ce_ipv6 == IPv6Address("2001:3e8:6000:42:82:81ff:5d00:200")


def test_end_user_prefix_longer_than_64_overwrites_the_top_of_the_interface_identifier() -> None:
    # RFC 7597 section 6: the /72 End-user prefix keeps its 8 bits past /64 (0xab) in place of the
    # top of example 1's interface identifier 0000:c000:0212:0034.
    ce = ce_mapping(RFC_RULE, "2001:db8:12:3400:ab00::/72")
    assert ce.ipv4 == IPv4Address("192.0.2.18") and ce.psid == 0x34
    assert ce.ce_ipv6 == IPv6Address("2001:db8:12:3400:ab00:c000:212:34")


def test_a_32_rule_with_40_ea_bits_gives_a_72() -> None:
    rule = map_rule("2001:db8::/32", "10.0.0.0/8", ea_len=40, psid_offset=0)
    assert rule.psid_len == 16
    ce = ce_for_ipv4_port(rule, "10.1.2.3", 0x1234)
    # EA bits 0x0102031234: IPv4 suffix 0x010203, PSID 0x1234.
    assert ce.ce_prefix == IPv6Network("2001:db8:102:312:3400::/72")
    assert ce.ce_ipv6 == IPv6Address("2001:db8:102:312:3400:a01:203:1234")
    assert ce_mapping(rule, ce.ce_prefix) == ce


def test_rule_giving_each_ce_an_ipv4_prefix() -> None:
    rule = map_rule("2001:db8::/40", "198.51.100.0/24", ea_len=4)
    ce = ce_mapping(rule, "2001:db8:a0::/44")
    assert ce.ipv4 == IPv4Network("198.51.100.160/28")
    assert ce.port_ranges == ((0, 65535),) and ce.port_count == 65536
    assert ce.as_json()["ipv4"] == "198.51.100.160/28"
    assert ce_for_ipv4_port(rule, "198.51.100.171", 80).ce_prefix == IPv6Network("2001:db8:a0::/44")


def test_forwarding_mapping_rules_pick_the_longest_match() -> None:
    wide = map_rule("2001:db8:100::/40", "203.0.113.0/24", ea_len=8)
    narrow = map_rule("2001:db8:200::/40", "203.0.113.128/25", ea_len=11)
    assert forwarding_rule([wide, narrow], "203.0.113.200") == narrow
    assert forwarding_rule([wide, narrow], "203.0.113.5") == wide
    ce = destination_ce([wide, narrow, RFC_RULE], "192.0.2.18", 1232)
    assert ce.ce_ipv6 == IPv6Address("2001:db8:12:3400:0:c000:212:34")
    with pytest.raises(AddressingError, match="no Forwarding Mapping Rule covers 198.51.100.1"):
        forwarding_rule([wide, narrow], "198.51.100.1")


def test_explanation_matches_the_shownet_slide() -> None:
    fields = {field.label: field for field in explain_ce(SHOWNET_RULE, "2001:3e8:6000:42::/64")}
    assert fields["EA bits (from the CE prefix)"].bits == "01000010"
    assert fields["EA bits -> IPv4 suffix"].bits == "01"
    assert fields["EA bits -> PSID"].bits == "000010"
    assert fields["rule IPv4 prefix"].bits == "100000101000000111111111010111"
    assert fields["CE IPv4 address"].value == "130.129.255.93"
    port = "".join(fields[label].bits for label in
                   ("port: A (offset bits, never all zero)", "port: PSID", "port: M (contiguous ports)"))
    assert port == "xxxx000010yyyyyy"  # the slide's "XXXX 0000 10YY YYYY"
    assert fields["interface identifier"].bits.endswith(format(0x8281FF5D0002, "048b"))
