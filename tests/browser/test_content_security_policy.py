"""Every main page works in Chromium under the Content-Security-Policy: no violation, htmx and the WebSocket still work."""
import pytest
from django.core.management import call_command

from opsconsole.accounts.models import Role
from opsconsole.nodes.models import GatewayNode
from tests.conftest import PASSWORD, make_user
from tests.registration.conftest import make_participant

from .conftest import sign_in

pytestmark = pytest.mark.browser

# Injected by the browser itself, so the policy does not apply to it; records what the policy blocks.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.cspViolations") == [], url


def test_the_main_pages_work_under_the_policy(asgi_server, page):
    call_command("load_plan", "wide-camp-2011")
    noc = make_user("noc-csp", Role.NOC)
    make_participant(user=make_user("participant-csp", Role.PARTICIPANT))
    node = GatewayNode(name="nat64-csp", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    console_messages = []
    page.on("console", lambda message: console_messages.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    assert "script-src 'self'" in page.request.get(f"{asgi_server}/login/").headers["content-security-policy"]
    sign_in(page, asgi_server, "noc-csp", PASSWORD)
    for path in ("/plan/", "/registration/", "/audit/", "/lockouts/", "/admin/", f"/admin/accounts/user/{noc.pk}/change/",
                 "/support/", "/selftest/summary/", "/survey/", "/guides/windows-ipv4-off/edit/"):
        visit(page, f"{asgi_server}{path}")

    visit(page, f"{asgi_server}/nodes/")  # the live list: its WebSocket must be allowed to connect
    page.wait_for_function("() => document.querySelector('[ws-connect]')['htmx-internal-data']?.webSocket?.socket?.readyState === 1")

    visit(page, f"{asgi_server}/transition/map-calculator/?rule_ipv6=2001:3e8:6000::/56&rule_ipv4=130.129.255.92/30"
                "&ea_len=8&psid_offset=4")
    page.locator("input[name=ce_prefix]").press_sequentially("2001:3e8:6000:42::/64")  # htmx asks the server as one types
    page.wait_for_selector("#map-result >> text=130.129.255.93")
    assert page.evaluate("window.cspViolations") == []

    with page.expect_navigation():  # the sign-out's own redirect, before a navigation of ours could interrupt it
        page.click("header button:has-text('Sign out')")
    sign_in(page, asgi_server, "participant-csp", PASSWORD)
    for path in ("/portal/", "/portal/find-mac/", "/selftest/", "/guides/macos-dns64-by-hand/", "/portal/trouble/",
                 "/portal/survey/", "/nope/"):
        visit(page, f"{asgi_server}{path}")
    # The server runs with DEBUG on, as under `make run`: still the console's 404, never Django's technical page.
    assert "Not found" in page.locator("h1").inner_text() and "URLconf" not in page.content()
    assert not [text for text in console_messages if "Content Security Policy" in text], console_messages
