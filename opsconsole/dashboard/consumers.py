"""The dashboard's socket: NOC and helpdesk only; every delta re-renders the panels of its topic, and a page that
reconnects says the last sequence number it saw and gets what it missed (or every panel afresh)."""
import asyncio
import json
from collections import OrderedDict

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.utils import translation

from opsconsole.monitoring import live
from opsconsole.monitoring.panels import panels
from opsconsole.nodes.consumers import LiveNodeConsumer

from .rendering import panels_for_topics, render_in

# Hundreds of open dashboards in one process get the same delta: the first one to handle it renders, the others
# await that rendering (per delta, set of panels and language) instead of querying the database again.
_renders: OrderedDict[tuple, asyncio.Future] = OrderedDict()
KEPT_RENDERS = 64


def shared_render(key: tuple, language: str, names: tuple[str, ...]) -> asyncio.Future:
    key = (id(asyncio.get_running_loop()), language, names, *key)
    if key not in _renders:
        _renders[key] = asyncio.ensure_future(database_sync_to_async(render_in)(language, names))
        while len(_renders) > KEPT_RENDERS:
            _renders.popitem(last=False)
    return _renders[key]


class DashboardConsumer(LiveNodeConsumer):
    async def connect(self):
        if not await self.admitted():
            return
        self.language = translation.get_language_from_request(self.reader)
        self.last_seq: int | None = None  # until the page says where it stands, deltas wait in `pending`
        self.pending: list[dict] = []
        for topic in live.TOPICS:
            await self.channel_layer.group_add(live.topic_group(topic), self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for topic in live.TOPICS:
            await self.channel_layer.group_discard(live.topic_group(topic), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        """The page's hello: {"since": the last sequence number it has seen (the page's own at first load)}."""
        if self.last_seq is not None:
            return
        try:
            since = int(json.loads(text_data or "")["since"])
        except (ValueError, KeyError, TypeError):
            await self.close(code=4400)
            return
        missed = await sync_to_async(live.deltas_after, thread_sensitive=False)(since)
        if missed is None:
            await self.send_fresh()
        elif missed:
            await self.send_deltas(missed)
        else:
            self.last_seq = since
        pending, self.pending = self.pending, []
        for delta in sorted(pending, key=lambda delta: delta["seq"]):
            await self.live_delta({"delta": delta})

    async def live_delta(self, event):
        delta = event["delta"]
        if self.last_seq is None:
            self.pending.append(delta)
            return
        if delta["seq"] <= self.last_seq:
            return
        if delta["seq"] == self.last_seq + 1:
            await self.send_deltas([delta])
            return
        missed = await sync_to_async(live.deltas_after, thread_sensitive=False)(self.last_seq)
        if missed is None:
            await self.send_fresh()
        else:
            await self.send_deltas([d for d in missed if d["seq"] < delta["seq"]] + [delta])

    async def send_deltas(self, deltas: list[dict]):
        chosen = tuple(panel.name for panel in panels_for_topics({delta["topic"] for delta in deltas}))
        if chosen:
            await self.send(text_data=await shared_render(("seq", deltas[-1]["seq"]), self.language, chosen))
        self.last_seq = deltas[-1]["seq"]
        await self.send(text_data=json.dumps({"seq": self.last_seq, "deltas": deltas}))

    async def send_fresh(self):
        seq = await sync_to_async(live.current_seq, thread_sensitive=False)()
        chosen = tuple(panel.name for panel in panels())
        await self.send(text_data=await shared_render(("fresh", seq), self.language, chosen))
        self.last_seq = seq
        await self.send(text_data=json.dumps({"seq": seq, "fresh": True}))
