"""The node page is live: state, pushes and diff reach an open page over Channels, in the reader's language."""
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from opsconsole.asgi import application
from opsconsole.nodes.models import Push
from opsconsole.nodes.tasks import push_node_revision

from .conftest import dns64_intent
from .test_push import desire

pytestmark = pytest.mark.django_db(transaction=True)


async def open_page(user, path: str, language: str = "en") -> WebsocketCommunicator:
    """A WebSocket as the browser opens it: the session cookie of a signed-in reader and the language switch's."""
    client = Client()
    await sync_to_async(client.force_login)(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; " \
             f"{settings.LANGUAGE_COOKIE_NAME}={language}"
    communicator = WebsocketCommunicator(application, path, headers=[
        (b"origin", b"http://127.0.0.1"), (b"cookie", cookie.encode())])
    connected, _code = await communicator.connect()
    assert connected
    return communicator


async def last_message(communicator) -> str:
    """The newest delta once the page has gone quiet (a push sends several)."""
    html = await communicator.receive_from(timeout=5)
    while not await communicator.receive_nothing(timeout=0.3):
        html = await communicator.receive_from(timeout=1)
    return html


@pytest.mark.asyncio
async def test_a_push_updates_the_open_node_page_state_pushes_and_diff(noc_user, gateway_node, sandbox_agent):
    await sync_to_async(sandbox_agent.start)()
    await sync_to_async(desire)(gateway_node, dns64_intent(gateway_node.name, "2001:db8:64::/96"))
    await sync_to_async(push_node_revision)(gateway_node.pk)
    await sync_to_async(desire)(gateway_node, dns64_intent(gateway_node.name, "2001:db8:77::/96"))
    page = await open_page(noc_user, f"/ws/nodes/{gateway_node.name}/")

    await sync_to_async(push_node_revision)(gateway_node.pk)

    html = await last_message(page)
    assert 'id="node-live" hx-swap-oob="true"' in html
    assert 'data-state="in-sync"' in html and html.count('data-status="applied"') == 2
    assert "Running → desired" not in html  # the agent now runs the desired revision: no diff
    assert 'name="csrfmiddlewaretoken"' in html  # the roll-back buttons still work after the swap
    await page.disconnect()


@pytest.mark.asyncio
async def test_a_japanese_reader_gets_japanese_deltas(noc_user, gateway_node):
    await sync_to_async(desire)(gateway_node, dns64_intent(gateway_node.name))
    node_list = await open_page(noc_user, "/ws/nodes/", language="ja")
    node_page = await open_page(noc_user, f"/ws/nodes/{gateway_node.name}/", language="ja")

    assert await sync_to_async(push_node_revision)(gateway_node.pk) == Push.Status.UNREACHABLE

    row, page = await last_message(node_list), await last_message(node_page)
    # The state, "never" (no heartbeat yet) and the headings, as the Japanese catalogue words them.
    for html in (row, page):
        assert "到達不能" in html and "未受信" in html
        assert ">unreachable<" not in html and ">never<" not in html
    assert "反映履歴" in page
    await node_list.disconnect()
    await node_page.disconnect()


@pytest.mark.asyncio
async def test_participants_cannot_listen_to_a_node_page(participant_user, gateway_node):
    communicator = WebsocketCommunicator(application, f"/ws/nodes/{gateway_node.name}/",
                                         headers=[(b"origin", b"http://127.0.0.1")])
    communicator.scope["user"] = participant_user
    connected, _code = await communicator.connect()
    assert not connected
