"""The NOC dashboard, the public wall view, and the NOC's choice of uplinks."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsconsole.accounts.access import noc_required, staff_required
from opsconsole.monitoring.live import current_seq
from opsconsole.monitoring.models import Series
from opsconsole.monitoring.panels import panels

from .forms import UplinkForm, WallSettingForm
from .models import Uplink, WallSetting
from .rendering import render_panels


@staff_required
def dashboard(request):
    seq = current_seq()  # before rendering: a delta numbered after it reaches the page over the socket
    return render(request, "dashboard/dashboard.html", {
        "seq": seq, "panels_html": render_panels(panels()), "wall": WallSetting.load(),
    })


@require_POST
@noc_required
def wall_setting(request):
    form = WallSettingForm(request.POST, instance=WallSetting.load())
    if form.is_valid():
        form.save()
        messages.success(request, _("The public wall view is on.") if form.instance.public_wall
                         else _("The public wall view is off."))
    return redirect("dashboard:home")


def _public_panels_or_404():
    if not WallSetting.load().public_wall:
        raise Http404
    return render_panels(panels(public_only=True))


def wall(request):
    """Anyone may read it while the NOC has it on: public panels only, refreshed by polling (no socket)."""
    return render(request, "dashboard/wall.html", {"panels_html": _public_panels_or_404()})


def wall_panels(request):
    return render(request, "dashboard/_wall_panels.html", {"panels_html": _public_panels_or_404()})


def reported_interfaces() -> dict[str, list[str]]:
    """The interfaces each SNMP device's polls have seen, by device name."""
    found: dict[str, list[str]] = {}
    for device, key in (Series.objects.filter(device__isnull=False, key__startswith="if:", key__endswith=":up")
                        .order_by("device__name", "key").values_list("device__name", "key")):
        found.setdefault(device, []).append(key.removeprefix("if:").removesuffix(":up"))
    return found


@noc_required
def uplinks(request):
    form = UplinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(uplink)s is an uplink now.") % {"uplink": form.instance})
        return redirect("dashboard:uplinks")
    return render(request, "dashboard/uplinks.html", {
        "form": form, "uplinks": Uplink.objects.select_related("device"), "interfaces": reported_interfaces(),
    })


@require_POST
@noc_required
def uplink_remove(request, pk: int):
    uplink = get_object_or_404(Uplink, pk=pk)
    uplink.delete()
    messages.success(request, _("%(uplink)s is no longer an uplink.") % {"uplink": uplink})
    return redirect("dashboard:uplinks")
