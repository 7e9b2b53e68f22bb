"""4rd IPv6 addresses (RFC 7600 section 4.5): prefix, 4rd Tag, IPv4 address and the checksum-neutral CNP."""
from ipaddress import IPv4Address, IPv6Address, IPv6Network

from .parse import AddressingError, bit_mask, ipv6_address

FOURRD_TAG = 0x0300
# Figure 4: ports start with 4 non-zero bits before the PSID, unless the rule authorizes well-known ports.
FOURRD_PSID_OFFSET = 4
BR_RULE_PREFIX_LEN = 80


def _ones_complement_sum(fields: list[int]) -> int:
    total = sum(fields)
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def _fields(value: int, count: int) -> list[int]:
    return [value >> (16 * i) & 0xFFFF for i in range(count)]


def checksum_neutrality_preserver(top_80_bits: int) -> int:
    """R-9 (4): the one's complement opposite of the five 16-bit fields in address bits 0-79."""
    return ~_ones_complement_sum(_fields(top_80_bits, 5)) & 0xFFFF


def fourrd_ipv6(prefix: IPv6Network, ipv4: IPv4Address) -> IPv6Address:
    """The 4rd IPv6 address of `ipv4` under `prefix`, the Rule IPv6 prefix followed by the EA bits (R-9 (2)-(4)).

    Up to /64 (a CE Mapping rule) the prefix is padded to /64 and followed by the 4rd Tag and the IPv4 address;
    a /112 (the BR or NAT64+ Mapping rule, whose /80 ends in the Tag) already holds both.
    """
    length, network = prefix.prefixlen, int(prefix.network_address)
    if length <= 64:
        upper = network >> 48 | FOURRD_TAG
    elif length == BR_RULE_PREFIX_LEN + 32 and network >> 48 & 0xFFFF == FOURRD_TAG:
        upper = network >> 48
        if network >> 16 & bit_mask(32) != int(ipv4):
            raise AddressingError(f"prefix {prefix} does not end in IPv4 address {ipv4}")
    else:
        raise AddressingError(
            f"4rd needs the rule IPv6 prefix plus EA bits to be at most /64, or a /{BR_RULE_PREFIX_LEN} "
            f"BR Mapping rule ending in the 4rd Tag {FOURRD_TAG:#06x} (RFC 7600 section 4.5), not /{length}"
        )
    return IPv6Address((upper << 32 | int(ipv4)) << 16 | checksum_neutrality_preserver(upper))


def fourrd_ipv4(address: str | IPv6Address) -> IPv4Address:
    """The IPv4 address in bits 80-111 of a 4rd IPv6 address, once its Tag and CNP are checked (R-10, R-13)."""
    value = int(ipv6_address(address, "4rd IPv6 address"))
    if value >> 48 & 0xFFFF != FOURRD_TAG:
        raise AddressingError(f"{ipv6_address(address)} has no 4rd Tag ({FOURRD_TAG:#06x}) in bits 64-79")
    if value & 0xFFFF != checksum_neutrality_preserver(value >> 48):
        raise AddressingError(
            f"{ipv6_address(address)} is not checksum neutral: its CNP should be "
            f"{checksum_neutrality_preserver(value >> 48):#06x}"
        )
    return IPv4Address(value >> 16 & bit_mask(32))
