"""The node list's WebSocket: a change reaches an open page after its transaction commits, staff only."""
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from opsconsole.asgi import application
from opsconsole.nodes.live import broadcast_node

pytestmark = pytest.mark.django_db(transaction=True)


async def connect_as(user):
    communicator = WebsocketCommunicator(application, "/ws/nodes/", headers=[(b"origin", b"http://127.0.0.1")])
    communicator.scope["user"] = user
    return communicator, await communicator.connect()


@pytest.mark.asyncio
async def test_a_node_change_reaches_open_pages_as_a_row(noc_user, gateway_node):
    communicator, (connected, _code) = await connect_as(noc_user)
    assert connected
    await sync_to_async(broadcast_node)(gateway_node.pk)  # autocommit: on_commit runs at once
    html = await communicator.receive_from(timeout=3)
    assert f'id="node-row-{gateway_node.pk}"' in html and 'hx-swap-oob="true"' in html
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_nothing_is_sent_before_the_transaction_commits(noc_user, gateway_node):
    from django.db import transaction

    communicator, _ = await connect_as(noc_user)

    def change_then_roll_back():
        with transaction.atomic():
            broadcast_node(gateway_node.pk)
            transaction.set_rollback(True)

    await sync_to_async(change_then_roll_back)()
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_participants_cannot_listen(participant_user):
    communicator, (connected, _code) = await connect_as(participant_user)
    assert not connected
