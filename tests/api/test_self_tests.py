"""Self-test results over the API, as the self-test page keeps them: the verdict in words, a participant's result
theirs, the page's messages for bad outcomes, and its hourly limit per address."""
from django.core.cache import cache

from opsconsole.selftest.models import SelfTestResult
from opsconsole.selftest.results import RESULTS_PER_HOUR

URL = "/api/v1/self-test-results/"
NAT64 = {"ipv6": True, "ipv4": True, "dual_stack": True, "dns64": True, "ipv4_literal": False, "large": None}


def test_a_participants_result_is_theirs_with_the_verdict_in_words(participant_api, noc_api, participant, other):
    SelfTestResult.objects.create(participant=other, probes={}, connectivity="no-connection", ipv4="none",
                                  large_packets="unknown")

    response = participant_api("post", URL, {"probes": NAT64}, HTTP_USER_AGENT="curl/8")

    assert response.status_code == 201
    body = response.json()
    assert (body["participant"], body["connectivity"], body["ipv4"], body["large_packets"], body["browser"]) == (
        participant.pk, "ipv6-with-nat64", "nat64", "unknown", "curl/8")
    assert body["words"]["connectivity"].startswith("You have IPv6 only.")
    assert body["words"]["large_packets"] == "Whether large packets get through could not be tested."
    assert [row["id"] for row in participant_api.get(URL).json()["results"]] == [body["id"]]
    assert noc_api.get(f"{URL}?connectivity=no-connection").json()["count"] == 1


def test_bad_outcomes_get_the_pages_messages(participant_api, participant):
    for probes, refusal in (({}, ["Send an object of probe names to true, false or null."]),
                            ({"ipv9": True}, ["“ipv9” is not a probe of this test."]),
                            ({"ipv6": "maybe"}, {"ipv6": ["Must be a valid boolean."]})):
        response = participant_api("post", URL, {"probes": probes})
        assert response.status_code == 400 and response.json() == {"probes": refusal}
    assert not SelfTestResult.objects.exists()


def test_one_address_cannot_drown_the_summary(noc_api, db):
    cache.delete("selftest-results:192.0.2.70")  # counted in the shared cache, which outlives a test run
    for _ in range(RESULTS_PER_HOUR):
        assert noc_api("post", URL, {"probes": NAT64}, REMOTE_ADDR="192.0.2.70").status_code == 201
    refused = noc_api("post", URL, {"probes": NAT64}, REMOTE_ADDR="192.0.2.70")

    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many self-test results from this address in the last hour; try again "
                                        "later."}
    assert SelfTestResult.objects.filter(participant=None).count() == RESULTS_PER_HOUR
