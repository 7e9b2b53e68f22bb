"""403, 404 and 500 in the console's layout, translated, with a way back; 403 logs one line; no technical 404 for participants."""
import io
import logging

import pytest
from django.test import RequestFactory, override_settings
from django.views.defaults import server_error

from opsconsole.accounts.error_pages import OneLineForbidden
from tests.registration.conftest import make_participant

pytestmark = pytest.mark.django_db

WAY_BACK = 'href="/">Back to the start page</a>'


@pytest.mark.parametrize("debug", [False, True])
def test_a_participant_opening_a_staff_page_gets_the_console_403_and_one_log_line(participant_client, debug):
    # The handler settings.LOGGING configured, writing to a buffer instead of stderr for this test.
    [console] = [h for h in logging.getLogger().handlers if any(isinstance(f, OneLineForbidden) for f in h.filters)]
    buffer = io.StringIO()
    stderr = console.setStream(buffer)
    try:
        with override_settings(DEBUG=debug):
            response = participant_client.get("/registration/")
    finally:
        console.setStream(stderr)

    assert response.status_code == 403
    page = response.content.decode()
    assert "Not allowed" in page and WAY_BACK in page and 'class="topbar"' in page
    logged = [line for line in buffer.getvalue().splitlines() if "django.request" in line or "Traceback" in line]
    assert len(logged) == 1 and "Forbidden (Permission denied): /registration/" in logged[0], buffer.getvalue()
    assert "Traceback" not in buffer.getvalue()


def test_the_403_page_speaks_japanese(participant_client):
    participant_client.cookies["django_language"] = "ja"
    page = participant_client.get("/registration/").content.decode()
    assert '<html lang="ja">' in page


def test_an_unknown_page_is_the_console_404(client):
    response = client.get("/nope/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode() and WAY_BACK in response.content.decode()


@override_settings(DEBUG=True)  # as under `make run`
@pytest.mark.parametrize("who", ["anonymous", "participant"])
def test_under_debug_a_participant_never_sees_the_technical_404(client, participant_user, who):
    urls = ["/nope/"]
    if who == "participant":
        make_participant(user=participant_user)
        client.force_login(participant_user)
        urls.append("/portal/devices/999999/")  # a view's own 404 (get_object_or_404), not only an unknown URL
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404
        page = response.content.decode()
        assert "Not found" in page and WAY_BACK in page
        assert "URLconf" not in page and "DEBUG = True" not in page


@override_settings(DEBUG=True)
def test_under_debug_staff_keep_the_technical_404(noc_client):
    assert "URLconf" in noc_client.get("/nope/").content.decode()


def test_the_500_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/plan/")
    with django_assert_num_queries(0):
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and "Something went wrong" in page and WAY_BACK in page
