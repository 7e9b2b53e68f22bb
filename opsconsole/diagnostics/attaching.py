"""One click keeps a result with an open trouble report or on the timeline: once per place, with a link back."""
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsconsole.support.models import TroubleReport
from opsconsole.support.queue import attach
from opsconsole.timeline.entries import add_entry
from opsconsole.timeline.models import TimelineEntry

from .models import AttachedResult, DiagnosticResult
from .runs import attachment

TITLE_LENGTH = 200


class AlreadyAttached(Exception):
    pass


def summary_text(result: DiagnosticResult, link: str) -> str:
    kept = attachment(result)
    health = _("healthy") if kept["ok"] else _("needs attention")
    when = timezone.localtime(result.at).strftime("%Y-%m-%d %H:%M %Z")
    return "\n".join([
        f"{result.get_kind_display()}: {kept['subject']}",
        _("Verdict: %(verdict)s (%(health)s)") % {"verdict": result.verdict_label, "health": health},
        _("Run by %(who)s, %(when)s") % {"who": kept["by"], "when": when},
        link,
    ])


def attach_result(result: DiagnosticResult, report: TroubleReport | None, user, link: str) -> AttachedResult:
    """Attach RESULT to REPORT, or to the timeline when REPORT is None; AlreadyAttached if it is there already.
    LINK is the result page's absolute address, so that the report and the timeline can link to it."""
    text = summary_text(result, link)
    try:
        with transaction.atomic():
            placed = AttachedResult.objects.create(result=result, report=report, by=user.get_username())
            if report is None:
                add_entry(TimelineEntry.Kind.NOTE, text, subject=result.subject, author=user.get_username())
            else:
                attach(report, f"{result.get_kind_display()}: {result.subject}"[:TITLE_LENGTH], text, "diagnostics")
    except IntegrityError:
        raise AlreadyAttached from None
    return placed
