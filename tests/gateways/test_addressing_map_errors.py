"""Inconsistent MAP rules and impossible look-ups are refused with plain messages."""
import re

import pytest

from gateways.addressing import AddressingError, MapRule, ce_for_ipv4_port, ce_mapping, map_rule

RFC_RULE = map_rule("2001:db8::/40", "192.0.2.0/24", ea_len=16)
PROVISIONED_RULE = map_rule("2001:db8:12:3400::/56", "192.0.2.18/32", ea_len=0, psid_len=8)


@pytest.mark.parametrize(
    ("rule_ipv6", "rule_ipv4", "ea_len", "psid_offset", "psid_len", "message"),
    [
        ("2001:db8::/40", "192.0.2.0/24", 16, 6, 12, "PSID offset 6 + PSID length 12 exceeds 16 bits"),
        ("2001:db8::/32", "192.0.2.0/24", 30, 6, None, "PSID offset 6 + PSID length 22 exceeds 16 bits"),
        ("2001:db8::/96", "10.0.0.0/8", 40, 0, None, "rule IPv6 prefix /96 + EA-bits length 40 = 136 exceeds 128 bits"),
        ("2001::/16", "192.0.2.0/24", 49, 6, None, "EA-bits length 49 is out of range (0-48)"),
        ("2001:db8::/40", "192.0.2.0/24", 16, 16, None, "PSID offset 16 is out of range (0-15)"),
        ("2001:db8::/40", "192.0.2.0/24", 16, 6, 6, "minus 8 IPv4 suffix bits gives PSID length 8, not 6"),
        ("2001:db8::/40", "192.0.2.0/24", 4, 6, 4, "EA-bits length 4 is smaller than the 8 IPv4 suffix bits"),
        ("2001:db8::/40", "192.0.2.0/24", 16, 6, -1, "PSID length -1 is negative"),
        ("2001:db8::/40", "192.0.2.1/24", 16, 6, None, "rule IPv4 prefix 192.0.2.1/24 has host bits set (did you mean 192.0.2.0/24?)"),
        ("2001:db8::1/40", "192.0.2.0/24", 16, 6, None, "rule IPv6 prefix 2001:db8::1/40 has host bits set"),
        ("bogus", "192.0.2.0/24", 16, 6, None, "rule IPv6 prefix 'bogus' is not an IPv6 prefix"),
        ("2001:db8::/40", "192.0.2.0/33", 16, 6, None, "rule IPv4 prefix '192.0.2.0/33' is not an IPv4 prefix"),
    ],
)
def test_inconsistent_rules_are_refused(
    rule_ipv6: str, rule_ipv4: str, ea_len: int, psid_offset: int, psid_len: int | None, message: str
) -> None:
    with pytest.raises(AddressingError, match=re.escape(message)):
        map_rule(rule_ipv6, rule_ipv4, ea_len, psid_offset, psid_len)


@pytest.mark.parametrize(
    ("rule", "prefix", "psid", "message"),
    [
        (RFC_RULE, "2001:db9:12:3400::/56", None, "CE prefix 2001:db9:12:3400::/56 is outside the rule IPv6 prefix 2001:db8::/40"),
        (RFC_RULE, "2001:db8:12::/48", None, "CE prefix 2001:db8:12::/48 is shorter than rule IPv6 prefix /40 + 16 EA bits = /56"),
        (RFC_RULE, "2001:db8:12:3400::/56", 0x34, "do not provision one apart"),
        (PROVISIONED_RULE, "2001:db8:12:3400::/56", None, "give the provisioned PSID"),
        (PROVISIONED_RULE, "2001:db8:12:3400::/56", 256, "PSID 256 does not fit in 8 bits"),
        (map_rule("2001:db8::/40", "192.0.2.0/24", 8), "2001:db8:12::/48", 3, "this rule shares no ports"),
    ],
)
def test_impossible_ce_mappings_are_refused(rule: MapRule, prefix: str, psid: int | None, message: str) -> None:
    with pytest.raises(AddressingError, match=re.escape(message)):
        ce_mapping(rule, prefix, psid)


@pytest.mark.parametrize(
    ("ipv4", "port", "message"),
    [
        ("192.0.2.18", 80, "port 80 lies in 0-1023, which PSID offset 6 keeps from every CE"),
        ("198.51.100.18", 1232, "IPv4 address 198.51.100.18 is outside the rule IPv4 prefix 192.0.2.0/24"),
        ("192.0.2.18", 70000, "port 70000 is out of range (0-65535)"),
        ("192.0.2", 1232, "IPv4 address '192.0.2' is not an IPv4 address"),
    ],
)
def test_impossible_reverse_lookups_are_refused(ipv4: str, port: int, message: str) -> None:
    with pytest.raises(AddressingError, match=re.escape(message)):
        ce_for_ipv4_port(RFC_RULE, ipv4, port)
