"""The PREF64 router advertisement option (RFC 8781): the NAT64 prefix a client's CLAT should use, as bytes."""
from __future__ import annotations

import ipaddress
import math

OPTION_TYPE = 38
OPTION_LENGTH = 2  # in units of 8 octets: 16 bytes in all
# RFC 8781 section 4: the Prefix Length Code of each prefix length RFC 6052 allows.
PREFIX_LENGTH_CODES = {96: 0, 64: 1, 56: 2, 48: 3, 40: 4, 32: 5}
LIFETIME_UNIT_SECONDS = 8
MAX_SCALED_LIFETIME = 2**13 - 1  # 65528 seconds


class Pref64Error(ValueError):
    """A prefix or lifetime that a PREF64 option cannot carry."""


def pref64_value(prefix: str, lifetime: int) -> bytes:
    """The 14 bytes after type and length: scaled lifetime and PLC, then the prefix's high 96 bits.

    The lifetime is rounded up to the 8-second unit, so a client never drops the prefix earlier than asked.
    """
    network = ipaddress.ip_network(prefix)
    if network.version != 6 or network.prefixlen not in PREFIX_LENGTH_CODES:
        raise Pref64Error(f"{prefix}: PREF64 carries an IPv6 prefix of length 32, 40, 48, 56, 64 or 96")
    scaled = math.ceil(lifetime / LIFETIME_UNIT_SECONDS)
    if not 0 <= scaled <= MAX_SCALED_LIFETIME:
        raise Pref64Error(f"lifetime {lifetime} s: PREF64 carries 0 to {MAX_SCALED_LIFETIME * LIFETIME_UNIT_SECONDS} s")
    field = scaled << 3 | PREFIX_LENGTH_CODES[network.prefixlen]
    return field.to_bytes(2, "big") + network.network_address.packed[:12]


def pref64_option(prefix: str, lifetime: int) -> bytes:
    """The whole option as it appears in a router advertisement."""
    return bytes([OPTION_TYPE, OPTION_LENGTH]) + pref64_value(prefix, lifetime)


def bird_custom_option(prefix: str, lifetime: int) -> str:
    """The option as BIRD (2.14 and later) writes it: its RAdv computes type and length itself."""
    value = ":".join(f"{byte:02x}" for byte in pref64_value(prefix, lifetime))
    return f"custom option type {OPTION_TYPE} value hex:{value};"
