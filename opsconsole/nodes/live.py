"""Broadcasts node changes to open node pages after the transaction that made them commits."""
from django.db import transaction
from django.dispatch import Signal

from opsconsole.monitoring.live import group_send, send_delta

NODES_GROUP = "nodes"
# Sent with node= and beat= (the agent's whole report) for apps that keep parts of it, e.g. neighbour tables, and
# previous= and previous_at=, the node's heartbeat before this one (its kept fields) and when it came.
heartbeat_received = Signal()


def node_group(node_id: int) -> str:
    """The group of one node's own page."""
    return f"node-{node_id}"


def broadcast_node(node_id: int) -> None:
    def send():
        for group in (NODES_GROUP, node_group(node_id)):
            group_send(group, {"type": "node.changed", "node_id": node_id})
        send_delta("nodes", "changed", {"node": node_id})

    transaction.on_commit(send)
