"""MAP-E/MAP-T (RFC 7597, RFC 7599) and 4rd (RFC 7600): rules, CE mappings, port sets, reverse look-ups."""
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from .fourrd import fourrd_ipv4, fourrd_ipv6
from .parse import (
    AddressingError,
    bit_mask,
    ipv4_address,
    ipv4_network,
    ipv6_address,
    ipv6_network,
    port_number,
)
from .rfc6052 import embed_ipv4

DEFAULT_PSID_OFFSET = 6
MAX_EA_LEN = 48


class InterfaceIdFormat(Enum):
    """Where the CE's IPv4 address and PSID sit in the low 64 bits of its IPv6 address."""

    RFC7597 = "rfc7597"  # draft-ietf-softwire-map-04 and later: 16 bits 0 | IPv4 | PSID
    DRAFT03 = "draft03"  # draft-ietf-softwire-map-03 and earlier: u-octet 0 | IPv4 | PSID | 8 bits 0
    FOURRD = "4rd"  # RFC 7600 section 4.5: 4rd Tag 0x0300 | IPv4 | CNP, after the prefix padded to /64


@dataclass(frozen=True)
class MapRule:
    """A Basic or Forwarding Mapping Rule; psid_len is the PSID length in effect (0: no sharing)."""

    ipv6_prefix: IPv6Network
    ipv4_prefix: IPv4Network
    ea_len: int
    psid_offset: int
    psid_len: int

    def __post_init__(self) -> None:
        _check_rule(self)

    @property
    def ipv4_suffix_len(self) -> int:
        return 32 - self.ipv4_prefix.prefixlen

    @property
    def ea_psid_len(self) -> int:
        """PSID bits carried in the EA bits (the rest of a PSID is provisioned apart)."""
        return max(0, self.ea_len - self.ipv4_suffix_len)

    @property
    def contiguous_port_bits(self) -> int:
        """m in RFC 7597: the bits right of the PSID in a port number."""
        return 16 - self.psid_offset - self.psid_len if self.psid_len else 16


def _check_rule(rule: MapRule) -> None:
    r6, o, p = rule.ipv6_prefix.prefixlen, rule.ea_len, rule.ipv4_suffix_len
    if not 0 <= o <= MAX_EA_LEN:
        raise AddressingError(f"EA-bits length {o} is out of range (0-{MAX_EA_LEN})")
    if r6 + o > 128:
        raise AddressingError(
            f"rule IPv6 prefix /{r6} + EA-bits length {o} = {r6 + o} exceeds 128 bits"
        )
    if not 0 <= rule.psid_offset <= 15:
        raise AddressingError(f"PSID offset {rule.psid_offset} is out of range (0-15)")
    if rule.psid_len < 0:
        raise AddressingError(f"PSID length {rule.psid_len} is negative")
    if rule.psid_offset + rule.psid_len > 16:
        raise AddressingError(
            f"PSID offset {rule.psid_offset} + PSID length {rule.psid_len} exceeds 16 bits"
        )
    if o > p and rule.psid_len != o - p:
        raise AddressingError(
            f"EA-bits length {o} minus {p} IPv4 suffix bits gives PSID length {o - p}, "
            f"not {rule.psid_len}"
        )
    if o < p and rule.psid_len:
        raise AddressingError(
            f"EA-bits length {o} is smaller than the {p} IPv4 suffix bits of "
            f"{rule.ipv4_prefix}: each CE gets an IPv4 prefix, so no PSID length applies"
        )


def map_rule(
    rule_ipv6: str | IPv6Network,
    rule_ipv4: str | IPv4Network,
    ea_len: int,
    psid_offset: int = DEFAULT_PSID_OFFSET,
    psid_len: int | None = None,
) -> MapRule:
    """A checked MapRule from operator input; psid_len defaults to what the EA bits carry."""
    ipv6 = ipv6_network(rule_ipv6, "rule IPv6 prefix")
    ipv4 = ipv4_network(rule_ipv4, "rule IPv4 prefix")
    if psid_len is None:
        psid_len = max(0, ea_len - (32 - ipv4.prefixlen))
    return MapRule(ipv6, ipv4, ea_len, psid_offset, psid_len)


@dataclass(frozen=True)
class CeMapping:
    """What one CE gets from a rule: its IPv4 address (or prefix), port set and IPv6 address."""

    ce_prefix: IPv6Network
    ea_bits: int
    ipv4: IPv4Address | IPv4Network
    psid: int
    psid_len: int
    port_ranges: tuple[tuple[int, int], ...]
    port_count: int
    ce_ipv6: IPv6Address

    def as_intent(self) -> dict[str, object]:
        """The CE as an intent document lists it (gateways/intent.py `_MAP_CE`)."""
        return {"ipv4": str(self.ipv4), "psid": self.psid, "ports": [list(r) for r in self.port_ranges],
                "ipv6": str(self.ce_ipv6)}

    def as_json(self) -> dict[str, object]:
        return {
            "ipv4": str(self.ipv4),
            "psid": self.psid,
            "psid_len": self.psid_len,
            "ports": [list(r) for r in self.port_ranges],
            "port_count": self.port_count,
            "ce_ipv6": str(self.ce_ipv6),
        }


def port_ranges(psid_offset: int, psid_len: int, psid: int) -> tuple[tuple[int, int], ...]:
    """The CE's ports as (first, last) ranges; A=0 blocks belong to no CE (RFC 7597 5.1)."""
    if psid_len == 0:
        return ((0, 65535),)
    m = 16 - psid_offset - psid_len
    first_a = 1 if psid_offset else 0
    starts = (a << (16 - psid_offset) | psid << m for a in range(first_a, 1 << psid_offset))
    return tuple((start, start + bit_mask(m)) for start in starts)


def interface_id(ipv4: int, psid: int, style: InterfaceIdFormat) -> int:
    if style is InterfaceIdFormat.DRAFT03:
        return ipv4 << 24 | psid << 8
    return ipv4 << 16 | psid


def ce_ipv6_address(prefix: IPv6Network, iid: int) -> IPv6Address:
    """The End-user prefix followed by the interface identifier; a prefix longer than /64
    overwrites the identifier's most significant bits (RFC 7597 section 6)."""
    return IPv6Address(int(prefix.network_address) | iid & bit_mask(128 - max(64, prefix.prefixlen)))


def _checked_psid(rule: MapRule, psid_from_ea: int, psid: int | None) -> int:
    if rule.ea_psid_len:
        if psid is not None:
            raise AddressingError(
                "this rule takes the PSID from the EA bits of the CE prefix; "
                "do not provision one apart"
            )
        return psid_from_ea
    if not rule.psid_len:
        if psid is not None:
            raise AddressingError("this rule shares no ports, so no PSID applies")
        return 0
    if psid is None:
        raise AddressingError(
            f"this rule shares the IPv4 address with PSID length {rule.psid_len} but the EA "
            "bits carry no PSID: give the provisioned PSID"
        )
    if not 0 <= psid <= bit_mask(rule.psid_len):
        raise AddressingError(f"PSID {psid} does not fit in {rule.psid_len} bits")
    return psid


def ce_mapping(
    rule: MapRule,
    ce_prefix: str | IPv6Network,
    psid: int | None = None,
    iid_format: InterfaceIdFormat = InterfaceIdFormat.RFC7597,
) -> CeMapping:
    """Map a CE's end-user IPv6 prefix through `rule`; `psid` only when provisioned apart."""
    prefix = ipv6_network(ce_prefix, "CE prefix")
    r6, o, p = rule.ipv6_prefix.prefixlen, rule.ea_len, rule.ipv4_suffix_len
    if not prefix.subnet_of(rule.ipv6_prefix):
        raise AddressingError(f"CE prefix {prefix} is outside the rule IPv6 prefix {rule.ipv6_prefix}")
    if prefix.prefixlen < r6 + o:
        raise AddressingError(
            f"CE prefix {prefix} is shorter than rule IPv6 prefix /{r6} + {o} EA bits = /{r6 + o}"
        )
    ea = int(prefix.network_address) >> (128 - r6 - o) & bit_mask(o)
    psid = _checked_psid(rule, ea & bit_mask(rule.ea_psid_len), psid)
    base = int(rule.ipv4_prefix.network_address)
    ipv4: IPv4Address | IPv4Network
    if o >= p:
        ipv4 = IPv4Address(base | ea >> rule.ea_psid_len)
    else:
        ipv4 = IPv4Network((base | ea << (p - o), rule.ipv4_prefix.prefixlen + o))
    ipv4_bits = int(ipv4) if isinstance(ipv4, IPv4Address) else int(ipv4.network_address)
    if iid_format is InterfaceIdFormat.FOURRD:
        derived = IPv6Network((int(prefix.network_address) >> (128 - r6 - o) << (128 - r6 - o), r6 + o))
        ce_ipv6 = fourrd_ipv6(derived, IPv4Address(ipv4_bits))
    else:
        ce_ipv6 = ce_ipv6_address(prefix, interface_id(ipv4_bits, psid, iid_format))
    ranges = port_ranges(rule.psid_offset, rule.psid_len, psid)
    m = rule.contiguous_port_bits
    return CeMapping(
        ce_prefix=prefix,
        ea_bits=ea,
        ipv4=ipv4,
        psid=psid,
        psid_len=rule.psid_len,
        port_ranges=ranges,
        port_count=len(ranges) << m,
        ce_ipv6=ce_ipv6,
    )


def ce_for_ipv4_port(
    rule: MapRule,
    ipv4: str | IPv4Address,
    port: int,
    iid_format: InterfaceIdFormat = InterfaceIdFormat.RFC7597,
) -> CeMapping:
    """The CE that owns `ipv4`:`port` under `rule` (what a BR or an FMR computes)."""
    address = ipv4_address(ipv4)
    port_number(port)
    if address not in rule.ipv4_prefix:
        raise AddressingError(f"IPv4 address {address} is outside the rule IPv4 prefix {rule.ipv4_prefix}")
    psid = 0
    if rule.psid_len:
        if rule.psid_offset and port >> (16 - rule.psid_offset) == 0:
            raise AddressingError(
                f"port {port} lies in 0-{bit_mask(16 - rule.psid_offset)}, which PSID offset "
                f"{rule.psid_offset} keeps from every CE"
            )
        psid = port >> rule.contiguous_port_bits & bit_mask(rule.psid_len)
    o, p = rule.ea_len, rule.ipv4_suffix_len
    suffix = int(address) & bit_mask(p)
    if o >= p:
        ea = suffix << rule.ea_psid_len | psid & bit_mask(rule.ea_psid_len)
    else:
        ea = suffix >> (p - o)
    r6 = rule.ipv6_prefix.prefixlen
    prefix = IPv6Network((int(rule.ipv6_prefix.network_address) | ea << (128 - r6 - o), r6 + o))
    provisioned = psid if rule.psid_len and not rule.ea_psid_len else None
    return ce_mapping(rule, prefix, provisioned, iid_format)


def ce_of_fourrd_address(rule: MapRule, address: str | IPv6Address) -> CeMapping:
    """The CE that a 4rd IPv6 address under `rule` belongs to, refused unless R-9 derives that very address
    from the IPv4 address it carries (the anti-spoofing check of RFC 7600 R-12)."""
    ipv4, value = fourrd_ipv4(address), int(ipv6_address(address, "4rd IPv6 address"))
    r6, o = rule.ipv6_prefix.prefixlen, rule.ea_len
    prefix = IPv6Network((value >> (128 - r6 - o) << (128 - r6 - o), r6 + o))
    ce = ce_mapping(rule, prefix, iid_format=InterfaceIdFormat.FOURRD)
    if ipv4 not in (ce.ipv4 if isinstance(ce.ipv4, IPv4Network) else IPv4Network(ce.ipv4)):
        raise AddressingError(f"{IPv6Address(value)} carries IPv4 address {ipv4}, but {prefix} maps to {ce.ipv4}")
    if (expected := fourrd_ipv6(prefix, ipv4)) != IPv6Address(value):
        raise AddressingError(f"{IPv6Address(value)} is not the 4rd address of {ipv4} under this rule: {expected} is")
    return ce


def ces_of_rule(rule: MapRule, iid_format: InterfaceIdFormat = InterfaceIdFormat.RFC7597) -> Iterator[CeMapping]:
    """Every CE `rule` maps, one per value of the EA bits (and of a PSID the EA bits do not carry):
    the peers a CE reaches directly through a Forwarding Mapping Rule."""
    r6, o = rule.ipv6_prefix.prefixlen, rule.ea_len
    psids: Iterable[int | None] = range(1 << rule.psid_len) if rule.psid_len and not rule.ea_psid_len else [None]
    base = int(rule.ipv6_prefix.network_address)
    for ea in range(1 << o):
        prefix = IPv6Network((base | ea << (128 - r6 - o), r6 + o))
        for psid in psids:
            yield ce_mapping(rule, prefix, psid, iid_format)


def forwarding_rule(rules: Iterable[MapRule], ipv4: str | IPv4Address) -> MapRule:
    """The Forwarding Mapping Rule whose IPv4 prefix holds `ipv4`, longest match first."""
    address = ipv4_address(ipv4)
    matches = [rule for rule in rules if address in rule.ipv4_prefix]
    if not matches:
        raise AddressingError(
            f"no Forwarding Mapping Rule covers {address}; it goes to the BR (Default Mapping Rule)"
        )
    return max(matches, key=lambda rule: rule.ipv4_prefix.prefixlen)


def destination_ce(rules: Iterable[MapRule], ipv4: str | IPv4Address, port: int) -> CeMapping:
    """The CE a packet to `ipv4`:`port` is sent to directly (mesh) by the matching FMR."""
    return ce_for_ipv4_port(forwarding_rule(rules, ipv4), ipv4, port)


def br_address(dmr: str | IPv6Network, ipv4: str | IPv4Address | None = None) -> IPv6Address:
    """The BR side of a Default Mapping Rule: MAP-E's BR address (a /128), or for MAP-T the
    RFC 6052 address of the IPv4 host `ipv4` under the DMR prefix."""
    prefix = ipv6_network(dmr, "Default Mapping Rule prefix")
    if prefix.prefixlen == 128:
        return prefix.network_address
    if ipv4 is None:
        raise AddressingError(
            f"the MAP-T DMR prefix {prefix} gives a BR address only for an IPv4 host: give one"
        )
    return embed_ipv4(prefix, ipv4)
