"""464XLAT (RFC 6877) address synthesis: the CLAT's stateless side and the PLAT's NAT64 prefix."""
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from .parse import AddressingError, ipv6_network
from .rfc6052 import embed_ipv4

CLAT_IPV4_NETWORK = IPv4Network("192.0.0.0/29")  # RFC 7335: the IPv4 service continuity prefix
CLAT_PREFIX_LENGTHS = (64, 96)


def clat_ipv6(clat_prefix: str | IPv6Network, ipv4: str | IPv4Address) -> IPv6Address:
    """The IPv6 source the CLAT translates an IPv4 host address (e.g. its own 192.0.0.x) to,
    from its dedicated /64 or a /96 taken for translation."""
    prefix = ipv6_network(clat_prefix, "CLAT prefix")
    if prefix.prefixlen not in CLAT_PREFIX_LENGTHS:
        raise AddressingError(
            f"CLAT prefix {prefix}: use a dedicated /64 or a /96 for translation (RFC 6877 6.3)"
        )
    return embed_ipv4(prefix, ipv4)


def plat_ipv6(plat_prefix: str | IPv6Network, ipv4: str | IPv4Address) -> IPv6Address:
    """The IPv6 destination the CLAT sends to for an IPv4 destination, via the PLAT's NAT64 prefix."""
    return embed_ipv4(plat_prefix, ipv4)
