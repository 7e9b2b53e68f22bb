"""Turn operator input into ipaddress objects, refusing bad input with one plain AddressingError."""
from ipaddress import (
    AddressValueError,
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    NetmaskValueError,
)
from typing import TypeVar

Address = TypeVar("Address", IPv4Address, IPv6Address)
Network = TypeVar("Network", IPv4Network, IPv6Network)


class AddressingError(ValueError):
    """Input that the address math cannot use; the message is meant for a NOC operator."""


def bit_mask(width: int) -> int:
    return (1 << width) - 1


def _address(kind: type[Address], value: str | Address, what: str, family: str) -> Address:
    try:
        return kind(value)
    except AddressValueError:
        raise AddressingError(f"{what} {str(value)!r} is not an {family} address") from None


def _network(kind: type[Network], value: str | Network, what: str, family: str) -> Network:
    try:
        return kind(value)
    except (AddressValueError, NetmaskValueError):
        raise AddressingError(f"{what} {str(value)!r} is not an {family} prefix") from None
    except ValueError:
        loose = kind(value, strict=False)
        raise AddressingError(f"{what} {value} has host bits set (did you mean {loose}?)") from None


def ipv4_address(value: str | IPv4Address, what: str = "IPv4 address") -> IPv4Address:
    return _address(IPv4Address, value, what, "IPv4")


def ipv6_address(value: str | IPv6Address, what: str = "IPv6 address") -> IPv6Address:
    return _address(IPv6Address, value, what, "IPv6")


def ipv4_network(value: str | IPv4Network, what: str = "IPv4 prefix") -> IPv4Network:
    return _network(IPv4Network, value, what, "IPv4")


def ipv6_network(value: str | IPv6Network, what: str = "IPv6 prefix") -> IPv6Network:
    return _network(IPv6Network, value, what, "IPv6")


def port_number(value: int) -> int:
    if not 0 <= value <= 65535:
        raise AddressingError(f"port {value} is out of range (0-65535)")
    return value
