"""An SNMP device stops answering while the NOC's dashboard is open in Chromium: the real `manage.py send_alerts`
raises the alert and it appears in the open-alerts panel; the device answers again, the next run clears it and it
leaves the panel. All over the dashboard's socket, in the same document (no reload)."""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from opsconsole.accounts.models import Role
from opsconsole.alerts.models import Alert, Kind
from opsconsole.monitoring import store
from opsconsole.monitoring.poller import Outcome
from tests.alerts.conftest import only_rule
from tests.alerts.test_evaluator import poll, switch
from tests.conftest import PASSWORD, make_user

from .conftest import REPOSITORY, database_url_of_this_test, sign_in

pytestmark = pytest.mark.browser


def off_the_browser_thread(function, *args) -> None:
    """Call FUNCTION in another thread: its broadcast runs async_to_sync, which Playwright's event loop in this thread
    forbids (as in the poller, whose thread has no loop)."""
    def call():
        try:
            function(*args)
        finally:
            connection.close()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(call).result()


def send_alerts_once() -> None:
    """One cycle of the real evaluator process against the test database, broadcasting on this test's prefix."""
    env = dict(os.environ, DATABASE_URL=database_url_of_this_test(),
               CHANNEL_PREFIX=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"])
    done = subprocess.run([sys.executable, "manage.py", "send_alerts", "--cycles", "1", "--interval", "0"],
                          cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_an_snmp_device_down_is_raised_and_cleared_on_the_open_dashboard(asgi_server, page):
    only_rule(Kind.SNMP_DOWN)
    make_user("noc-wall", Role.NOC)
    device, previous = switch("core-sw1"), {}

    sign_in(page, asgi_server, "noc-wall", PASSWORD)
    assert page.url == f"{asgi_server}/dashboard/"
    page.wait_for_selector('#dashboard[data-connected="true"]')
    assert page.get_attribute("#open-alerts [data-open-alerts]", "data-open-alerts") == "0"
    assert page.locator("#open-alerts tr[data-alert]").count() == 0
    page.evaluate("() => { document.getElementById('dashboard').dataset.marker = 'loaded once'; }")

    off_the_browser_thread(store.record_cycle, [Outcome(device.pk, None, "timeout")], previous, timezone.now())
    send_alerts_once()
    alert = Alert.objects.get(kind=Kind.SNMP_DOWN, subject="core-sw1", cleared_at=None)
    row = f'#open-alerts tr[data-alert="{alert.pk}"][data-kind="snmp-down"]'
    page.wait_for_selector(row, timeout=30_000)
    assert "core-sw1" in page.inner_text(row)
    assert page.get_attribute("#open-alerts [data-open-alerts]", "data-open-alerts") == "1"

    off_the_browser_thread(poll, device, previous, timezone.now(), 0, 0)  # it answers again
    send_alerts_once()
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    page.wait_for_selector(row, state="detached", timeout=30_000)
    assert page.get_attribute("#open-alerts [data-open-alerts]", "data-open-alerts") == "0"
    assert "core-sw1" not in page.inner_text("#open-alerts")
    assert page.get_attribute("#dashboard", "data-marker") == "loaded once"  # the same document: never reloaded
