"""SA46T addresses (draft-matsuhira-sa46t-spec): SA46T prefix | plane ID (32 bits) | IPv4 (32 bits)."""
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, IPv6Network

from .parse import AddressingError, bit_mask, ipv4_address, ipv6_address, ipv6_network

MAX_PLANE_ID = bit_mask(32)


@dataclass(frozen=True)
class Sa46tAddress:
    """What an SA46T address carries besides its prefix."""

    plane_id: int
    ipv4: IPv4Address


def sa46t_prefix(value: str | IPv6Network) -> IPv6Network:
    """An SA46T prefix: /64 or shorter, since the plane ID and IPv4 address fill the low 64 bits."""
    prefix = ipv6_network(value, "SA46T prefix")
    if prefix.prefixlen > 64:
        raise AddressingError(
            f"SA46T prefix {prefix} is longer than /64; the plane ID and IPv4 address need the low 64 bits"
        )
    return prefix


def sa46t_address(prefix: str | IPv6Network, plane_id: int, ipv4: str | IPv4Address) -> IPv6Address:
    """The SA46T address of `ipv4` in plane `plane_id`."""
    net = sa46t_prefix(prefix)
    if not 0 <= plane_id <= MAX_PLANE_ID:
        raise AddressingError(f"SA46T plane ID {plane_id} does not fit in 32 bits")
    return IPv6Address(int(net.network_address) | plane_id << 32 | int(ipv4_address(ipv4)))


def parse_sa46t_address(prefix: str | IPv6Network, address: str | IPv6Address) -> Sa46tAddress:
    """The plane ID and IPv4 address inside an SA46T address under `prefix`."""
    net = sa46t_prefix(prefix)
    value = ipv6_address(address)
    if value not in net:
        raise AddressingError(f"IPv6 address {value} is outside the SA46T prefix {net}")
    low = int(value) & bit_mask(64)
    return Sa46tAddress(plane_id=low >> 32, ipv4=IPv4Address(low & bit_mask(32)))
