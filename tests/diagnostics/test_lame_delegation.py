"""The NOC lists the event's domains; a check asks every nameserver the parent lists and names the lame one."""
import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.diagnostics.models import DiagnosticResult, EventDomain


@pytest.fixture
def lab(dns_lab, settings):
    dns_lab.settings(settings)
    return dns_lab


def test_noc_adds_a_domain_normalised_and_audited(noc_client):
    response = noc_client.post("/diagnostics/domains/", {"name": "Camp.Test.", "note": "the camp's zone"})
    assert response.status_code == 302
    assert EventDomain.objects.get().name == "camp.test"
    assert AuditEntry.objects.filter(object_type="diagnostics.EventDomain", actor_label="alice-noc").exists()
    again = noc_client.post("/diagnostics/domains/", {"name": "camp.test"})
    assert again.status_code == 400 and "already listed" in again.content.decode()


@pytest.mark.parametrize("typed", ["camp test", "-bad-.test", "a..b"])
def test_a_malformed_domain_is_refused_plainly(noc_client, typed):
    response = noc_client.post("/diagnostics/domains/", {"name": typed})
    assert response.status_code == 400 and "is not a DNS name" in response.content.decode()
    assert not EventDomain.objects.exists()


def test_the_helpdesk_reads_the_domains_but_does_not_edit_them(helpdesk_client, noc_user):
    EventDomain.objects.create(name="camp.test")
    assert "camp.test" in helpdesk_client.get("/diagnostics/domains/").content.decode()
    assert helpdesk_client.post("/diagnostics/domains/", {"name": "x.test"}).status_code == 403
    domain = EventDomain.objects.get()
    assert helpdesk_client.post(f"/diagnostics/domains/{domain.pk}/delete/").status_code == 403
    assert EventDomain.objects.count() == 1


def test_the_lame_nameserver_is_named(lab, helpdesk_client):
    domain = EventDomain.objects.create(name="camp.test")
    response = helpdesk_client.post("/diagnostics/lame/", {"domain": domain.pk})
    result = DiagnosticResult.objects.get()
    assert (result.kind, result.subject, result.verdict, result.ok) == ("lame", "camp.test", "lame", False)
    checks = {check["nameserver"]: check for check in result.details["checks"]}
    assert not checks["ns.camp.test."]["lame"]
    assert checks["ns2.camp.test."]["lame"] and "REFUSED" in checks["ns2.camp.test."]["why"]
    assert checks["ns2.camp.test."]["address"] == lab.lame_server
    page = helpdesk_client.get(response["Location"]).content.decode()
    assert "ns2.camp.test." in page and "lame delegation" in page


def test_every_domain_is_checked_at_once(lab, helpdesk_client):
    for name in ("camp.test", "good.test", "www.good.test"):
        EventDomain.objects.create(name=name)
    assert helpdesk_client.post("/diagnostics/lame/").status_code == 302
    verdicts = dict(DiagnosticResult.objects.values_list("subject", "verdict"))
    assert verdicts == {"camp.test": "lame", "good.test": "delegated-well", "www.good.test": "not-delegated"}
    page = helpdesk_client.get("/diagnostics/").content.decode()
    assert "every listed server answers with authority" in page and "not delegated as a zone of its own" in page


def test_an_unreachable_parent_is_said_plainly(dns_lab, settings, helpdesk_client):
    settings.DIAGNOSTICS_ROOT_SERVERS, settings.DIAGNOSTICS_DNS_PORT = ["127.0.0.9"], dns_lab.port
    settings.DIAGNOSTICS_TIMEOUT = 0.5
    EventDomain.objects.create(name="camp.test")
    helpdesk_client.post("/diagnostics/lame/")
    result = DiagnosticResult.objects.get()
    assert result.verdict == "could-not-check" and "127.0.0.9: timeout" in result.details["error"]
