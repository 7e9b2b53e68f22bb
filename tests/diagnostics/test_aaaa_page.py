"""The helpdesk checks a name that fails behind DNS64; the NOC applies the report's workaround to the DNS64 node."""
import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.diagnostics.models import DiagnosticResult
from opsconsole.diagnostics.runs import attachment
from opsconsole.nodes.intents import build_intent
from opsconsole.transition.models import Dns64Override, Dns64Role
from tests.transition.conftest import make_node, render_and_check

PREFIX = "2001:db8:64::/96"


@pytest.fixture
def lab(dns_lab, settings):
    dns_lab.settings(settings)
    return dns_lab


@pytest.fixture
def unbound_dns64(db):
    return Dns64Role.objects.create(node=make_node("dns64-1"), implementation="unbound", prefix=PREFIX)


def run(client, name: str):
    return client.post("/diagnostics/aaaa/", {"aaaa-name": name})


def test_helpdesk_sees_a_name_error_for_aaaa_and_what_dns64_makes_of_it(lab, helpdesk_client, unbound_dns64):
    response = run(helpdesk_client, "www.nxdomain.test")
    result = DiagnosticResult.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/diagnostics/results/{result.pk}/"
    assert (result.kind, result.subject, result.verdict, result.ok) == ("aaaa", "www.nxdomain.test", "name-error", False)
    assert result.actor_label == "bob-helpdesk"
    page = helpdesk_client.get(response["Location"]).content.decode()
    assert "name error for AAAA while A exists" in page
    assert "NXDOMAIN" in page and "dns64-1" in page
    assert "Synthesise this name" not in page  # the helpdesk sees the workaround, only the NOC applies it
    listing = helpdesk_client.get("/diagnostics/").content.decode()
    assert "www.nxdomain.test" in listing and f"/diagnostics/results/{result.pk}/" in listing


def test_a_name_with_a_records_only_shows_the_synthesised_address(lab, helpdesk_client, unbound_dns64):
    response = run(helpdesk_client, "v4only.good.test.")
    page = helpdesk_client.get(response["Location"]).content.decode()
    assert "2001:db8:64::c000:250" in page
    assert DiagnosticResult.objects.get().ok


# The override's request commits, as in production, so its on-commit rebuild runs (eagerly, in this process).
@pytest.mark.django_db(transaction=True)
def test_noc_pushes_the_override_to_the_dns64_node(lab, noc_client, unbound_dns64, monkeypatch):
    pushed = []
    monkeypatch.setattr("opsconsole.nodes.tasks.push_node_revision.delay", lambda node_id, **_: pushed.append(node_id))
    result_url = run(noc_client, "www.servfail.test")["Location"]
    page = noc_client.get(result_url).content.decode()
    assert "Synthesise this name on these nodes" in page
    response = noc_client.post(f"{result_url}override/", {"roles": [unbound_dns64.pk]})
    assert response.status_code == 302
    override = Dns64Override.objects.get()
    assert (override.role, override.name) == (unbound_dns64, "www.servfail.test")
    assert AuditEntry.objects.filter(object_type="transition.Dns64Override", actor_label="alice-noc").exists()
    node = unbound_dns64.node
    node.refresh_from_db()
    assert node.desired_revision.intent["roles"]["dns64"]["ignore_aaaa"] == ["www.servfail.test"]
    assert node.pk in pushed
    files, checks = render_and_check(build_intent(node))
    assert 'dns64-ignore-aaaa: "www.servfail.test"' in files[0].content
    assert all(check.ok for check in checks), checks
    # Offered no more once the node has it.
    assert "dns64-1" not in noc_client.get(result_url).content.decode().split("Workaround")[1]


def test_the_helpdesk_cannot_apply_the_override(lab, helpdesk_client, unbound_dns64):
    result_url = run(helpdesk_client, "www.servfail.test")["Location"]
    assert helpdesk_client.post(f"{result_url}override/", {"roles": [unbound_dns64.pk]}).status_code == 403
    assert not Dns64Override.objects.exists()


def test_a_bind_dns64_node_gets_fixed_answers_checked_by_bind(lab, noc_client):
    bind = Dns64Role.objects.create(node=make_node("dns64-bind"), implementation="bind", prefix=PREFIX)
    result_url = run(noc_client, "www.servfail.test")["Location"]
    assert noc_client.post(f"{result_url}override/", {"roles": [bind.pk]}).status_code == 302
    override = Dns64Override.objects.get()
    assert (override.aaaa, override.a) == ("2001:db8:64::c000:250", "192.0.2.80")
    files, checks = render_and_check(build_intent(bind.node))
    zone = next(f.content for f in files if f.path == "bind/opsconsole-overrides.zone")
    assert "www.servfail.test IN AAAA 2001:db8:64::c000:250\n" in zone
    assert all(check.ok for check in checks), checks


def test_an_a_record_that_cannot_go_under_the_prefix_is_refused_plainly(lab, noc_client):
    wkp = Dns64Role.objects.create(node=make_node("dns64-wkp"), implementation="bind", prefix="64:ff9b::/96")
    result_url = run(noc_client, "www.servfail.test")["Location"]  # its A record is 192.0.2.80, not global
    response = noc_client.post(f"{result_url}override/", {"roles": [wkp.pk]})
    assert response.status_code == 400 and "must not carry the non-global" in response.content.decode()
    assert not Dns64Override.objects.exists()


def test_a_malformed_name_is_refused_plainly_and_nothing_is_stored(lab, helpdesk_client):
    response = run(helpdesk_client, "www example com")
    assert response.status_code == 400
    assert "is not a DNS name" in response.content.decode()
    assert not DiagnosticResult.objects.exists()


def test_unreachable_servers_give_a_plain_stored_answer(dns_lab, settings, helpdesk_client):
    settings.DIAGNOSTICS_ROOT_SERVERS, settings.DIAGNOSTICS_DNS_PORT = ["127.0.0.9"], dns_lab.port
    settings.DIAGNOSTICS_TIMEOUT = 0.5
    page = helpdesk_client.get(run(helpdesk_client, "www.good.test")["Location"]).content.decode()
    result = DiagnosticResult.objects.get()
    assert result.verdict == "could-not-check" and not result.ok
    assert "could not check" in page and "No server for . answered" in page


def test_participants_may_not_run_checks(lab, participant_client):
    assert run(participant_client, "www.good.test").status_code == 403
    assert participant_client.get("/diagnostics/").status_code == 403


def test_a_result_is_attachable_as_a_summary(lab, helpdesk_client):
    run(helpdesk_client, "dual.good.test")
    result = DiagnosticResult.objects.get()
    summary = attachment(result)
    assert summary["url"] == f"/diagnostics/results/{result.pk}/"
    assert (summary["kind"], summary["subject"], summary["verdict"], summary["by"]) == (
        "aaaa", "dual.good.test", "fine", "bob-helpdesk")
