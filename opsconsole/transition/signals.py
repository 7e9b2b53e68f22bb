"""Marks the nodes whose intent a role change affects, whatever saved it (pages, admin, demo loader)."""
from django.db.models.signals import m2m_changed, post_delete, post_save

from opsconsole.nodes.revisions import mark_nodes_dirty

from .models import INTENT_MODELS, UpstreamRouter


def _reason(instance, verb: str) -> str:
    return f"{instance._meta.verbose_name} {verb} ({instance})"[:120]


def _saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw:
        mark_nodes_dirty(instance.affected_node_ids(), _reason(instance, "added" if created else "changed"))


def _deleted(sender, instance, **kwargs) -> None:
    mark_nodes_dirty(instance.affected_node_ids(), _reason(instance, "deleted"))


def _nat64_boxes_changed(sender, instance, action: str, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, UpstreamRouter):
        mark_nodes_dirty({instance.node_id}, _reason(instance, "NAT64 boxes changed"))


def connect() -> None:
    for model in INTENT_MODELS:
        post_save.connect(_saved, sender=model, dispatch_uid=f"transition-dirty-save-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"transition-dirty-delete-{model.__name__}")
    m2m_changed.connect(_nat64_boxes_changed, sender=UpstreamRouter.nat64_roles.through,
                        dispatch_uid="transition-dirty-router-nat64")
