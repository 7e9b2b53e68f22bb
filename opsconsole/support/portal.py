"""A participant's own trouble reports in the portal: report one, read the helpdesk's answer."""
from django.shortcuts import get_object_or_404, redirect, render

from opsconsole.registration.models import Participant
from opsconsole.registration.portal import participant_required

from .forms import TroubleReportForm
from .models import TroubleReport
from .queue import file_report


@participant_required
def my_reports(request, participant: Participant):
    form = TroubleReportForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        report = file_report(form.instance)
        return redirect("support-portal:report", pk=report.pk)
    return render(request, "support/portal_list.html", {
        "form": form, "reports": participant.trouble_reports.select_related("device", "ssid"),
    }, status=400 if form.errors else 200)


@participant_required
def my_report(request, participant: Participant, pk: int):
    report = get_object_or_404(TroubleReport.objects.select_related("device", "ssid"), pk=pk, participant=participant)
    return render(request, "support/portal_report.html", {"report": report})
