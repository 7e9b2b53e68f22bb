"""The alerts page (NOC and helpdesk): open and recently cleared alerts; the NOC's rules and notification channels."""
from datetime import timedelta

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from opsconsole.accounts.access import noc_required, staff_required

from .forms import ChannelForm, RuleForm
from .models import Alert, AlertRule, NotificationChannel
from .pages import open_alerts_query

CLEARED_SHOWN = timedelta(hours=24)


@staff_required
def alerts(request):
    cleared = Alert.objects.filter(cleared_at__gte=timezone.now() - CLEARED_SHOWN).order_by("-cleared_at")[:100]
    return render(request, "alerts/alerts.html", {
        "open_alerts": open_alerts_query(), "cleared": cleared, "rules": AlertRule.objects.all(),
        "channels": NotificationChannel.objects.all() if request.user.is_noc else [],
    })


@noc_required
def rule(request, pk: int):
    found = get_object_or_404(AlertRule, pk=pk)
    form = RuleForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("alerts:list")
    return render(request, "alerts/rule.html", {"rule": found, "form": form}, status=400 if form.errors else 200)


@noc_required
def add_channel(request):
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("alerts:list")
    return render(request, "alerts/channel.html", {"form": form}, status=400 if form.errors else 200)


@noc_required
@require_POST
def delete_channel(request, pk: int):
    get_object_or_404(NotificationChannel, pk=pk).delete()
    return redirect("alerts:list")
