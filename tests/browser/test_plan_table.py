"""A person signs in with Chromium and reads Table 1 of the WIDE camp plan, in English and in Japanese."""
import pytest
from django.core.management import call_command

from opsconsole.accounts.models import Role
from tests.conftest import PASSWORD, make_user

from .conftest import sign_in

pytestmark = pytest.mark.browser

WIDE_ESSIDS = ["widecamp", "widecamp-a", "widecamp-sat", "widecamp-nowep", "widecamp-iij", "widecamp-4rd"]


def test_helpdesk_signs_in_and_reads_the_plan_table(asgi_server, page):
    call_command("load_plan", "wide-camp-2011")
    make_user("helpdesk-browser", Role.HELPDESK)

    sign_in(page, asgi_server, "helpdesk-browser", PASSWORD)

    assert page.url == f"{asgi_server}/registration/"  # the helpdesk starts at the participant desk
    page.click("nav >> text=Plan")
    page.wait_for_load_state("networkidle")
    table = page.locator("table.plan")
    text = table.inner_text()
    for essid in WIDE_ESSIDS:
        assert essid in text
    nowep = table.locator("tr", has_text="widecamp-nowep").first
    assert "hidden" in nowep.inner_text() and "MAC" in nowep.inner_text()
    assert "2001:200:0:ff99::/96" in text  # the NAT64 prefix from the report's appendix
    assert page.locator("a", has_text="Add SSID").count() == 0  # read-only for the helpdesk

    page.click("button[name=language][value=ja]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "ネットワーク計画" in page.locator("h1").inner_text()


def test_participant_is_refused_the_plan(asgi_server, page):
    make_user("participant-browser", Role.PARTICIPANT)
    sign_in(page, asgi_server, "participant-browser", PASSWORD)
    response = page.goto(f"{asgi_server}/plan/")
    assert response.status == 403
