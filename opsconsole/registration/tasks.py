"""Time passing changes DHCP intents too: a registration that expired must leave Kea without anyone editing it."""
from celery import shared_task

from opsconsole.nodes.revisions import mark_nodes_dirty

from .intents import dhcp_nodes


@shared_task(acks_late=True)
def expire_registrations() -> int:
    """Rebuild every DHCP node's intent; only nodes whose reservations changed get a new revision and a push."""
    nodes = dhcp_nodes()
    mark_nodes_dirty(nodes, "registrations expired")
    return len(nodes)
