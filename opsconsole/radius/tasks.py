"""The day's CRL: FreeRADIUS refuses everyone once its CRL's next update has passed, so RADIUS nodes get a new one."""
from celery import shared_task

from opsconsole.nodes.revisions import mark_nodes_dirty

from .intents import radius_nodes


@shared_task(acks_late=True)
def refresh_crl() -> int:
    """Mark the RADIUS nodes dirty; a node whose intent did not change (same day, no revocation) gets no revision."""
    nodes = radius_nodes()
    mark_nodes_dirty(nodes, "daily CRL refresh")
    return len(nodes)
