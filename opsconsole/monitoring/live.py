"""Live deltas to open dashboards: one small JSON delta per change, sent after the transaction that made it commits.

Every app publishes through `publish(topic, kind, data)`; the dashboard's consumer subscribes to topics. Each delta
gets the next number of one sequence and is kept in Redis for a while (KEPT_DELTAS, KEPT_SECONDS), so a page that
lost its socket asks for what came after the last number it saw, and one that was away too long renders afresh.
"""
import asyncio
import json
import threading
import time
from functools import cache

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

MONITORING_GROUP = "monitoring"
# The topics a dashboard can join; each is one channel-layer group.
TOPICS = ("polls", "nodes", "registrations", "radius", "dhcp", "dns64", "nat64", "alerts", "timeline", "support")
KEPT_DELTAS = 2000
KEPT_SECONDS = 600

# Numbering and keeping in one step: a delta numbered n is in the log before n+1 is numbered, so whoever sees n+1
# can find n there (group messages from two publishers may arrive in either order).
_NUMBER_AND_KEEP = """
local seq = redis.call('INCR', KEYS[1])
local text = seq .. ' ' .. ARGV[1]
redis.call('ZADD', KEYS[2], seq, text)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', seq - tonumber(ARGV[2]))
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[3] * 100)
return text
"""


def topic_group(topic: str) -> str:
    return f"live-{topic}"


def _layer_config() -> tuple[str, str]:
    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    return config["hosts"][0]["address"], config.get("prefix", "asgi")


@cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


def _keys() -> tuple[redis.Redis, str, str]:
    url, prefix = _layer_config()
    return _redis(url), f"{prefix}:live:seq", f"{prefix}:live:log"


def current_seq() -> int:
    """The number of the newest delta: a page rendered after reading it has seen everything up to it."""
    client, seq_key, _log = _keys()
    return int(client.get(seq_key) or 0)


def deltas_after(seq: int) -> list[dict] | None:
    """The kept deltas numbered above `seq`, oldest first; None when some of them are no longer kept (or the
    sequence started again, as after a Redis flush), so the page must render afresh."""
    client, seq_key, log_key = _keys()
    with client.pipeline(transaction=True) as pipe:
        pipe.get(seq_key)
        pipe.zrangebyscore(log_key, f"({seq}", "+inf")
        newest, kept = pipe.execute()
    newest = int(newest or 0)
    if seq > newest:
        return None
    deltas = [_parsed(text) for text in kept]
    if newest > seq and (not deltas or deltas[0]["seq"] != seq + 1):
        return None
    return deltas


def _parsed(kept: str) -> dict:
    seq, text = kept.split(" ", 1)
    return {"seq": int(seq), **json.loads(text)}


def send_delta(topic: str, kind: str, data: dict) -> dict:
    """Number and keep the delta and send it to the topic's group now; `publish` calls this once committed."""
    if topic not in TOPICS:
        raise ValueError(f"unknown live topic {topic!r}")
    client, seq_key, log_key = _keys()
    delta = {"topic": topic, "kind": kind, "data": data, "at": time.time()}
    text = client.eval(_NUMBER_AND_KEEP, 2, seq_key, log_key, json.dumps(delta), KEPT_DELTAS, KEPT_SECONDS)
    delta = _parsed(text)
    group_send(topic_group(topic), {"type": "live.delta", "delta": delta})
    return delta


def group_send(group: str, message: dict) -> None:
    """Send to a channel-layer group from sync code, also when this thread runs an event loop (a sync caller inside
    an async program, such as a browser driver), where async_to_sync refuses: then from a short-lived thread."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(layer.group_send)(group, message)
        return
    sender = threading.Thread(target=async_to_sync(layer.group_send), args=(group, message))
    sender.start()
    sender.join()


def publish(topic: str, kind: str, data: dict) -> None:
    """Send {"seq", "topic", "kind", "data", "at"} to the topic's group once the current transaction commits."""
    if topic not in TOPICS:
        raise ValueError(f"unknown live topic {topic!r}")
    transaction.on_commit(lambda: send_delta(topic, kind, data))


def broadcast_polls(deltas: list[dict]) -> None:
    """Each delta: {"device": id, "state": "up" | "unreachable", "at": epoch seconds, "values": {series: number}}.

    The dashboard gets one "polls" delta per cycle with the devices' states; the values stay in the database."""
    def send():
        for delta in deltas:
            group_send(MONITORING_GROUP, {"type": "monitoring.poll", **delta})
        if deltas:
            send_delta("polls", "cycle", {"devices": {str(d["device"]): d["state"] for d in deltas}})

    transaction.on_commit(send)
