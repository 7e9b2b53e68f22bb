"""The diagnostics pages (NOC and helpdesk): run a DNS check, read its stored result, apply the workaround, attach
the result to a trouble report or the timeline."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsconsole.accounts.access import noc_required, staff_required

from . import runs
from .reverse import reverse_zone_files
from .attaching import AlreadyAttached, attach_result
from .forms import AttachForm, EventDomainForm, NameForm, OverrideForm, PmtuForm
from .models import DiagnosticResult, EventDomain

PAGE_SIZE = 50


def _index(request: HttpRequest, status: int = 200, **forms) -> HttpResponse:
    page = Paginator(DiagnosticResult.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"aaaa_form": NameForm(prefix="aaaa"), "dns64_form": NameForm(prefix="dns64"), "page": page,
               "pmtu_form": PmtuForm(prefix="pmtu"), "pmtu_url": reverse("diagnostics:run_pmtu"),
               "lame_url": reverse("diagnostics:run_lame"), "dns64_url": reverse("diagnostics:run_dns64"),
               "domains": EventDomain.objects.all(), **forms}
    return render(request, "diagnostics/index.html", context, status=status)


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    return _index(request)


def _run_name_check(request: HttpRequest, prefix: str, run) -> HttpResponse:
    form = NameForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _index(request, 400, **{f"{prefix}_form": form})
    return redirect(run(form.cleaned_data["name"], request.user))


@staff_required
@require_POST
def run_aaaa(request: HttpRequest) -> HttpResponse:
    return _run_name_check(request, "aaaa", runs.run_aaaa_check)


@staff_required
@require_POST
def run_dns64(request: HttpRequest) -> HttpResponse:
    return _run_name_check(request, "dns64", runs.run_dns64_check)


@staff_required
@require_POST
def run_lame(request: HttpRequest) -> HttpResponse:
    """Checks every event domain, or the one posted."""
    chosen = EventDomain.objects.all()
    if request.POST.get("domain"):
        chosen = chosen.filter(pk=request.POST["domain"]) if request.POST["domain"].isdigit() else chosen.none()
    results = [runs.run_lame_check(domain, request.user) for domain in chosen]
    return redirect(results[0]) if len(results) == 1 else redirect("diagnostics:index")


def _result_page(request: HttpRequest, found: DiagnosticResult, status: int = 200, **forms) -> HttpResponse:
    override_form = None
    if found.kind == DiagnosticResult.Kind.AAAA and found.details.get("workaround") and request.user.is_noc:
        override_form = OverrideForm(name=found.subject)
    context = {"result": found, "override_form": override_form, "attach_form": AttachForm(),
               "attached": found.attached_to.all(), **forms}
    return render(request, "diagnostics/result.html", context, status=status)


@staff_required
@require_POST
def run_pmtu(request: HttpRequest) -> HttpResponse:
    form = PmtuForm(request.POST, prefix="pmtu")
    if not form.is_valid():
        return _index(request, 400, pmtu_form=form)
    return redirect(runs.run_pmtu_check(form.cleaned_data["node"], form.cleaned_data["destination"], request.user))


@staff_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    return _result_page(request, get_object_or_404(DiagnosticResult, pk=pk))


@noc_required
@require_POST
def add_override(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(DiagnosticResult, pk=pk, kind=DiagnosticResult.Kind.AAAA)
    form = OverrideForm(request.POST, name=found.subject)
    if not found.details.get("workaround") or not form.is_valid():
        return _result_page(request, found, 400, override_form=form)
    try:
        runs.add_overrides(found, list(form.cleaned_data["roles"]))
    except ValidationError as error:
        form.add_error(None, error)
        return _result_page(request, found, 400, override_form=form)
    return redirect(found)


@staff_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-click attach of a result to an open trouble report or to the timeline."""
    found = get_object_or_404(DiagnosticResult, pk=pk)
    form = AttachForm(request.POST)
    if not form.is_valid():
        return _result_page(request, found, 400, attach_form=form)
    try:
        attach_result(found, form.place(), request.user, request.build_absolute_uri(found.get_absolute_url()))
    except AlreadyAttached:
        form.add_error("target", _("This result is already attached there."))
        return _result_page(request, found, 409, attach_form=form)
    return redirect(found)


@staff_required
def domains(request: HttpRequest) -> HttpResponse:
    form = EventDomainForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_noc:
            raise PermissionDenied("Only the NOC edits the event's domains.")
        if form.is_valid():
            form.save()
            return redirect("diagnostics:domains")
    return render(request, "diagnostics/domains.html", {"form": form, "domains": EventDomain.objects.all()},
                  status=400 if form.errors else 200)


@noc_required
@require_POST
def domain_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(EventDomain, pk=pk).delete()
    return redirect("diagnostics:domains")


@staff_required
def reverse_zones(request: HttpRequest) -> HttpResponse:
    return render(request, "diagnostics/reverse.html", {"nodes": reverse_zone_files()})
