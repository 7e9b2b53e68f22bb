"""Model-field checks for transition roles: gateways.addressing's plain messages as Django ValidationErrors."""
import ipaddress
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from gateways.addressing import AddressingError, nat64_prefix
from gateways.addressing.parse import ipv4_address, ipv4_network, ipv6_address, ipv6_network

INTERFACE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,15}")
TUNNEL_NAME = re.compile(r"[A-Za-z0-9_-]{1,12}")
ROUTE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,32}")


@contextmanager
def plain_errors(field: str | None = None) -> Iterator[None]:
    """Turn an AddressingError raised inside into a ValidationError (on `field` when given)."""
    try:
        yield
    except AddressingError as exc:
        raise ValidationError({field: str(exc)} if field else str(exc)) from None


_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "IPv4 address": ipv4_address, "IPv6 address": ipv6_address,
    "IPv4 prefix": ipv4_network, "IPv6 prefix": ipv6_network,
    "NAT64 prefix": lambda value, what: nat64_prefix(value),
}
_PATTERNS = {
    "an interface name (letters, digits, _ . -, at most 15)": INTERFACE_NAME,
    "a tunnel name (letters, digits, _ -, at most 12)": TUNNEL_NAME,
    "a route name (letters, digits, _ . -, at most 32)": ROUTE_NAME,
}


@deconstructible
class Parsed:
    """Accept what gateways.addressing parses as `what` ("IPv4 prefix", ...); "IPv4 or IPv6 ..." takes either."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, value: str) -> None:
        what = self.what.replace("IPv4 or IPv6", "IPv6" if ":" in value else "IPv4")
        with plain_errors():
            _PARSERS[what](value, what)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Parsed) and other.what == self.what


@deconstructible
class Named:
    """Accept a name matching the grammar described as `what`."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, value: str) -> None:
        if not _PATTERNS[self.what].fullmatch(value) or value in (".", ".."):
            raise ValidationError(f"{value!r} is not {self.what}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Named) and other.what == self.what


validate_ipv4_address = Parsed("IPv4 address")
validate_ipv6_address = Parsed("IPv6 address")
validate_ipv4_prefix = Parsed("IPv4 prefix")
validate_ipv6_prefix = Parsed("IPv6 prefix")
validate_nat64_prefix = Parsed("NAT64 prefix")
validate_address = Parsed("IPv4 or IPv6 address")
validate_prefix = Parsed("IPv4 or IPv6 prefix")
validate_interface = Named("an interface name (letters, digits, _ . -, at most 15)")
validate_tunnel = Named("a tunnel name (letters, digits, _ -, at most 12)")
validate_route_name = Named("a route name (letters, digits, _ . -, at most 32)")


def words(text: str) -> list[str]:
    """A list typed as words separated by spaces, commas or new lines."""
    return [word for word in re.split(r"[\s,]+", text) if word]


@deconstructible
class ListOf:
    """Validate each word of a typed list with `item`; `keywords` are accepted as they are."""

    def __init__(self, item: Parsed, keywords: tuple[str, ...] = ()) -> None:
        self.item, self.keywords = item, tuple(keywords)

    def __call__(self, text: str) -> None:
        errors = []
        for word in words(text):
            if word in self.keywords:
                continue
            try:
                self.item(word)
            except ValidationError as exc:
                errors += exc.messages
        if errors:
            raise ValidationError(errors)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ListOf) and (other.item, other.keywords) == (self.item, self.keywords)


def compressed(value: str) -> str:
    """An address or prefix in its compressed lower-case form (for storing and comparing)."""
    return str(ipaddress.ip_network(value) if "/" in value else ipaddress.ip_address(value))


def compressed_words(text: str, keywords: tuple[str, ...] = ()) -> str:
    return " ".join(word if word in keywords else compressed(word) for word in words(text))
