"""The diagnostics pages belong to the NOC and the helpdesk: in their navigation, closed to participants."""
import pytest

from opsconsole.diagnostics.models import DiagnosticResult

PAGES = ["/diagnostics/", "/diagnostics/domains/", "/diagnostics/reverse/"]


@pytest.mark.parametrize("path", PAGES)
def test_staff_open_every_page(noc_client, path):
    assert noc_client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_participants_are_refused(participant_client, path):
    assert participant_client.get(path).status_code == 403


def test_the_navigation_leads_the_helpdesk_there(helpdesk_client):
    assert 'href="/diagnostics/"' in helpdesk_client.get("/registration/").content.decode()


def test_the_navigation_does_not_lead_participants_there(participant_client):
    page = participant_client.get("/", follow=True).content.decode()
    assert "<nav>" in page and 'href="/diagnostics/"' not in page


def test_a_stored_result_is_closed_to_participants(participant_client, helpdesk_user):
    result = DiagnosticResult.objects.create(kind="aaaa", subject="x.test", verdict="fine", ok=True,
                                             actor=helpdesk_user, actor_label="bob-helpdesk")
    assert participant_client.get(result.get_absolute_url()).status_code == 403
    assert participant_client.post("/diagnostics/lame/").status_code == 403


def test_pages_read_in_japanese(helpdesk_client):
    response = helpdesk_client.get("/diagnostics/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200 and 'lang="ja"' in response.content.decode()
