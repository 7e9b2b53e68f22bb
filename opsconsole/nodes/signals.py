"""A node's own fields that its intent carries (name, description) rebuild it, whatever saved them."""
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import GatewayNode
from .revisions import mark_nodes_dirty

INTENT_FIELDS = {"name", "description"}


@receiver(post_save, sender=GatewayNode, dispatch_uid="nodes-node-saved")
def node_saved(sender, instance: GatewayNode, created: bool, update_fields=None, raw: bool = False, **kwargs) -> None:
    # A new node has no roles yet; heartbeats and pushes save other fields and name them.
    if created or raw or (update_fields is not None and not INTENT_FIELDS & set(update_fields)):
        return
    mark_nodes_dirty([instance.pk], "node changed")
