"""RFC 6052 IPv4-embedded IPv6 addresses (NAT64, DNS64, MAP-T DMR, 464XLAT) in both directions."""
from ipaddress import IPv4Address, IPv6Address, IPv6Network

from .parse import AddressingError, bit_mask, ipv4_address, ipv6_address, ipv6_network

ALLOWED_PREFIX_LENGTHS = (32, 40, 48, 56, 64, 96)
WELL_KNOWN_PREFIX = IPv6Network("64:ff9b::/96")


def u_octet(address: int) -> int:
    """Bits 64-71 of a 128-bit address."""
    return (address >> 56) & 0xFF


def nat64_prefix(value: str | IPv6Network) -> IPv6Network:
    """A prefix that can carry IPv4 addresses the RFC 6052 way."""
    prefix = ipv6_network(value, "NAT64 prefix")
    if prefix.prefixlen not in ALLOWED_PREFIX_LENGTHS:
        raise AddressingError(
            f"NAT64 prefix {prefix}: RFC 6052 allows prefix lengths 32, 40, 48, 56, 64 "
            f"and 96, not /{prefix.prefixlen}"
        )
    if u_octet(int(prefix.network_address)):
        raise AddressingError(
            f"NAT64 prefix {prefix}: bits 64-71 (the u-octet) must be zero (RFC 6052 section 2.2)"
        )
    return prefix


def _refuse_non_global_in_wkp(prefix: IPv6Network, ipv4: IPv4Address) -> None:
    if prefix == WELL_KNOWN_PREFIX and not ipv4.is_global:
        raise AddressingError(
            f"the well-known prefix 64:ff9b::/96 must not carry the non-global IPv4 address "
            f"{ipv4} (RFC 6052 section 3.1); use a network-specific prefix"
        )


def _bits_before_u_octet(prefix_len: int) -> int:
    return max(0, 64 - prefix_len)


def embed_ipv4(prefix: str | IPv6Network, ipv4: str | IPv4Address) -> IPv6Address:
    """The IPv4-embedded IPv6 address of `ipv4` under `prefix`."""
    net = nat64_prefix(prefix)
    address = ipv4_address(ipv4)
    _refuse_non_global_in_wkp(net, address)
    value = int(address)
    if net.prefixlen == 96:
        return IPv6Address(int(net.network_address) | value)
    # The IPv4 bits that would fall on the u-octet continue after it instead.
    high_len = _bits_before_u_octet(net.prefixlen)
    low_len = 32 - high_len
    high, low = value >> low_len, value & bit_mask(low_len)
    return IPv6Address(int(net.network_address) | high << 64 | low << (56 - low_len))


def extract_ipv4(prefix: str | IPv6Network, ipv6: str | IPv6Address, any_ipv4: bool = False) -> IPv4Address:
    """The IPv4 address embedded in `ipv6`, an address under `prefix`.

    `any_ipv4` takes non-global addresses under the well-known prefix too: DNS64 synthesises them for
    ipv4only.arpa (192.0.0.170/171), the name RFC 7050 discovers the prefix with."""
    net = nat64_prefix(prefix)
    address = ipv6_address(ipv6)
    if address not in net:
        raise AddressingError(f"IPv6 address {address} is outside the NAT64 prefix {net}")
    value = int(address)
    if u_octet(value):
        raise AddressingError(
            f"IPv6 address {address}: bits 64-71 (the u-octet) must be zero (RFC 6052 section 2.2)"
        )
    if net.prefixlen == 96:
        ipv4 = IPv4Address(value & bit_mask(32))
    else:
        high_len = _bits_before_u_octet(net.prefixlen)
        low_len = 32 - high_len
        high = (value >> 64) & bit_mask(high_len)
        low = (value >> (56 - low_len)) & bit_mask(low_len)
        ipv4 = IPv4Address(high << low_len | low)
    if not any_ipv4:
        _refuse_non_global_in_wkp(net, ipv4)
    return ipv4
