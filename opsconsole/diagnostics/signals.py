"""Rebuilds the reverse DNS node's intent when what its zones list changes, whatever saved it."""
from django.db.models.signals import post_delete, post_save

from opsconsole.nodes.revisions import mark_nodes_dirty
from opsconsole.plan.models import Prefix, VlanFamily
from opsconsole.registration.models import Device
from opsconsole.transition.models import Dns64Role, Nat64Role

from .models import ReverseDnsService

# Neighbour entries arrive in bulk with every heartbeat, without signals: a newly seen device address is named at
# the node's next rebuild.
SOURCES = (Prefix, VlanFamily, Device, Nat64Role, Dns64Role, ReverseDnsService)


def _changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    nodes = set(ReverseDnsService.objects.values_list("node_id", flat=True))
    if nodes:
        mark_nodes_dirty(nodes, f"reverse zones: {sender._meta.verbose_name} changed")


def connect() -> None:
    for model in SOURCES:
        post_save.connect(_changed, sender=model, dispatch_uid=f"diagnostics-reverse-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"diagnostics-reverse-delete-{model.__name__}")
