"""A registration made over HTTP (the helpdesk's form, in a second browser) appears on a NOC dashboard open in
Chromium, over the dashboard's socket, without a reload; its charts are drawn by uPlot."""
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.accounts.models import Role
from opsconsole.registration.models import Participant
from tests.conftest import PASSWORD, make_user

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_registration_appears_on_the_open_dashboard(asgi_server, chromium, page):
    make_user("noc-wall", Role.NOC)
    make_user("helpdesk-desk", Role.HELPDESK)
    participant = Participant.objects.create(name="Frank Live", active_until=timezone.now() + timedelta(days=2))

    sign_in(page, asgi_server, "noc-wall", PASSWORD)
    assert page.url == f"{asgi_server}/dashboard/"  # the NOC lands on it
    page.wait_for_selector('#dashboard[data-connected="true"]')
    page.wait_for_selector("#panel-recent .chart .uplot")  # the rejects chart, drawn by uPlot
    seq_before = int(page.get_attribute("#dashboard", "data-seq"))
    marker = page.evaluate("() => { const board = document.getElementById('dashboard'); board.dataset.marker = 'x';"
                           " return board.dataset.marker; }")

    desk = chromium.new_context().new_page()
    try:
        sign_in(desk, asgi_server, "helpdesk-desk", PASSWORD)
        desk.goto(f"{asgi_server}/registration/participants/{participant.pk}/")
        desk.fill("input[name=mac]", "00-1B-63-00-00-99")
        desk.click("form.stack button[type=submit]")
        desk.wait_for_load_state("networkidle")
    finally:
        desk.context.close()

    page.wait_for_selector("#panel-recent code:text('00:1b:63:00:00:99')")
    assert "Frank Live" in page.inner_text("#panel-recent")
    assert page.get_attribute("#dashboard", "data-marker") == marker  # the same document: no reload
    assert int(page.get_attribute("#dashboard", "data-seq")) > seq_before
    page.wait_for_selector("#panel-recent .chart .uplot")  # the swapped-in panel's chart is drawn again
