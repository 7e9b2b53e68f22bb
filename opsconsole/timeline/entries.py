"""The one way an entry reaches the timeline: stored, then sent to open timeline views once committed."""
from datetime import datetime

from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.audit.trail import record, snapshot
from opsconsole.monitoring.live import publish

from .models import TimelineEntry

RECENT = 10


def add_entry(kind: str, text: str, subject: str = "", author: str = "", at: datetime | None = None) -> TimelineEntry:
    entry = TimelineEntry.objects.create(kind=kind, text=text[:2000], subject=subject[:200], author=author[:150],
                                         at=at or timezone.now())
    publish("timeline", "entry", {"id": entry.pk, "at": entry.at.isoformat(), "kind": entry.kind,
                                  "subject": entry.subject, "text": entry.text})
    return entry


def add_noc_note(text: str, subject: str, author: str) -> TimelineEntry:
    """A NOC note, from the page or the API, in the audit trail as well (entries are not audited as such: most are
    the console's own)."""
    entry = add_entry(TimelineEntry.Kind.NOTE, text, subject=subject, author=author)
    record(AuditEntry.Action.CREATE, TimelineEntry._meta.label, str(entry.pk), str(entry), None,
           snapshot(entry, frozenset()))
    return entry


def recent_entries() -> dict:
    """The dashboard panel's context: the newest entries."""
    return {"entries": list(TimelineEntry.objects.all()[:RECENT])}
