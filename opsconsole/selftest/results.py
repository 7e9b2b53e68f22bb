"""Keeping a self-test's result, from the page or the API: the outcomes checked, the verdict stored, and a limit per
address on how many anyone may post."""
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import verdict as v
from .models import SelfTestResult

# Anyone may post results: enough for a participant trying every network and device, too few to drown the summary.
RESULTS_PER_HOUR = 30
TOO_MANY_RESULTS = gettext_lazy("Too many self-test results from this address in the last hour; try again later.")


def checked_probes(data) -> dict[str, bool | None]:
    """DATA if it is an object of this test's probe names to outcomes, else ValueError with a message."""
    if not isinstance(data, dict) or not data:
        raise ValueError(_("Send an object of probe names to true, false or null."))
    for name, outcome in data.items():
        if name not in v.PROBES:
            raise ValueError(_("“%(name)s” is not a probe of this test.") % {"name": name[:40]})
        if outcome not in (True, False, None):
            raise ValueError(_("The outcome of %(name)s must be true, false or null.") % {"name": name})
    return data


def too_many_results(address: str) -> bool:
    key = f"selftest-results:{address}"
    cache.add(key, 0, timeout=3600)
    return cache.incr(key) > RESULTS_PER_HOUR


def keep_result(participant, probes: dict[str, bool | None], browser: str) -> SelfTestResult:
    verdict = v.judge(probes)
    return SelfTestResult.objects.create(
        participant=participant, probes=probes, connectivity=verdict.connectivity, ipv4=verdict.ipv4,
        large_packets=verdict.large_packets, browser=browser[:200])
