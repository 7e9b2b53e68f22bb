"""A stored result goes, with one click, to an open trouble report or to the timeline: once per place, audited,
with its summary and a link back; participants cannot do it."""
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.diagnostics.models import AttachedResult, DiagnosticResult
from opsconsole.support.models import Attachment, Status, TroubleReport
from opsconsole.timeline.models import TimelineEntry
from tests.registration.conftest import make_participant

LINK = re.compile(r'<a [^>]*href="http://testserver(/diagnostics/results/\d+/)"')


@pytest.fixture
def result(helpdesk_user):
    return DiagnosticResult.objects.create(kind="aaaa", subject="www.nxdomain.test", verdict="nxdomain", ok=False,
                                           details={"a": ["192.0.2.80"], "aaaa": []}, actor=helpdesk_user,
                                           actor_label="bob-helpdesk")


@pytest.fixture
def reports(participant_user, other_participant):
    """Two open reports an hour apart and an answered one."""
    carol = make_participant(user=participant_user)
    dave = make_participant("Dave Other", "dave@example.org", user=other_participant)
    now = timezone.now()
    older = TroubleReport.objects.create(participant=carol, what_happened="Mail stalls on the camp SSID",
                                         reported_at=now - timedelta(hours=1))
    newer = TroubleReport.objects.create(participant=dave, what_happened="www.nxdomain.test does not open",
                                         reported_at=now)
    answered = TroubleReport.objects.create(participant=carol, what_happened="Printer gone", status=Status.ANSWERED,
                                            reported_at=now - timedelta(minutes=5))
    return {"older": older, "newer": newer, "answered": answered}


def attach(client, result, target):
    return client.post(f"/diagnostics/results/{result.pk}/attach/", {"target": target})


def test_the_result_page_offers_the_timeline_and_the_open_reports_newest_first(helpdesk_client, result, reports):
    page = helpdesk_client.get(result.get_absolute_url()).content.decode()
    options = re.findall(r'<option value="([^"]*)"', page)
    assert options == ["timeline", str(reports["newer"].pk), str(reports["older"].pk)]
    assert "Dave Other" in page and "Mail stalls on the camp SSID" in page


def test_the_noc_attaches_to_a_report_with_csrf_and_the_helpdesk_reads_it_there(noc_user, helpdesk_user, result,
                                                                                 reports):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(noc_user)
    assert attach(browser, result, reports["newer"].pk).status_code == 403  # no CSRF token
    page = browser.get(result.get_absolute_url()).content.decode()
    token = re.search(r'action="/diagnostics/results/\d+/attach/"[^>]*>\s*<input type="hidden" '
                      r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(f"/diagnostics/results/{result.pk}/attach/",
                            {"target": reports["newer"].pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == result.get_absolute_url()

    kept = Attachment.objects.get()
    assert (kept.report, kept.source) == (reports["newer"], "diagnostics")
    assert kept.title == "AAAA answers (RFC 4074): www.nxdomain.test"
    assert AuditEntry.objects.filter(object_type="diagnostics.AttachedResult", action="create",
                                     actor_label="alice-noc").exists()
    assert AuditEntry.objects.filter(object_type="support.Attachment", actor_label="alice-noc").exists()
    assert f'href="/support/{reports["newer"].pk}/"' in browser.get(result.get_absolute_url()).content.decode()

    helpdesk = Client()
    helpdesk.force_login(helpdesk_user)
    report_page = helpdesk.get(f"/support/{reports['newer'].pk}/").content.decode()
    assert "AAAA answers (RFC 4074): www.nxdomain.test" in report_page
    assert "run by bob-helpdesk" in report_page.lower()
    assert LINK.search(report_page).group(1) == result.get_absolute_url()
    assert "Nothing attached." in helpdesk.get(f"/support/{reports['older'].pk}/").content.decode()


def test_the_same_result_goes_to_a_report_once(helpdesk_client, result, reports):
    assert attach(helpdesk_client, result, reports["older"].pk).status_code == 302
    again = attach(helpdesk_client, result, reports["older"].pk)
    assert again.status_code == 409 and "already attached there" in again.content.decode()
    assert attach(helpdesk_client, result, reports["newer"].pk).status_code == 302
    assert sorted(Attachment.objects.values_list("report_id", flat=True)) == sorted(
        [reports["older"].pk, reports["newer"].pk])


def test_the_helpdesk_attaches_to_the_timeline_once(helpdesk_client, result):
    assert attach(helpdesk_client, result, "timeline").status_code == 302
    assert attach(helpdesk_client, result, "timeline").status_code == 409
    entry = TimelineEntry.objects.get()
    assert (entry.subject, entry.author) == ("www.nxdomain.test", "bob-helpdesk")
    timeline = helpdesk_client.get("/timeline/").content.decode()
    assert LINK.search(timeline).group(1) == result.get_absolute_url()
    assert AuditEntry.objects.filter(object_type="diagnostics.AttachedResult", actor_label="bob-helpdesk").count() == 1


def test_an_answered_report_or_unknown_place_is_refused(helpdesk_client, result, reports):
    for target in (reports["answered"].pk, 999999, "everywhere", ""):
        assert attach(helpdesk_client, result, target).status_code == 400
    assert not AttachedResult.objects.exists() and not Attachment.objects.exists()


def test_participants_cannot_attach(participant_client, result, reports):
    assert attach(participant_client, result, reports["older"].pk).status_code == 403
    assert attach(participant_client, result, "timeline").status_code == 403
    assert not Attachment.objects.exists() and not TimelineEntry.objects.exists()
    assert not AttachedResult.objects.exists()


def test_an_unknown_result_is_not_found(helpdesk_client, reports):
    assert helpdesk_client.post("/diagnostics/results/999999/attach/", {"target": "timeline"}).status_code == 404
