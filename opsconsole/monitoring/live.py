"""Poll results to open dashboards: one small JSON delta per device and cycle, after the cycle's transaction commits."""
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

MONITORING_GROUP = "monitoring"


def broadcast_polls(deltas: list[dict]) -> None:
    """Each delta: {"device": id, "state": "up" | "unreachable", "at": epoch seconds, "values": {series: number}}."""
    def send():
        layer = get_channel_layer()
        if layer is not None:
            for delta in deltas:
                async_to_sync(layer.group_send)(MONITORING_GROUP, {"type": "monitoring.poll", **delta})

    transaction.on_commit(send)
