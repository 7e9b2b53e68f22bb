"""The dashboard's socket: NOC and helpdesk only; every delta re-renders the panels of its topic, and a page that
reconnects says the last sequence number it saw and gets what it missed (or every panel afresh).

Deltas come through the process's hub (hub.py). A socket in step takes each burst as rendered once for all; a socket
that is not (its page has not said where it stands yet, or a delta went missing) keeps the burst and catches up on its
own from the kept deltas, then joins the shared bursts again."""
import asyncio
import json

from asgiref.sync import sync_to_async
from django.utils import translation

from opsconsole.monitoring import live
from opsconsole.monitoring.panels import panels
from opsconsole.nodes.consumers import LiveNodeConsumer

from .hub import hub_for, shared_render
from .rendering import panels_for_topics


class DashboardConsumer(LiveNodeConsumer):
    async def connect(self):
        if not await self.admitted():
            return
        self.language = translation.get_language_from_request(self.reader)
        self.last_seq: int | None = None  # until the page's hello says where it stands
        self.pending: list[dict] = []  # deltas kept while catching up
        self.catching_up: asyncio.Task | None = None
        self.hub = hub_for(self.channel_layer)
        await self.hub.join(self)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "hub"):
            await self.hub.leave(self)
            if self.catching_up is not None:
                self.catching_up.cancel()

    async def receive(self, text_data=None, bytes_data=None):
        """The page's hello: {"since": the last sequence number it has seen (the page's own at first load)}."""
        if self.last_seq is not None or self.catching_up is not None:
            return
        try:
            since = int(json.loads(text_data or "")["since"])
        except (ValueError, KeyError, TypeError):
            await self.close(code=4400)
            return
        self.last_seq = since
        self.catching_up = asyncio.current_task()
        await self.catch_up()

    def takes_as_shared(self, burst: list[dict]) -> bool:
        """Called by the hub for every burst: True when this socket is in step and takes the burst as rendered for
        all; otherwise the socket keeps what is new to it and catches up by itself."""
        if self.last_seq is None or self.catching_up is not None:
            self.pending.extend(burst)
            return False
        newer = [delta for delta in burst if delta["seq"] > self.last_seq]
        if not newer:
            return False
        if newer[0]["seq"] == self.last_seq + 1 and len(newer) == len(burst):
            return True
        self.pending.extend(newer)
        self.catching_up = asyncio.create_task(self.catch_up())
        return False

    async def send_update(self, html: str | None, closing: str, seq: int) -> None:
        if html:
            await self.send(text_data=html)
        await self.send(text_data=closing)
        self.last_seq = seq

    async def catch_up(self):
        """From self.last_seq: what the kept deltas say was missed, then what the hub kept meanwhile."""
        try:
            missed = await sync_to_async(live.deltas_after, thread_sensitive=False)(self.last_seq)
            while True:
                if missed is None:
                    await self.send_fresh()
                elif missed:
                    await self.send_deltas(missed)
                newer = sorted((d for d in self.pending if d["seq"] > self.last_seq), key=lambda d: d["seq"])
                self.pending = []
                if not newer:
                    break
                if newer[0]["seq"] == self.last_seq + 1:
                    missed = newer
                else:
                    missed = await sync_to_async(live.deltas_after, thread_sensitive=False)(self.last_seq)
                    if missed is not None:
                        missed = [d for d in missed if d["seq"] < newer[0]["seq"]] + newer
        finally:
            self.catching_up = None

    async def send_deltas(self, deltas: list[dict]):
        chosen = tuple(panel.name for panel in panels_for_topics({delta["topic"] for delta in deltas}))
        html = await shared_render(("seq", deltas[-1]["seq"]), self.language, chosen) if chosen else None
        await self.send_update(html, json.dumps({"seq": deltas[-1]["seq"], "deltas": deltas}), deltas[-1]["seq"])

    async def send_fresh(self):
        seq = await sync_to_async(live.current_seq, thread_sensitive=False)()
        chosen = tuple(panel.name for panel in panels())
        html = await shared_render(("fresh", seq), self.language, chosen)
        await self.send_update(html, json.dumps({"seq": seq, "fresh": True}), seq)
