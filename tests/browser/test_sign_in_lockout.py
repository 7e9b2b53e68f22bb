"""In Chromium against the real ASGI server: wrong passwords lead to the plain lockout page, in the console's layout."""
import pytest

from opsconsole.accounts.models import Role
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_five_wrong_passwords_show_the_lockout_page(asgi_server, page):
    make_user("helpdesk-lockout", Role.HELPDESK)
    for attempt in range(5):
        page.goto(f"{asgi_server}/login/")
        page.fill("input[name=username]", "helpdesk-lockout")
        page.fill("input[name=password]", "wrong" if attempt < 4 else PASSWORD + "!")
        page.click("button[type=submit].primary")
        page.wait_for_load_state("networkidle")

    assert page.locator("h1").inner_text() == "Sign-in paused"
    assert "Try again in 15 minutes" in page.locator("main").inner_text()
    page.goto(f"{asgi_server}/login/")
    page.fill("input[name=username]", "helpdesk-lockout")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Sign-in paused"  # even the right password waits
