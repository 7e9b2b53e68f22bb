"""The helpdesk's queue of trouble reports, each with what the console knows about the participant, and the answer."""
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from opsconsole.accounts.access import staff_required
from opsconsole.radius.outcomes import recent_outcomes
from opsconsole.registration.models import NeighbourEntry
from opsconsole.registration.views import device_rows

from .forms import AnswerForm, AttachmentForm
from .models import Status, TroubleReport
from .queue import answer_report, attach

QUEUE_LENGTH = 100
ADDRESSES = 20


@staff_required
def queue(request):
    status = request.GET.get("status", Status.OPEN)
    reports = TroubleReport.objects.select_related("participant", "device", "ssid")
    if status in Status.values:
        reports = reports.filter(status=status)
    else:
        status = ""
    return render(request, "support/queue.html", {"reports": reports[:QUEUE_LENGTH], "status": status,
                                                  "statuses": Status.choices})


def _report_page(request, report: TroubleReport, form: AnswerForm, status: int = 200):
    participant = report.participant
    macs = participant.devices.values_list("mac", flat=True)
    return render(request, "support/report.html", {
        "report": report, "participant": participant, "form": form, "rows": device_rows(participant),
        "addresses": NeighbourEntry.objects.filter(mac__in=list(macs)).select_related("node").order_by("-seen_at")[:ADDRESSES],
        "radius_outcomes": recent_outcomes(participant), "self_tests": participant.self_tests.all()[:5],
        "attachments": report.attachments.all(),
    }, status=status)


@staff_required
def report_detail(request, pk: int):
    report = get_object_or_404(TroubleReport.objects.select_related("participant", "device", "ssid"), pk=pk)
    return _report_page(request, report, AnswerForm(initial={"answer": report.answer}))


@staff_required
@require_POST
def answer(request, pk: int):
    report = get_object_or_404(TroubleReport, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _report_page(request, report, form, status=400)
    answer_report(report, form.cleaned_data["answer"], request.user)
    return redirect("support:report", pk=report.pk)


@staff_required
@require_POST
def attach_result(request, pk: int):
    """The one-click "attach to this report" of other tools' result pages (a diagnosis, a probe)."""
    report = get_object_or_404(TroubleReport, pk=pk)
    form = AttachmentForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()),
                                      content_type="text/plain; charset=utf-8")
    attach(report, **form.cleaned_data)
    return redirect("support:report", pk=report.pk)
