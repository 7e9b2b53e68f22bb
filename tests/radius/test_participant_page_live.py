"""A reject FreeRADIUS writes into the database (not through Django) reaches the helpdesk's open participant page,
through the real relay command and the real ASGI stack with a session cookie; so does a session beat closes."""
import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connection

from opsconsole.asgi import application
from opsconsole.monitoring.live import topic_group
from opsconsole.radius.sessions import STALE_SESSION_CAUSE
from opsconsole.radius.tasks import close_silent_sessions

from ..nodes.test_node_page_live import open_page
from .test_accounting import account
from .test_mac_auth import ask, plan, radius, register  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


@pytest.fixture
def relay():
    """`manage.py relay_radius` on the test database and this test process's channel layer, once it has started."""
    env = dict(os.environ, DATABASE_URL=database_url(), RADIUS_RELAY_SECONDS="0.2",
               CHANNEL_PREFIX=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"])
    process = subprocess.Popen([sys.executable, "manage.py", "relay_radius"], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started, log = threading.Event(), []

    def read():
        for line in process.stderr:
            log.append(line)
            if "relaying answers after" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert started.wait(30), "".join(log)
        yield log
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=5)


@pytest.mark.asyncio
async def test_a_reject_and_a_session_reach_the_open_participant_page(radius, plan, relay, helpdesk_user):
    device = await sync_to_async(register)("00:00:5e:10:2a:01", plan["vlan"])
    page = await open_page(helpdesk_user, f"/ws/registration/participants/{device.participant_id}/")

    answer = await sync_to_async(ask)(radius, "00005E102A01", "camp-guest")

    assert answer.code == "Access-Reject"
    html = await page.receive_from(timeout=10)
    assert 'id="participant-radius" hx-swap-oob="true"' in html
    assert html.count("<code>00:00:5e:10:2a:01</code>") == 1  # the answer; no session yet
    assert "camp-guest" in html and "registered, but not for this SSID" in html

    await sync_to_async(account)(radius, "Start", "4A3B1001", "00-00-5E-10-2A-01")

    html = await page.receive_from(timeout=10)
    assert html.count("<code>00:00:5e:10:2a:01</code>") == 2  # the answer and the open session
    assert await page.receive_nothing(timeout=0.5)

    await sync_to_async(account)(radius, "Stop", "4A3B1001", "00-00-5E-10-2A-01", Acct_Terminate_Cause="Idle-Timeout")

    html = await page.receive_from(timeout=10)
    assert "Idle-Timeout" in html  # a session that changed, not only a new one, reaches the page
    await page.disconnect()
    assert any("relayed 1 answers" in line for line in relay)


@pytest.mark.asyncio
async def test_a_session_the_beat_task_closes_reaches_the_open_pages_without_the_relay(radius, plan, helpdesk_user,
                                                                                      settings):
    device = await sync_to_async(register)("00:00:5e:10:2c:01", plan["vlan"])
    silent_since = int(time.time()) - settings.RADIUS_STALE_SESSION_SECONDS - 60
    await sync_to_async(account)(radius, "Start", "4A3B1101", "00-00-5E-10-2C-01", Event_Timestamp=str(silent_since))
    page = await open_page(helpdesk_user, f"/ws/registration/participants/{device.participant_id}/")
    layer = get_channel_layer()
    dashboard = await layer.new_channel()
    await layer.group_add(topic_group("radius"), dashboard)

    assert await sync_to_async(lambda: close_silent_sessions.delay().get())() == 1

    html = await page.receive_from(timeout=10)
    assert 'id="participant-radius" hx-swap-oob="true"' in html and STALE_SESSION_CAUSE in html
    delta = (await asyncio.wait_for(layer.receive(dashboard), timeout=10))["delta"]
    assert (delta["topic"], delta["kind"], delta["data"]) == ("radius", "sessions-closed", {"count": 1})
    await layer.group_discard(topic_group("radius"), dashboard)
    await page.disconnect()


@pytest.mark.asyncio
async def test_participants_cannot_listen_to_a_participant_page(participant_user, plan):
    device = await sync_to_async(register)("00:00:5e:10:2b:01", plan["vlan"])
    communicator = WebsocketCommunicator(application, f"/ws/registration/participants/{device.participant_id}/",
                                         headers=[(b"origin", b"http://127.0.0.1")])
    communicator.scope["user"] = participant_user
    connected, _code = await communicator.connect()
    assert not connected
