"""FreeRADIUS writes radpostauth and radacct itself, past Django: a relay notices new rows and tells open pages."""
from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db.models import Max, Q

from opsconsole.registration.models import Device

from .models import RadAcct, RadPostAuth


def participant_group(participant_id: int) -> str:
    """The group of one participant's helpdesk page."""
    return f"participant-{participant_id}"


def tell_participant_page(participant_id: int) -> None:
    async_to_sync(get_channel_layer().group_send)(participant_group(participant_id),
                                                  {"type": "radius.changed", "participant_id": participant_id})


def tell_pages_of(macs: set[str]) -> set[int]:
    """Tell the pages of the participants whose devices have these MACs (the console's form); those participants."""
    participants = set(Device.objects.filter(mac__in=macs).values_list("participant_id", flat=True)) if macs else set()
    for participant_id in participants:
        tell_participant_page(participant_id)
    return participants


class RadiusRelay:
    """Remembers the newest answer and session it has seen and the open sessions' last updates; each cycle tells the
    pages of the participants whose devices have a new answer, a new session or a session updated or closed.

    Two relays (a restart overlapping the old one) only re-render a page twice: pages are rendered from the
    database, so there is nothing to claim. Answers are by the device's MAC as the policy stores it (SQL-User-Name),
    sessions by the canonical Calling-Station-Id (opsconsole_accounting).
    """

    def __init__(self):
        self.last_answer = RadPostAuth.objects.aggregate(last=Max("id"))["last"] or 0
        self.last_session = RadAcct.objects.aggregate(last=Max("radacctid"))["last"] or 0
        self.open_sessions = self._open_sessions()

    @staticmethod
    def _open_sessions() -> dict[int, object]:
        """Open sessions by id with their last update: an Interim-Update or a Stop changes or removes an entry."""
        return dict(RadAcct.objects.filter(acctstoptime=None).values_list("radacctid", "acctupdatetime"))

    def cycle(self) -> tuple[int, int, set[int]]:
        """The new answers and the new or changed sessions, and the participants whose pages were told."""
        answers = list(RadPostAuth.objects.filter(id__gt=self.last_answer).values_list("id", "username"))
        open_sessions = self._open_sessions()
        changed = [pk for pk, updated in self.open_sessions.items() if open_sessions.get(pk, "closed") != updated]
        self.open_sessions = open_sessions
        sessions = list(RadAcct.objects.filter(Q(radacctid__gt=self.last_session) | Q(radacctid__in=changed))
                        .values_list("radacctid", "callingstationid"))
        participants = tell_pages_of({mac for _id, mac in answers + sessions})
        self.last_answer = max([self.last_answer, *(row_id for row_id, _mac in answers)])
        self.last_session = max([self.last_session, *(row_id for row_id, _mac in sessions)])
        return len(answers), len(sessions), participants
