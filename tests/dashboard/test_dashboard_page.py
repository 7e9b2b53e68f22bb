"""The NOC's landing page: who may open it, every registered panel in order, and deltas in the reader's language."""
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from opsconsole.asgi import application
from opsconsole.monitoring import live
from opsconsole.monitoring.panels import panels

from .conftest import ORIGIN, next_update


@pytest.mark.django_db
def test_noc_lands_on_the_dashboard_at_the_root(noc_client):
    assert noc_client.get("/")["Location"] == "/dashboard/"


@pytest.mark.django_db
def test_the_page_renders_every_registered_panel_in_order(noc_client):
    page = noc_client.get("/dashboard/").content.decode()
    positions = [page.index(f'<section id="{panel.name}" class="panel">') for panel in panels()]
    assert positions == sorted(positions) and len(positions) >= 4
    assert f'data-seq="{live.current_seq()}"' in page and 'data-live="/ws/dashboard/"' in page
    assert "uPlot-1.6.32.iife.min.js" in page and "hx-swap-oob" not in page


@pytest.mark.django_db
def test_helpdesk_may_open_it_and_participants_may_not(client, helpdesk_user, participant_user):
    client.force_login(helpdesk_user)
    assert client.get("/dashboard/").status_code == 200
    client.force_login(participant_user)
    assert client.get("/dashboard/").status_code == 403
    client.logout()
    assert client.get("/dashboard/")["Location"].startswith("/login/")


@pytest.mark.django_db
def test_only_the_noc_sees_the_wall_switch_and_the_uplinks_link(client, noc_user, helpdesk_user):
    client.force_login(noc_user)
    assert "/dashboard/uplinks/" in client.get("/dashboard/").content.decode()
    client.force_login(helpdesk_user)
    page = client.get("/dashboard/").content.decode()
    assert "/dashboard/uplinks/" not in page and "/dashboard/wall-setting/" not in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_deltas_come_in_the_language_the_reader_chose(noc_cookie):
    cookies = f"{settings.SESSION_COOKIE_NAME}={noc_cookie}; {settings.LANGUAGE_COOKIE_NAME}=ja"
    communicator = WebsocketCommunicator(application, "/ws/dashboard/", headers=[
        (b"host", b"127.0.0.1"), (b"origin", ORIGIN), (b"cookie", cookies.encode())])
    assert (await communicator.connect(timeout=10))[0]
    await communicator.send_json_to({"since": await sync_to_async(live.current_seq)()})
    await sync_to_async(live.publish)("nodes", "changed", {"node": 0})
    html, _message = await next_update(communicator)
    assert "ゲートウェイノード" in html and "Gateway nodes" not in html
    await communicator.disconnect()
