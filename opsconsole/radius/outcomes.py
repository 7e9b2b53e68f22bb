"""What RADIUS answered a participant's devices: the helpdesk's answer to "why can't I connect"."""
from django.utils.translation import gettext_lazy as _

from gateways.render import freeradius
from opsconsole.certificates.models import WifiPassword
from opsconsole.registration.models import Participant

from .models import RadPostAuth, sql_unescape
from .sessions import participant_sessions

# The policy stores its reasons in English (gateways/render/freeradius.py); pages show them translated.
REASONS = {
    freeradius.REASON_NOT_OFFERED: _("MAC authentication is not offered on this SSID"),
    freeradius.REASON_UNKNOWN_NAS: _("unknown NAS"),
    freeradius.REASON_NOT_REGISTERED: _("MAC not registered"),
    freeradius.REASON_EXPIRED: _("registration expired"),
    freeradius.REASON_WRONG_SSID: _("registered, but not for this SSID"),
    freeradius.REASON_EAP_NOT_OFFERED: _("EAP is not offered on this SSID"),
    freeradius.REASON_REVOKED: _("certificate revoked"),
    freeradius.REASON_CERTIFICATE_EXPIRED: _("certificate expired"),
    freeradius.REASON_DATABASE_UNAVAILABLE: _("RADIUS database unavailable"),
    freeradius.REASON_WIFI_PASSWORD_REFUSED: _("Wi-Fi password refused"),
    freeradius.REASON_WIFI_PASSWORD_NOT_OFFERED: _("Wi-Fi password is not offered on this SSID"),
}


def reason_label(stored: str):
    reason = sql_unescape(stored)
    return REASONS.get(reason, reason)


def recent_outcomes(participant: Participant, limit: int = 20) -> list[RadPostAuth]:
    """The latest answers to any of the participant's current devices and to their Wi-Fi password's user name,
    newest first, each with `reason_label`."""
    names = [*participant.devices.values_list("mac", flat=True),
             *WifiPassword.objects.filter(participant=participant).values_list("username", flat=True)]
    outcomes = list(RadPostAuth.objects.filter(username__in=names)[:limit]) if names else []
    for outcome in outcomes:
        outcome.reason_label = reason_label(outcome.reason)
    return outcomes


def participant_radius(participant: Participant) -> dict:
    """What the participant page shows of RADIUS, first rendered and live: answers, sessions, disconnects."""
    return {"radius_outcomes": recent_outcomes(participant), "radius_sessions": participant_sessions(participant),
            "radius_disconnects": participant.disconnects.select_related("nas")[:10]}
