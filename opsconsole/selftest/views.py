"""The self-test page (anyone, signed in or not), the tiny CORS resources it fetches, its results, the NOC's summary."""
import json

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from opsconsole.accounts.access import noc_required
from opsconsole.core.client_address import client_address
from opsconsole.registration.portal import portal_participant

from . import verdict as v
from .models import SelfTestResult
from .results import TOO_MANY_RESULTS, checked_probes, keep_result, too_many_results
from .wording import CONNECTIVITY, LARGE, PROBES, in_words

# Far more than one full-size packet in each direction's window: a path MTU black hole stalls it, not the small probe.
LARGE_BYTES = 64 * 1024
TIMEOUT_MS = 8000
RECENT = 50


def probe_urls() -> list[dict]:
    urls, small, large = settings.SELFTEST_URLS, reverse("selftest:probe"), reverse("selftest:probe-large")
    origin = {**urls, "large": urls["dual_stack"]}
    return [{"name": name, "label": PROBES[name], "url": f"{origin[name]}{large if name == 'large' else small}"
             if origin[name] else ""} for name in v.PROBES]


@never_cache
def run(request):
    participant = portal_participant(request)
    response = render(request, "selftest/run.html", {
        "probes": probe_urls(), "participant": participant, "timeout_ms": TIMEOUT_MS, "large_bytes": LARGE_BYTES,
        "earlier": participant.self_tests.all()[:5] if participant else [],
    })
    # The page's script may fetch from the test names, and from nowhere else but the console itself.
    origins = sorted({url for url in settings.SELFTEST_URLS.values() if url})
    if origins:
        response._csp_update = {"connect-src": origins}
    return response


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def probe(request):
    return _cors(JsonResponse({"ok": True}))


@require_GET
def probe_large(request):
    return _cors(HttpResponse(b"6" * LARGE_BYTES, content_type="text/plain"))


def parse_probes(body: bytes) -> dict[str, bool | None]:
    """The posted outcomes, or ValueError with a message for the person reading the answer."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ValueError(_("The results are not JSON.")) from None
    return checked_probes(data)


@require_POST
def submit(request):
    if too_many_results(client_address(request) or "unknown"):
        return HttpResponse(str(TOO_MANY_RESULTS), status=429, content_type="text/plain; charset=utf-8")
    try:
        probes = parse_probes(request.body)
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    result = keep_result(portal_participant(request), probes, request.headers.get("User-Agent", ""))
    return render(request, "selftest/_verdict.html", {"result": result, "words": in_words(result.verdict)})


@noc_required
def summary(request):
    results = SelfTestResult.objects.all()
    total = results.count()

    def shares(field: str, labels: dict) -> list[dict]:
        counts = dict(results.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
        return [{"key": key, "label": label, "count": counts.get(key, 0),
                 "percent": round(100 * counts.get(key, 0) / total) if total else 0} for key, label in labels.items()]

    return render(request, "selftest/summary.html", {
        "total": total, "signed_in": results.exclude(participant=None).count(),
        "connectivity": shares("connectivity", CONNECTIVITY), "large": shares("large_packets", LARGE),
        "recent": results.select_related("participant")[:RECENT],
    })
