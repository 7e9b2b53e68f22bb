"""Sessions from accounting (radacct): who is online where, a participant's history, and closing silent sessions."""
from __future__ import annotations

import ipaddress
from collections import Counter
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from opsconsole.registration.models import Device, Participant

from .models import Nas, RadAcct

STALE_SESSION_CAUSE = "Stale-Session"


def nas_at(address, nases: list[Nas]) -> Nas | None:
    """The NAS of the inventory a session was reported from (its address, or a subnet holding it)."""
    try:
        reported = ipaddress.ip_address(str(address))
    except ValueError:
        return None
    return next((nas for nas in nases if reported in ipaddress.ip_network(nas.address)), None)


def described(sessions: QuerySet[RadAcct] | list[RadAcct]) -> list[RadAcct]:
    """Sessions with `device` (by the canonical MAC the accounting policy stores; None once removed) and `access_point`."""
    sessions = list(sessions)
    devices = Device.objects.filter(mac__in={s.callingstationid for s in sessions}).select_related("participant")
    by_mac = {device.mac: device for device in devices}
    nases = list(Nas.objects.all())
    for session in sessions:
        session.device = by_mac.get(session.callingstationid)
        nas = nas_at(session.nasipaddress, nases)
        session.access_point = nas.name if nas else str(session.nasipaddress)
    return sessions


def online_sessions() -> list[RadAcct]:
    return described(RadAcct.objects.filter(acctstoptime=None))


def participant_sessions(participant: Participant, limit: int = 20) -> list[RadAcct]:
    """The participant's current devices' sessions, open and closed, newest first."""
    macs = list(participant.devices.values_list("mac", flat=True))
    return described(RadAcct.objects.filter(callingstationid__in=macs)[:limit]) if macs else []


def session_counts() -> dict[str, list[tuple[str, int]]]:
    """Open sessions per SSID and per access point, most first (the sessions page and the dashboard read this)."""
    sessions = online_sessions()
    return {
        "ssid": Counter(session.ssid for session in sessions).most_common(),
        "access_point": Counter(session.access_point for session in sessions).most_common(),
    }


def close_stale_sessions(now: datetime, silence: timedelta) -> list[str]:
    """Close open sessions not heard from (no Start, Interim-Update) within SILENCE: the NAS lost their Stop.

    They end when they were last heard of, not now; the MACs (Calling-Station-Id) of the sessions closed.
    """
    last_heard = Coalesce("acctupdatetime", "acctstarttime")
    stale = RadAcct.objects.filter(acctstoptime=None).alias(last_heard=last_heard).filter(last_heard__lt=now - silence)
    closed = dict(stale.values_list("radacctid", "callingstationid"))
    # A session heard from between the two queries stays open: the update repeats the condition.
    stale.filter(radacctid__in=closed).update(acctstoptime=last_heard, acctterminatecause=STALE_SESSION_CAUSE)
    return list(closed.values())
