"""Plan pages: Table 1 for NOC and helpdesk, NOC-only editing, YAML export and import."""
from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from opsconsole.accounts.access import noc_required, staff_required
from opsconsole.registration.ipv6_mostly import ipv6_mostly_adoption, pref64_for_router

from .choices import Family
from .forms import PrefixForm, SsidForm, VlanForm
from .models import Prefix, Ssid, Vlan
from .yamlio import PlanErrors, check_plan, dropped_vlan_consequences, export_plan, import_plan


def _table_rows() -> list[dict]:
    """One entry per SSID (and one per VLAN without SSIDs), each with its VLAN's IPv6 and IPv4 rows and prefixes."""
    rows = []
    for vlan in Vlan.objects.prefetch_related("families", "ssids", "prefixes__vlan"):
        by_family = {row.family: row for row in vlan.families.all()}
        prefixes = sorted(vlan.prefixes.all(), key=lambda prefix: prefix.sort_key)
        families = [
            {
                "label": Family.label(family),
                "row": by_family.get(family),
                "prefixes": [p for p in prefixes if p.family == family],
            }
            for family in (Family.IPV6, Family.IPV4)
        ]
        for ssid in sorted(vlan.ssids.all(), key=lambda ssid: ssid.essid) or [None]:
            rows.append({"ssid": ssid, "vlan": vlan, "families": families})
    return rows


@staff_required
def table(request: HttpRequest) -> HttpResponse:
    ipv6_mostly = [{"adoption": adoption, "pref64": pref64_for_router(adoption.vlan)} for adoption in ipv6_mostly_adoption()]
    return render(request, "plan/table.html", {"rows": _table_rows(), "ipv6_mostly": ipv6_mostly})


def _edit(request: HttpRequest, form: VlanForm | SsidForm | PrefixForm, kind: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Saved %(kind)s %(name)s.") % {"kind": kind, "name": saved})
        return redirect("plan:table")
    return render(request, "plan/edit.html", {"form": form, "kind": kind})


def _delete(request: HttpRequest, row: models.Model, kind: str, consequence: str = "") -> HttpResponse:
    if request.method == "POST":
        try:
            row.delete()
        except models.ProtectedError as error:
            users = ", ".join(sorted(str(obj) for obj in error.protected_objects))
            messages.error(
                request,
                _("%(kind)s %(name)s is still in use by %(users)s; move or delete those first.")
                % {"kind": kind, "name": row, "users": users},
            )
            return redirect("plan:table")
        messages.success(request, _("Deleted %(kind)s %(name)s.") % {"kind": kind, "name": row})
        return redirect("plan:table")
    return render(request, "plan/delete.html", {"row": row, "kind": kind, "consequence": consequence})


@noc_required
def vlan_edit(request: HttpRequest, vid: int | None = None) -> HttpResponse:
    vlan = get_object_or_404(Vlan, vid=vid) if vid is not None else None
    return _edit(request, VlanForm(request.POST or None, instance=vlan), _("VLAN"))


@noc_required
def vlan_delete(request: HttpRequest, vid: int) -> HttpResponse:
    vlan = get_object_or_404(Vlan, vid=vid)
    return _delete(request, vlan, _("VLAN"), vlan.registrations_lost())


@noc_required
def ssid_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    ssid = get_object_or_404(Ssid, pk=pk) if pk is not None else None
    return _edit(request, SsidForm(request.POST or None, instance=ssid), _("SSID"))


@noc_required
def ssid_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, get_object_or_404(Ssid, pk=pk), _("SSID"))


@noc_required
def prefix_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    prefix = get_object_or_404(Prefix, pk=pk) if pk is not None else None
    return _edit(request, PrefixForm(request.POST or None, instance=prefix), _("prefix"))


@noc_required
def prefix_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, get_object_or_404(Prefix, pk=pk), _("prefix"))


@staff_required
def export_yaml(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(export_plan(), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="network-plan.yaml"'
    return response


def _posted_text(request: HttpRequest) -> str:
    upload = request.FILES.get("file")
    if upload is None:
        return request.POST.get("text", "")
    try:
        return upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise PlanErrors([_("file: %(name)s is not UTF-8 text") % {"name": upload.name}]) from None


@noc_required
def import_yaml(request: HttpRequest) -> HttpResponse:
    context: dict = {"text": ""}
    if request.method == "POST":
        try:
            text = context["text"] = _posted_text(request)
            if request.POST.get("action") == "check":
                context["consequences"] = dropped_vlan_consequences(check_plan(text))
                context["checked"] = True
            else:
                summary = import_plan(text)
                messages.success(request, _("Imported the plan. %(summary)s.") % {"summary": summary})
                return redirect("plan:table")
        except PlanErrors as errors:
            context["errors"] = errors.errors
            return render(request, "plan/import.html", context, status=400)
    return render(request, "plan/import.html", context)
