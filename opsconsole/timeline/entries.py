"""The one way an entry reaches the timeline: stored, then sent to open timeline views once committed."""
from datetime import datetime

from django.utils import timezone

from opsconsole.monitoring.live import publish

from .models import TimelineEntry

RECENT = 10


def add_entry(kind: str, text: str, subject: str = "", author: str = "", at: datetime | None = None) -> TimelineEntry:
    entry = TimelineEntry.objects.create(kind=kind, text=text[:2000], subject=subject[:200], author=author[:150],
                                         at=at or timezone.now())
    publish("timeline", "entry", {"id": entry.pk, "at": entry.at.isoformat(), "kind": entry.kind,
                                  "subject": entry.subject, "text": entry.text})
    return entry


def recent_entries() -> dict:
    """The dashboard panel's context: the newest entries."""
    return {"entries": list(TimelineEntry.objects.all()[:RECENT])}
