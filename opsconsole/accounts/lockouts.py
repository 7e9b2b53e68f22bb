"""Sign-in throttling (django-axes): what a failure counts against, and the NOC's page to lift a lockout."""
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsconsole.audit.models import AuditEntry
from opsconsole.audit.trail import record

from .access import noc_required


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list[str]:
    """Failures count per account and per address; a portal code names no account, so it counts per address only."""
    if isinstance(request_or_attempt, HttpRequest):
        username = (credentials or {}).get("username") or request_or_attempt.POST.get("username")
    else:
        username = request_or_attempt.username
    return ["username", "ip_address"] if username else ["ip_address"]


def lockout_page(request, original_response=None, credentials=None):  # the signature django-axes calls
    """What a locked-out person sees, on every sign-in page: how long to wait and who can lift it."""
    minutes = max(1, round(get_cool_off().total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def locked_out(field: str) -> list[dict]:
    """User names or addresses at or over the failure limit within the cool-off time, newest first."""
    since = timezone.now() - get_cool_off()
    rows = (AccessAttempt.objects.filter(attempt_time__gte=since).exclude(**{f"{field}__isnull": True}).values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT).order_by("-last"))
    return [{"value": row[field], "failures": row["failures"], "last": row["last"]} for row in rows]


@noc_required
def lockouts(request):
    return render(request, "accounts/lockouts.html", {"sections": [
        (_("Accounts"), "username", locked_out("username")),
        (_("Addresses"), "ip_address", locked_out("ip_address"))]})


def unlock_sign_in(username: str | None, address: str | None) -> tuple[str, int]:
    """Forget the failed sign-ins of USERNAME or ADDRESS (or both at once), in the audit trail; returns what was
    unlocked and how many failure records went."""
    count = AxesProxyHandler.reset_attempts(username=username, ip_address=address)
    what = username or address
    record(AuditEntry.Action.ACTION, "axes.AccessAttempt", what, _("unlocked sign-in for %(what)s") % {"what": what},
           before={"failed_attempt_records": count}, after={"failed_attempt_records": 0})
    return what, count


@noc_required
@require_POST
def unlock(request):
    username, address = request.POST.get("username") or None, request.POST.get("ip_address") or None
    if username or address:
        what, _count = unlock_sign_in(username, address)
        messages.success(request, _("%(what)s may sign in again.") % {"what": what})
    return redirect("accounts:lockouts")
