"""Broadcasts node changes to open node pages after the transaction that made them commits."""
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.dispatch import Signal

NODES_GROUP = "nodes"
# Sent with node= and beat= (the agent's whole report) for apps that keep parts of it, e.g. neighbour tables.
heartbeat_received = Signal()


def broadcast_node(node_id: int) -> None:
    def send():
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(NODES_GROUP, {"type": "node.changed", "node_id": node_id})

    transaction.on_commit(send)
