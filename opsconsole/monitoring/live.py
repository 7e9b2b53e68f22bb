"""Live deltas to open dashboards: one small JSON delta per change, sent after the transaction that made it commits.

Every app publishes through `publish(topic, kind, data)`; the dashboard's consumer subscribes to topics.
"""
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

MONITORING_GROUP = "monitoring"
# The topics a dashboard can join; each is one channel-layer group.
TOPICS = ("polls", "nodes", "registrations", "radius", "dhcp", "dns64", "nat64", "alerts", "timeline", "support")


def topic_group(topic: str) -> str:
    return f"live-{topic}"


def publish(topic: str, kind: str, data: dict) -> None:
    """Send {"topic", "kind", "data"} to the topic's group once the current transaction commits."""
    if topic not in TOPICS:
        raise ValueError(f"unknown live topic {topic!r}")

    def send():
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(topic_group(topic), {"type": "live.delta", "topic": topic, "kind": kind,
                                                                 "data": data})

    transaction.on_commit(send)


def broadcast_polls(deltas: list[dict]) -> None:
    """Each delta: {"device": id, "state": "up" | "unreachable", "at": epoch seconds, "values": {series: number}}."""
    def send():
        layer = get_channel_layer()
        if layer is not None:
            for delta in deltas:
                async_to_sync(layer.group_send)(MONITORING_GROUP, {"type": "monitoring.poll", **delta})

    transaction.on_commit(send)
