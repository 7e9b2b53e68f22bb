"""The diagnostics over the API, as on their pages, against the DNS lab on loopback: staff run the checks and attach
results and read the reverse zones; the NOC applies an AAAA result's workaround and keeps the event's domains."""
import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.diagnostics.models import DiagnosticResult, EventDomain, ReverseDnsService
from opsconsole.diagnostics.reverse import reverse_zone_files
from opsconsole.nodes.models import GatewayNode
from opsconsole.support.models import Attachment, Status
from opsconsole.timeline.models import TimelineEntry
from opsconsole.transition.models import Dns64Override, Dns64Role
from tests.diagnostics.conftest import dns_lab  # noqa: F401  (the loopback DNS tree)
from tests.transition.conftest import make_node

RESULTS = "/api/v1/diagnostic-results/"


@pytest.fixture
def lab(dns_lab, settings):  # noqa: F811
    dns_lab.settings(settings)
    return dns_lab


@pytest.fixture
def unbound_dns64(db):
    return Dns64Role.objects.create(node=make_node("dns64-1"), implementation="unbound", prefix="2001:db8:64::/96")


def test_the_helpdesk_checks_a_name_that_fails_behind_dns64(lab, helpdesk_api, unbound_dns64):
    response = helpdesk_api("post", f"{RESULTS}aaaa/", {"name": "www.NXDOMAIN.test."})

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["subject"], body["verdict"], body["ok"], body["run_by"], body["workaround"]) == (
        "aaaa", "www.nxdomain.test", "name-error", False, "bob-helpdesk", True)
    assert body["verdict_label"] == "broken (RFC 4074 4.2): name error for AAAA while A exists"
    assert [outcome["node"] for outcome in body["details"]["dns64"]] == ["dns64-1"]
    assert helpdesk_api.get(f"{RESULTS}?kind=aaaa&ok=false").json()["results"] == [body]


def test_a_name_that_is_not_one_is_refused_in_the_pages_words(helpdesk_api, db):
    response = helpdesk_api("post", f"{RESULTS}dns64/", {"name": "camp test"})

    assert response.status_code == 400
    assert response.json() == {"name": ["“camp test” is not a DNS name, e.g. www.example.com."]}
    assert not DiagnosticResult.objects.exists()


def test_the_noc_applies_the_workaround_once_audited(lab, noc_api, helpdesk_api, noc_user, unbound_dns64):
    result = helpdesk_api("post", f"{RESULTS}aaaa/", {"name": "www.servfail.test"}).json()
    url = f"{RESULTS}{result['id']}/override/"

    assert helpdesk_api("post", url, {"roles": [unbound_dns64.pk]}).status_code == 403
    response = noc_api("post", url, {"roles": [unbound_dns64.pk]}, REMOTE_ADDR="2001:db8::64")

    assert response.status_code == 201
    assert response.json() == [{"id": Dns64Override.objects.get().pk, "role": unbound_dns64.pk,
                                "name": "www.servfail.test", "aaaa": "", "a": "",
                                "reason": f"RFC 4074: error-code (diagnostic #{result['id']})"}]
    entry = AuditEntry.objects.get(object_type="transition.Dns64Override")
    assert (entry.actor_id, entry.via, entry.remote_addr) == (noc_user.pk, "api", "2001:db8::64")
    again = noc_api("post", url, {"roles": [unbound_dns64.pk]})
    assert again.status_code == 400
    assert again.json() == {"roles": [f'Invalid pk "{unbound_dns64.pk}" - object does not exist.']}


def test_a_result_without_a_workaround_has_none_to_apply(lab, noc_api, unbound_dns64):
    result = noc_api("post", f"{RESULTS}aaaa/", {"name": "dual.good.test"}).json()

    response = noc_api("post", f"{RESULTS}{result['id']}/override/", {"roles": [unbound_dns64.pk]})

    assert (result["verdict"], response.status_code) == ("fine", 409)
    assert response.json() == {"detail": "This result offers no workaround: only an AAAA check whose name's servers "
                                         "misbehave while it has A records does."}


def test_the_lame_server_of_an_event_domain_is_named(lab, helpdesk_api):
    camp = EventDomain.objects.create(name="camp.test")
    EventDomain.objects.create(name="good.test")

    one = helpdesk_api("post", f"{RESULTS}lame/", {"domain": camp.pk})
    every = helpdesk_api("post", f"{RESULTS}lame/", {})

    assert one.status_code == 201 and [(r["subject"], r["verdict"]) for r in one.json()] == [("camp.test", "lame")]
    checks = {check["nameserver"]: check for check in one.json()[0]["details"]["checks"]}
    assert checks["ns2.camp.test."]["lame"] and checks["ns2.camp.test."]["address"] == lab.lame_server
    assert [(r["subject"], r["verdict"]) for r in every.json()] == [("camp.test", "lame"), ("good.test", "delegated-well")]


def test_a_node_without_a_tunnel_is_answered_plainly(helpdesk_api, db):
    GatewayNode.objects.create(name="plain", agent_url="http://127.0.0.1:9")

    refused = helpdesk_api("post", f"{RESULTS}pmtu/", {"node": "plain", "destination": "camp.example"})
    response = helpdesk_api("post", f"{RESULTS}pmtu/", {"node": "plain", "destination": "192.0.2.1"})

    assert refused.json() == {"destination": ["Enter a valid IPv4 or IPv6 address."]}
    assert response.status_code == 201
    assert (response.json()["verdict"], response.json()["details"]["error"]) == (
        "could-not-check", "This node has no tunnel (SA46T, MAP or DS-Lite role) to probe through.")


def test_a_result_goes_to_an_open_report_and_to_the_timeline_once_each(helpdesk_api, world):
    result = DiagnosticResult.objects.create(kind="aaaa", subject="www.nxdomain.test", verdict="name-error", ok=False,
                                             details={}, actor_label="bob-helpdesk")
    url = f"{RESULTS}{result.pk}/attach/"
    report = world["participant_report"]

    to_report = helpdesk_api("post", url, {"report": report.pk})
    to_timeline = helpdesk_api("post", url, {})

    assert to_report.status_code == 201 and to_report.json()["report"] == report.pk
    assert to_timeline.status_code == 201 and to_timeline.json()["report"] is None
    attachment = Attachment.objects.get(report=report)
    assert attachment.title == "AAAA answers (RFC 4074): www.nxdomain.test"
    assert f"http://testserver/diagnostics/results/{result.pk}/" in attachment.text
    assert TimelineEntry.objects.get(subject="www.nxdomain.test").author == "bob-helpdesk"
    assert helpdesk_api("post", url, {"report": report.pk}).json() == {
        "detail": "This result is already attached there."}
    report.status = Status.ANSWERED
    report.save()
    assert helpdesk_api("post", url, {"report": report.pk}).json() == {
        "report": [f'Invalid pk "{report.pk}" - object does not exist.']}


def test_the_noc_keeps_the_event_domains_normalised(noc_api, helpdesk_api, db):
    made = noc_api("post", "/api/v1/event-domains/", {"name": "Camp.Test.", "note": "the camp's zone"})

    assert made.status_code == 201 and made.json()["name"] == "camp.test"
    assert noc_api("post", "/api/v1/event-domains/", {"name": "camp.test"}).json() == {
        "name": ["This domain is already listed."]}
    assert noc_api("post", "/api/v1/event-domains/", {"name": "a..b"}).json() == {
        "name": ["“a..b” is not a DNS name, e.g. camp.example.org."]}
    assert [row["name"] for row in helpdesk_api.get("/api/v1/event-domains/").json()["results"]] == ["camp.test"]


def test_staff_read_the_reverse_zones_as_the_node_renders_them(helpdesk_api, world):
    ReverseDnsService.objects.create(node=make_node("dns-rev"), forward_domain="camp.example",
                                     nameserver="ns.camp.example", hostmaster="noc.camp.example", listen="127.0.0.1")

    body = helpdesk_api.get("/api/v1/reverse-zones/").json()

    assert body["count"] == 1
    zones = body["results"][0]
    assert (zones["node"], zones["problem"]) == ("dns-rev", "")
    by_path = {file["path"]: file["content"] for file in zones["files"]}
    assert by_path == {file.path: file.content for file in reverse_zone_files()[0]["files"]}
    assert any("$GENERATE" in content and "v4-192-0-2-$.camp.example." in content for content in by_path.values())
