"""The self-test through HTTP: the page for anyone, the CORS probes, posted results, the NOC's summary."""
import json

import pytest
from django.core.cache import cache

from opsconsole.selftest.models import SelfTestResult
from opsconsole.selftest.results import RESULTS_PER_HOUR
from opsconsole.selftest.views import LARGE_BYTES
from tests.registration.conftest import make_participant

URLS = {"ipv6": "http://v6.selftest.test:8001", "ipv4": "http://v4.selftest.test:8001",
        "dual_stack": "http://ds.selftest.test:8001", "dns64": "http://dns64.selftest.test:8001",
        "ipv4_literal": "http://192.0.2.80:8001"}
NAT64 = {"ipv6": True, "ipv4": True, "dual_stack": True, "dns64": True, "ipv4_literal": False, "large": True}


@pytest.fixture(autouse=True)
def no_earlier_results_counted():
    """The hourly limit is counted in the shared cache, which outlives a test and a test run."""
    for address in ("127.0.0.1", "192.0.2.7", "192.0.2.8"):
        cache.delete(f"selftest-results:{address}")


@pytest.fixture
def selftest_urls(settings):
    settings.SELFTEST_URLS = URLS
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "v6.selftest.test", "testserver"]


def post(client, data, **extra):
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post("/selftest/results/", body, content_type="application/json", **extra)


def test_anyone_gets_the_page_and_may_fetch_only_from_the_test_names(client, db, selftest_urls):
    response = client.get("/selftest/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    connect = next(part for part in policy.split(";") if "connect-src" in part)
    assert "'self'" in connect and all(url in connect for url in URLS.values())
    assert "script-src 'self'" in policy
    assert 'data-url="http://v6.selftest.test:8001/selftest/probe/"' in response.text
    assert 'data-url="http://ds.selftest.test:8001/selftest/probe/large/"' in response.text


def test_a_probe_not_set_up_is_shown_as_such(client, db, settings):
    settings.SELFTEST_URLS = {**URLS, "dns64": ""}
    response = client.get("/selftest/")
    assert '<tr data-probe="dns64" data-url="">' in response.text


def test_the_probes_answer_any_origin_and_are_never_cached(client, db, selftest_urls):
    small = client.get("/selftest/probe/", HTTP_HOST="v6.selftest.test:8001", HTTP_ORIGIN="http://127.0.0.1:8000")
    assert small.status_code == 200 and small.json() == {"ok": True}
    assert small["Access-Control-Allow-Origin"] == "*" and small["Cache-Control"] == "no-store"
    large = client.get("/selftest/probe/large/")
    assert len(large.content) == LARGE_BYTES and large["Access-Control-Allow-Origin"] == "*"
    assert client.post("/selftest/probe/").status_code == 405


def test_an_anonymous_result_is_kept_without_a_name_and_explained(client, db):
    response = post(client, NAT64, HTTP_USER_AGENT="Mozilla/5.0 test")
    assert response.status_code == 200
    result = SelfTestResult.objects.get()
    assert result.participant is None and result.connectivity == "ipv6-with-nat64" and result.browser == "Mozilla/5.0 test"
    assert "You have IPv6 only" in response.text and "turn IPv4 off" in response.text


def test_the_verdict_comes_in_japanese(client, db):
    client.cookies["django_language"] = "ja"
    response = post(client, NAT64, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200 and 'data-connectivity="ipv6-with-nat64"' in response.text


def test_a_signed_in_participants_result_is_theirs(participant_client, participant_user):
    participant = make_participant(user=participant_user)
    post(participant_client, {**NAT64, "large": False})
    result = SelfTestResult.objects.get()
    assert result.participant == participant and result.large_packets == "blocked"
    assert "Your earlier results" in participant_client.get("/selftest/").text


@pytest.mark.parametrize("body, message", [
    ("not json", "not JSON"),
    ("[]", "Send an object"),
    ("{}", "Send an object"),
    ('{"ipv6": "yes"}', "must be true, false or null"),
    ('{"ipv9": true}', "is not a probe"),
])
def test_bad_results_get_a_plain_answer(client, db, body, message):
    response = post(client, body)
    assert response.status_code == 400 and message in response.text
    assert response["Content-Type"].startswith("text/plain")
    assert not SelfTestResult.objects.exists()


def test_the_noc_sees_the_summary_as_bars(noc_client):
    SelfTestResult.objects.create(probes=NAT64, connectivity="ipv6-with-nat64", ipv4="nat64", large_packets="ok")
    SelfTestResult.objects.create(probes={}, connectivity="no-connection", ipv4="none", large_packets="unknown")
    response = noc_client.get("/selftest/summary/")
    assert response.status_code == 200
    assert '<rect width="100" height="14" class="bar"/>' in response.text  # 1 of 2: half of the 200-pixel bar
    assert "2 results, 0 from signed-in participants" in response.text


@pytest.mark.parametrize("who", ["helpdesk_client", "participant_client"])
def test_only_the_noc_sees_the_summary(request, who):
    assert request.getfixturevalue(who).get("/selftest/summary/").status_code == 403


def test_anonymous_is_sent_to_sign_in_for_the_summary(client, db):
    assert client.get("/selftest/summary/")["Location"].startswith("/login/")


def test_one_address_cannot_drown_the_summary(client, db):
    for _ in range(RESULTS_PER_HOUR):
        assert post(client, NAT64, REMOTE_ADDR="192.0.2.7").status_code == 200
    refused = post(client, NAT64, REMOTE_ADDR="192.0.2.7")
    assert refused.status_code == 429 and "Too many self-test results" in refused.text
    assert post(client, NAT64, REMOTE_ADDR="192.0.2.8").status_code == 200
    assert SelfTestResult.objects.count() == RESULTS_PER_HOUR + 1
