"""One subscription per process: the open dashboards of a process share one channel-layer channel joined to every
live topic, and each burst of deltas reaches them all with one rendering of its panels per language.

A group send to hundreds of sockets writes hundreds of messages into Redis, each read back and handled apart; here it
writes one per process. Deltas that arrive while a burst is being sent wait in the inbox and leave together as the
next burst, so a process that falls behind catches up by sending fewer, larger updates rather than queueing more.
"""
import asyncio
import json
import logging
import weakref
from collections import OrderedDict

from channels.db import database_sync_to_async

from opsconsole.monitoring import live

from .rendering import panels_for_topics, render_in

log = logging.getLogger(__name__)

# Sockets that catch up on their own may ask for the same rendering at once: the first renders, the others await it.
_renders: OrderedDict[tuple, asyncio.Future] = OrderedDict()
KEPT_RENDERS = 64


def shared_render(key: tuple, language: str, names: tuple[str, ...]) -> asyncio.Future:
    key = (id(asyncio.get_running_loop()), language, names, *key)
    if key not in _renders:
        _renders[key] = asyncio.ensure_future(database_sync_to_async(render_in)(language, names))
        while len(_renders) > KEPT_RENDERS:
            _renders.popitem(last=False)
    return _renders[key]


class LiveHub:
    def __init__(self, layer):
        self.layer = layer
        self.sockets: set = set()
        self.changing = asyncio.Lock()
        self.channel: str | None = None
        self.tasks: tuple[asyncio.Task, ...] = ()

    async def join(self, socket) -> None:
        async with self.changing:
            self.sockets.add(socket)
            if self.channel is not None:
                return
            # The layer's default kind of name: channels_redis reads every channel of a process from one Redis list.
            self.channel = await self.layer.new_channel()
            for topic in live.TOPICS:
                await self.layer.group_add(live.topic_group(topic), self.channel)
            inbox: asyncio.Queue = asyncio.Queue()
            self.tasks = (asyncio.create_task(self.receive(self.channel, inbox)),
                          asyncio.create_task(self.fan_out(inbox)))

    async def leave(self, socket) -> None:
        async with self.changing:
            self.sockets.discard(socket)
            if self.sockets or self.channel is None:
                return
            for task in self.tasks:
                task.cancel()
            for topic in live.TOPICS:
                await self.layer.group_discard(live.topic_group(topic), self.channel)
            self.channel, self.tasks = None, ()

    async def receive(self, channel: str, inbox: asyncio.Queue) -> None:
        while True:
            message = await self.layer.receive(channel)
            if message.get("type") == "live.delta":
                inbox.put_nowait(message["delta"])

    async def fan_out(self, inbox: asyncio.Queue) -> None:
        while True:
            burst = [await inbox.get()]
            while not inbox.empty():
                burst.append(inbox.get_nowait())
            burst.sort(key=lambda delta: delta["seq"])
            try:
                await self.send_burst(burst)
            except Exception:  # one failed rendering must not stop every dashboard of the process
                log.exception("live dashboard update failed")

    async def send_burst(self, burst: list[dict]) -> None:
        in_step = [socket for socket in list(self.sockets) if socket.takes_as_shared(burst)]
        if not in_step:
            return
        names = tuple(panel.name for panel in panels_for_topics({delta["topic"] for delta in burst}))
        seq = burst[-1]["seq"]
        closing = json.dumps({"seq": seq, "deltas": burst})
        for language in {socket.language for socket in in_step}:
            html = await shared_render(("seq", seq), language, names) if names else None
            for socket in in_step:
                if socket.language == language:
                    await socket.send_update(html, closing, seq)


_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def hub_for(layer) -> LiveHub:
    """This event loop's hub on this channel layer (tests run several loops and may swap layers)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = _hubs[loop] = LiveHub(layer)
    return hub

