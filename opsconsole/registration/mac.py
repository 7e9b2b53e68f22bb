"""MAC addresses as people type them: parse any common notation into one form, and say what kind of address it is.

Pure: no Django, no I/O. Messages are plain English; callers translate them by their `code`.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s:.\-]")
# Notations people paste: six pairs (colons, dashes, spaces), three quads (Cisco dots), or twelve bare digits.
_NOTATIONS = (
    re.compile(r"[0-9a-f]{2}([:\- ])[0-9a-f]{2}(\1[0-9a-f]{2}){4}"),
    re.compile(r"[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}"),
    re.compile(r"[0-9a-f]{12}"),
)


class MacError(ValueError):
    """A MAC that cannot be registered; `code` names the rule, the message says why."""

    def __init__(self, code: str, message: str, mac: str = ""):
        super().__init__(message)
        self.code, self.mac = code, mac


def hex_digits(mac: str) -> str:
    """The twelve lower-case hex digits of a normalised MAC (what the search index holds)."""
    return mac.replace(":", "")


def normalise_mac(text: str) -> str:
    """`aa:bb:cc:dd:ee:ff` from any common notation; raises MacError for malformed or unusable addresses."""
    cleaned = text.strip().lower()
    if not any(notation.fullmatch(cleaned) for notation in _NOTATIONS):
        raise MacError(
            "malformed",
            f"“{text.strip()}” is not a MAC address: write 12 hex digits, e.g. aa:bb:cc:dd:ee:ff or aabb.ccdd.eeff",
            text.strip(),
        )
    digits = _SEPARATORS.sub("", cleaned)
    mac = ":".join(digits[i : i + 2] for i in range(0, 12, 2))
    if digits == "ffffffffffff":
        raise MacError("broadcast", f"{mac} is the broadcast address, not a device", mac)
    if digits == "000000000000":
        raise MacError("zero", f"{mac} is all zeros, not a device", mac)
    if is_multicast(mac):
        raise MacError("multicast", f"{mac} is a multicast address, not a device (its first byte is odd)", mac)
    return mac


def is_multicast(mac: str) -> bool:
    return bool(int(mac[:2], 16) & 0x01)


def is_locally_administered(mac: str) -> bool:
    """True for randomised ("private Wi-Fi address") MACs: bit 1 of the first byte is set."""
    return bool(int(mac[:2], 16) & 0x02)


def search_digits(query: str) -> str | None:
    """The hex digits of a partial MAC typed in any notation ("ccdd", "cc:dd", "CC-DD"), or None if it is not one."""
    digits = _SEPARATORS.sub("", query.strip().lower())
    if len(digits) < 2 or len(digits) > 12 or not re.fullmatch(r"[0-9a-f]+", digits):
        return None
    return digits
