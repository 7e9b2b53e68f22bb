"""The dashboard's socket through the real ASGI stack with a real session cookie: who may listen, deltas only after
commit, and a page that reconnects catching up by sequence number."""
import asyncio
import threading
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction
from django.utils import timezone

from opsconsole.monitoring import live
from opsconsole.registration.models import Device, Participant

from .conftest import dashboard_socket, next_update

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def new_participant() -> Participant:
    return Participant.objects.create(name="Erin Example", active_until=timezone.now() + timedelta(days=2))


async def open_dashboard(cookie: str, since: int | None = None):
    communicator = dashboard_socket(cookie)
    connected, code = await communicator.connect(timeout=10)
    assert connected, code
    if since is None:
        since = await sync_to_async(live.current_seq)()
    await communicator.send_json_to({"since": since})
    return communicator


def register_in_open_transaction(participant: Participant, mac: str, registered: threading.Event,
                                 commit: threading.Event) -> None:
    try:
        with transaction.atomic():
            Device.objects.create(participant=participant, mac=mac)
            registered.set()
            assert commit.wait(30)
    finally:
        connection.close()


@pytest.fixture(params=["noc_cookie", "helpdesk_cookie"])
def staff_cookie(request):
    return request.getfixturevalue(request.param)


async def test_staff_get_a_registration_after_its_commit_and_not_before(staff_cookie):
    cookie = staff_cookie
    participant = await sync_to_async(new_participant)()
    communicator = await open_dashboard(cookie)
    registered, commit = threading.Event(), threading.Event()
    writer = threading.Thread(target=register_in_open_transaction,
                              args=(participant, "00:1b:63:00:00:42", registered, commit))
    writer.start()
    try:
        assert await asyncio.to_thread(registered.wait, 30)
        assert await communicator.receive_nothing(timeout=1)  # saved, not committed: nothing may reach the page
    finally:
        commit.set()
        await asyncio.to_thread(writer.join, 30)

    html, message = await next_update(communicator)
    assert [(d["topic"], d["kind"]) for d in message["deltas"]] == [("registrations", "device-added")]
    assert message["seq"] == message["deltas"][0]["seq"]
    assert 'id="panel-recent" class="panel" hx-swap-oob="true"' in html and "00:1b:63:00:00:42" in html
    assert 'id="panel-users"' in html and 'id="panel-nodes"' not in html  # only the panels of the topic
    await communicator.disconnect()


async def test_a_rolled_back_registration_sends_nothing(noc_cookie):
    participant = await sync_to_async(new_participant)()
    communicator = await open_dashboard(noc_cookie)

    def register_then_roll_back():
        with transaction.atomic():
            Device.objects.create(participant=participant, mac="00:1b:63:00:00:43")
            transaction.set_rollback(True)

    await sync_to_async(register_then_roll_back)()
    assert await communicator.receive_nothing(timeout=1)
    await communicator.disconnect()


async def test_a_participants_socket_is_refused(participant_cookie):
    communicator = dashboard_socket(participant_cookie)
    connected, code = await communicator.connect(timeout=10)
    assert not connected and code == 4403


async def test_an_anonymous_socket_is_refused(transactional_db):
    communicator = dashboard_socket(None)
    connected, code = await communicator.connect(timeout=10)
    assert not connected and code == 4403


async def test_a_foreign_origin_is_refused_even_with_a_noc_cookie(noc_cookie):
    communicator = dashboard_socket(noc_cookie, origin=b"https://evil.example")
    connected, _code = await communicator.connect(timeout=10)
    assert not connected


async def test_a_page_that_reconnects_gets_what_it_missed_by_sequence_number(noc_cookie):
    participant = await sync_to_async(new_participant)()
    first = await open_dashboard(noc_cookie)
    await sync_to_async(Device.objects.create)(participant=participant, mac="00:1b:63:00:00:44")
    _html, seen = await next_update(first)
    await first.disconnect()

    # While the page is away: one registration removed, one node change.
    await sync_to_async(Device.objects.filter(mac="00:1b:63:00:00:44").delete)()
    await sync_to_async(live.publish)("nodes", "changed", {"node": 0})

    again = await open_dashboard(noc_cookie, since=seen["seq"])
    html, message = await next_update(again)
    assert [(d["seq"], d["topic"], d["kind"]) for d in message["deltas"]] == [
        (seen["seq"] + 1, "registrations", "device-removed"), (seen["seq"] + 2, "nodes", "changed")]
    assert "fresh" not in message
    assert 'id="panel-nodes"' in html and 'id="panel-recent"' in html and "00:1b:63:00:00:44" not in html
    assert await again.receive_nothing(timeout=0.5)  # each missed delta once, rendered once
    await again.disconnect()


async def test_a_page_away_longer_than_the_log_gets_every_panel_afresh(noc_cookie, monkeypatch):
    monkeypatch.setattr(live, "KEPT_DELTAS", 2)
    since = await sync_to_async(live.current_seq)()
    for node in range(4):
        await sync_to_async(live.publish)("nodes", "changed", {"node": node})

    communicator = await open_dashboard(noc_cookie, since=since)
    html, message = await next_update(communicator)
    assert message == {"seq": since + 4, "fresh": True}
    assert all(f'id="{name}"' in html for name in ("panel-nodes", "panel-users", "panel-uplinks", "panel-recent"))
    await communicator.disconnect()


async def test_a_page_from_before_a_redis_flush_gets_every_panel_afresh(noc_cookie):
    future = await sync_to_async(live.current_seq)() + 1000
    communicator = await open_dashboard(noc_cookie, since=future)
    _html, message = await next_update(communicator)
    assert message["fresh"] is True and message["seq"] < future
    await communicator.disconnect()


async def test_a_poll_cycle_re_renders_the_uplinks_panel(noc_cookie):
    from .test_uplinks import polled_router

    communicator = await open_dashboard(noc_cookie)
    router = await sync_to_async(polled_router)()  # two stored poll cycles, each a "polls" delta once committed
    deltas, html = [], ""
    while len(deltas) < 2:  # one update each, or both in one when the second came before the first was sent
        html, message = await next_update(communicator)
        deltas += message["deltas"]
    assert [d["data"] for d in deltas] == [{"devices": {str(router.pk): "up"}}] * 2
    assert 'id="panel-uplinks"' in html and 'id="panel-recent"' not in html
    await communicator.disconnect()


def live_group_members(topic: str) -> list[str]:
    from django.conf import settings

    client = live._keys()[0]
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    return client.zrange(f"{prefix}:group:{live.topic_group(topic)}", 0, -1)


async def test_the_dashboards_of_a_process_share_one_subscription_and_leave_none_behind(noc_cookie, helpdesk_cookie):
    def members() -> dict[str, set[str]]:
        return {topic: set(live_group_members(topic)) for topic in live.TOPICS}

    participant = await sync_to_async(new_participant)()
    before = await sync_to_async(members)()  # a page another test left open in this process may still be there
    pages = [await open_dashboard(cookie) for cookie in (noc_cookie, helpdesk_cookie, noc_cookie)]
    during = await sync_to_async(members)()
    for topic in live.TOPICS:
        assert len(during[topic] - before[topic]) == 1, topic

    await sync_to_async(Device.objects.create)(participant=participant, mac="00:1b:63:00:00:45")
    for page in pages:
        html, message = await next_update(page)
        assert [d["kind"] for d in message["deltas"]] == ["device-added"] and "00:1b:63:00:00:45" in html

    await pages[0].disconnect()
    assert await sync_to_async(members)() == during  # still two pages open
    for page in pages[1:]:
        await page.disconnect()
    assert await sync_to_async(members)() == before


async def test_a_delta_whose_group_message_was_lost_is_caught_up_from_the_log(noc_cookie, monkeypatch):
    communicator = await open_dashboard(noc_cookie)
    await sync_to_async(live.send_delta)("nodes", "changed", {"node": 0})
    _html, message = await next_update(communicator)  # the page is in step
    seq = message["seq"]
    with monkeypatch.context() as lost:
        lost.setattr(live, "group_send", lambda group, message: None)
        await sync_to_async(live.send_delta)("nodes", "changed", {"node": 1})  # numbered and kept, never sent
    assert await communicator.receive_nothing(timeout=0.5)
    await sync_to_async(live.send_delta)("alerts", "raised", {"alert": 2})

    html, message = await next_update(communicator)
    assert [(d["seq"], d["topic"]) for d in message["deltas"]] == [(seq + 1, "nodes"), (seq + 2, "alerts")]
    assert 'id="panel-nodes"' in html and 'id="open-alerts"' in html
    await communicator.disconnect()


async def test_a_burst_of_deltas_arrives_in_order_once_each_in_fewer_updates(noc_cookie):
    communicator = await open_dashboard(noc_cookie)
    seq = await sync_to_async(live.current_seq)()
    for node in range(20):  # sent while this loop, and so the hub, is busy: they wait for it together
        live.send_delta("nodes", "changed", {"node": node})

    seen, updates = [], 0
    while len(seen) < 20:
        _html, message = await next_update(communicator)
        seen += [delta["seq"] for delta in message["deltas"]]
        updates += 1
    assert seen == list(range(seq + 1, seq + 21))
    assert updates < 20
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()
