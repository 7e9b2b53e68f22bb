"""One place for each plan rule on a single value, with the message an operator reads."""
import ipaddress
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .choices import Band

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
ESSID_MAX_BYTES = 32

validate_vlan_name = RegexValidator(
    r"\A[a-z0-9][a-z0-9-]{0,31}\Z",
    _("A VLAN name is up to 32 lowercase letters, digits and hyphens, such as widecamp-4rd."),
    code="invalid_name",
)


def validate_vid(vid: int) -> None:
    if not 1 <= vid <= 4094:
        raise ValidationError(_("VLAN %(vid)s is out of range 1-4094"), code="out_of_range", params={"vid": vid})


# RFC 8925 section 3.4: V6ONLY_WAIT is a 32-bit count of seconds, at least MIN_V6ONLY_WAIT; 1800 is the default.
V6ONLY_WAIT_MIN = 300
V6ONLY_WAIT_MAX = 2**32 - 1
V6ONLY_WAIT_DEFAULT = 1800


def validate_v6only_wait(seconds: int) -> None:
    if not V6ONLY_WAIT_MIN <= seconds <= V6ONLY_WAIT_MAX:
        raise ValidationError(
            _("V6ONLY_WAIT is how long an IPv6-only client stays off IPv4: from 300 seconds (RFC 8925's minimum) "
              "to 4294967295 seconds, not %(seconds)s; 1800 is the usual value."),
            code="out_of_range",
            params={"seconds": seconds},
        )


def validate_essid(essid: str) -> None:
    size = len(essid.encode("utf-8"))
    if size > ESSID_MAX_BYTES:
        raise ValidationError(
            _("An ESSID is at most 32 bytes in UTF-8; “%(essid)s” is %(size)s bytes."),
            code="too_long",
            params={"essid": essid, "size": size},
        )


BANDS_NEEDED = _("Choose at least one band, as a list such as [2.4GHz, 5GHz].")
BAND_UNKNOWN = format_lazy(_("“%(value)s” is not a band; choose from {allowed}."), allowed=", ".join(Band.values()))


def validate_bands(bands: object) -> None:
    if not isinstance(bands, list) or not bands:
        raise ValidationError(BANDS_NEEDED, code="no_bands")
    for band in bands:
        if band not in Band.values():
            raise ValidationError(BAND_UNKNOWN, code="invalid_band", params={"value": band})
    if len(set(bands)) != len(bands):
        raise ValidationError(_("Name each band once."), code="repeated_band")


def parse_network(text: str) -> IPNetwork:
    """The prefix written in `text`; refuses addresses without a length and set host bits, saying what was meant."""
    text = str(text).strip()
    try:
        if "/" not in text:
            raise ValueError(text)
        return ipaddress.ip_network(text)
    except ValueError:
        pass
    try:
        interface = ipaddress.ip_interface(text)
    except ValueError:
        raise ValidationError(
            _("“%(text)s” is not an IPv4 or IPv6 prefix such as 2001:db8::/48 or 192.0.2.0/24."),
            code="invalid_prefix",
            params={"text": text},
        ) from None
    if "/" not in text:
        raise ValidationError(
            _("“%(text)s” needs a prefix length, such as %(example)s."),
            code="no_length",
            params={"text": text, "example": interface.network},
        )
    raise ValidationError(
        _("%(text)s has host bits set; did you mean %(network)s?"),
        code="host_bits",
        params={"text": text, "network": interface.network},
    )


def validate_network(text: str) -> None:
    parse_network(text)


def overlap_errors(network: IPNetwork, others: Iterable[tuple[IPNetwork, str]]) -> list[ValidationError]:
    """One error per prefix of the same family in `others` ((prefix, VLAN name) pairs) that overlaps `network`."""
    return [
        ValidationError(
            _("%(network)s overlaps %(other)s on VLAN %(vlan)s"),
            code="overlap",
            params={"network": network, "other": other, "vlan": vlan},
        )
        for other, vlan in others
        if other.version == network.version and other != network and network.overlaps(other)
    ]
