"""/metrics for Prometheus, to a bearer token the NOC issued or an address METRICS_ALLOWED_ADDRESSES names; and the
NOC's page of scrape tokens."""
import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from gateways.signing import SignatureError, bearer_token
from opsconsole.accounts.access import noc_required
from opsconsole.core.client_address import client_address
from opsconsole.nodes.credentials import hash_token

from .exposition import ConsoleCollector
from .forms import ScrapeTokenForm
from .models import ScrapeToken


def _allowed_address(request) -> bool:
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_ADDRESSES)


def _valid_token(request) -> bool:
    try:
        token = bearer_token(request.headers.get("Authorization"))
    except SignatureError:
        return False
    return ScrapeToken.objects.filter(token_hash=hash_token(token)).update(last_used_at=timezone.now()) == 1


@require_GET
def metrics(request):
    if not (_allowed_address(request) or _valid_token(request)):
        response = HttpResponse("a scrape token or an allowed address is needed\n", status=401,
                                content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ConsoleCollector(timezone.now()))
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


@noc_required
def tokens(request):
    form = ScrapeTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = form.instance.issue()
        form.save()
        form = ScrapeTokenForm()
    return render(request, "metrics/tokens.html", {"tokens": ScrapeToken.objects.all(), "form": form,
                                                   "issued": issued})


@noc_required
@require_POST
def delete_token(request, pk: int):
    get_object_or_404(ScrapeToken, pk=pk).delete()
    return redirect("metrics:tokens")
