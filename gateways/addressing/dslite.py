"""DS-Lite (RFC 6333 section 5.7) well-known IPv4 addresses of the B4 and the AFTR."""
from ipaddress import IPv4Address, IPv4Network

from .parse import AddressingError, ipv4_address

DSLITE_NETWORK = IPv4Network("192.0.0.0/29")
AFTR_IPV4 = IPv4Address("192.0.0.1")
B4_IPV4 = IPv4Address("192.0.0.2")
B4_IPV4_CHOICES = tuple(IPv4Address(int(B4_IPV4) + i) for i in range(6))  # 192.0.0.2 - 192.0.0.7


def b4_ipv4(value: str | IPv4Address = B4_IPV4) -> IPv4Address:
    """A B4 element's IPv4 address, which must come from 192.0.0.2-192.0.0.7."""
    address = ipv4_address(value, "B4 IPv4 address")
    if address not in B4_IPV4_CHOICES:
        raise AddressingError(
            f"B4 IPv4 address {address} must be one of 192.0.0.2-192.0.0.7 (RFC 6333 section 5.7)"
        )
    return address
