"""The helpdesk's queue of trouble reports: what changes a report, told to open dashboards, and what to attach."""
from django.db import transaction
from django.utils import timezone

from opsconsole.monitoring.live import publish

from .models import Attachment, Status, TroubleReport


def publish_change(report: TroubleReport) -> None:
    publish("support", "report", {"id": report.pk, "status": report.status,
                                  "open": TroubleReport.objects.filter(status=Status.OPEN).count()})


def file_report(report: TroubleReport) -> TroubleReport:
    """Save a validated new report and tell the dashboards."""
    with transaction.atomic():
        report.save()
        publish_change(report)
    return report


def answer_report(report: TroubleReport, answer: str, by) -> TroubleReport:
    with transaction.atomic():
        report.answer, report.answered_by, report.answered_at = answer, by, timezone.now()
        report.status = Status.ANSWERED
        report.full_clean()
        report.save()
        publish_change(report)
    return report


def attach(report: TroubleReport, title: str, text: str, source: str) -> Attachment:
    """Keep another tool's result (e.g. a diagnostics result rendered as text) with REPORT; the helpdesk sees it."""
    attachment = Attachment(report=report, title=title, text=text, source=source)
    attachment.full_clean()
    with transaction.atomic():
        attachment.save()
        publish("support", "attachment", {"id": report.pk})
    return attachment


def open_reports_panel() -> dict:
    waiting = TroubleReport.objects.filter(status=Status.OPEN)
    oldest = waiting.order_by("reported_at").values_list("reported_at", flat=True).first()
    return {"open_reports": waiting.count(), "oldest_open_report": oldest}
