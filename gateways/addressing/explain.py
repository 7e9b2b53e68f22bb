"""Bit-by-bit explanation of a MAP CE mapping, as plain data for the console's MAP calculator page."""
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Network

from .mapping import InterfaceIdFormat, MapRule, ce_mapping
from .parse import bit_mask


@dataclass(frozen=True)
class BitField:
    """One labelled run of bits; `bits` uses 0/1, or a letter for bits that vary (x: A, y: M)."""

    label: str
    bits: str
    value: str


def _binary(value: int, width: int) -> str:
    return format(value, f"0{width}b") if width else ""


def _port_layout(rule: MapRule, psid: int) -> list[BitField]:
    if not rule.psid_len:
        return [BitField("port number (all 16 bits free, no sharing)", "y" * 16, "0-65535")]
    a, k, m = rule.psid_offset, rule.psid_len, rule.contiguous_port_bits
    lowest_a = 1 if a else 0
    return [
        BitField("port: A (offset bits, never all zero)", "x" * a, f"{lowest_a}-{bit_mask(a)}"),
        BitField("port: PSID", _binary(psid, k), str(psid)),
        BitField("port: M (contiguous ports)", "y" * m, f"0-{bit_mask(m)}"),
    ]


def explain_ce(
    rule: MapRule,
    ce_prefix: str | IPv6Network,
    psid: int | None = None,
    iid_format: InterfaceIdFormat = InterfaceIdFormat.RFC7597,
) -> list[BitField]:
    """Where each part of the CE's IPv4 address, PSID and IPv6 address comes from."""
    ce = ce_mapping(rule, ce_prefix, psid, iid_format)
    r6, o, p = rule.ipv6_prefix.prefixlen, rule.ea_len, rule.ipv4_suffix_len
    suffix_len = min(o, p)
    ea_suffix = ce.ea_bits >> rule.ea_psid_len
    ipv4_value = ce.ipv4 if isinstance(ce.ipv4, IPv4Address) else ce.ipv4.network_address
    return [
        BitField("rule IPv6 prefix", _binary(int(rule.ipv6_prefix.network_address) >> (128 - r6), r6),
                 str(rule.ipv6_prefix)),
        BitField("EA bits (from the CE prefix)", _binary(ce.ea_bits, o), str(ce.ea_bits)),
        BitField("EA bits -> IPv4 suffix", _binary(ea_suffix, suffix_len), str(ea_suffix)),
        BitField("EA bits -> PSID", _binary(ce.ea_bits & bit_mask(rule.ea_psid_len), rule.ea_psid_len),
                 str(ce.psid) if rule.ea_psid_len else "none"),
        BitField("rule IPv4 prefix", _binary(int(rule.ipv4_prefix.network_address) >> p,
                                             rule.ipv4_prefix.prefixlen), str(rule.ipv4_prefix)),
        BitField("CE IPv4 address", _binary(int(ipv4_value), 32), str(ce.ipv4)),
        *_port_layout(rule, ce.psid),
        BitField("interface identifier", _binary(int(ce.ce_ipv6) & bit_mask(64), 64), str(ce.ce_ipv6)),
    ]
