"""The API's browsable reference (Swagger UI, vendored by drf-spectacular-sidecar) works under the strict
Content-Security-Policy: it loads the live schema and lists the operations, with no violation."""
import pytest

from .test_content_security_policy import RECORD_VIOLATIONS

pytestmark = pytest.mark.browser


def test_the_api_reference_renders_the_schema_under_the_policy(asgi_server, page):
    console_messages = []
    page.on("console", lambda message: console_messages.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto(f"{asgi_server}/api/docs/", timeout=60_000)  # Swagger UI is a large bundle for a loaded machine
    page.wait_for_selector("text=/api/v1/alert-rules/", timeout=60_000)
    # Swagger UI renders the tags further down as they scroll into view.
    for _ in range(40):
        if page.locator("text=/api/v1/wifi-passwords/").count():
            break
        page.mouse.wheel(0, 2000)
        page.wait_for_timeout(250)
    page.wait_for_selector("text=/api/v1/wifi-passwords/", timeout=30_000)

    assert "Transition-network operations console API" in page.locator(".title").inner_text()
    assert page.evaluate("window.cspViolations") == []
    assert not [text for text in console_messages if "Content Security Policy" in text], console_messages
