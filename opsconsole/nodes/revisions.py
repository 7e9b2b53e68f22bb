"""The one place that turns changes into new desired revisions and queues their push."""
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gateways.intent import IntentError, content_hash, validate_intent
from opsconsole.audit.context import current_actor

from .intents import build_intent
from .models import ConfigRevision, GatewayNode

log = logging.getLogger(__name__)
ALL_NODES = None


def mark_nodes_dirty(node_ids: Iterable[int] | None = ALL_NODES, reason: str = "configuration changed") -> None:
    """After the current transaction commits, rebuild these nodes' intents (all nodes when None) and push changes.

    Many changes in one transaction become one rebuild per node.
    """
    connection = transaction.get_connection()
    pending = getattr(connection, "_opsconsole_dirty_nodes", None)
    if pending is not None and not any(entry[1] is pending["flush"] for entry in connection.run_on_commit):
        pending = None  # the transaction that registered the flush rolled back, and Django dropped the callback
    first = pending is None
    if first:
        actor = current_actor().label
        pending = connection._opsconsole_dirty_nodes = {
            "ids": set(), "all": False, "reasons": [], "flush": lambda: _flush(connection, actor)
        }
    if node_ids is ALL_NODES:
        pending["all"] = True
    else:
        pending["ids"].update(node_ids)
    if reason not in pending["reasons"]:
        pending["reasons"].append(reason)
    if first:
        # Registered last: outside a transaction (autocommit) on_commit runs at once and must see this change.
        transaction.on_commit(pending["flush"])


def _flush(connection, actor: str) -> None:
    """Record the request on each node and leave the rebuild to a worker, so the person's request returns at once."""
    from .tasks import rebuild_node_revision

    pending = connection._opsconsole_dirty_nodes
    connection._opsconsole_dirty_nodes = None
    nodes = GatewayNode.objects.all() if pending["all"] else GatewayNode.objects.filter(pk__in=pending["ids"])
    reason = "; ".join(pending["reasons"])[:300]
    with transaction.atomic():
        # Rows locked in one order: two requests marking the same nodes at once would otherwise deadlock.
        node_ids = list(nodes.select_for_update().order_by("pk").values_list("pk", flat=True))
        GatewayNode.objects.filter(pk__in=node_ids).update(
            rebuild_requested_at=timezone.now(), rebuild_reason=reason, rebuild_actor=actor[:150]
        )
    for node_id in node_ids:
        rebuild_node_revision.delay(node_id)


def rebuild_if_requested(node_id: int) -> str:
    """Rebuild the node if a change asked for it and nobody has yet; many queued rebuilds of one node become one.

    The request is cleared in the same transaction that records the new revision, so "nothing pending" never
    shows before the revision does.
    """
    with transaction.atomic():
        node = GatewayNode.objects.select_for_update().filter(pk=node_id, rebuild_requested_at__isnull=False).first()
        if node is None:
            return "already rebuilt"
        GatewayNode.objects.filter(pk=node_id).update(rebuild_requested_at=None)
        revision = refresh_desired_revision(node, node.rebuild_actor or "system", node.rebuild_reason)
    return f"revision {revision.number}" if revision else "unchanged"


def refresh_desired_revision(node: GatewayNode, actor: str, reason: str) -> ConfigRevision | None:
    """Record a new desired revision if the node's intent changed, and queue its push; return it.

    The node's row stays locked from reading the data to recording the revision, so two workers rebuilding the
    same node one after the other can never record an older intent last.
    """
    from .tasks import push_node_revision

    with transaction.atomic():
        node = GatewayNode.objects.select_for_update().get(pk=node.pk)
        try:
            # Normalised, so that the same configuration written differently hashes the same.
            intent = validate_intent(build_intent(node))
        except IntentError as exc:
            log.error("node %s: intent not rebuilt: %s", node.name, exc)
            GatewayNode.objects.filter(pk=node.pk).update(intent_error=str(exc)[:1000])
            return None
        if node.intent_error:
            GatewayNode.objects.filter(pk=node.pk).update(intent_error="")
        digest = content_hash(intent)
        if node.desired_revision and node.desired_revision.content_hash == digest:
            return None
        revision = new_revision(node, intent, digest, actor, reason)
    push_node_revision.delay_on_commit(node.pk)
    return revision


def new_revision(node: GatewayNode, intent: dict, digest: str, actor: str, reason: str) -> ConfigRevision:
    """Append a revision and make it the desired one (caller holds the node's row lock)."""
    latest = node.revisions.aggregate(latest=Max("number"))["latest"] or 0
    revision = ConfigRevision.objects.create(
        node=node, number=latest + 1, intent=intent, content_hash=digest, created_by=actor, reason=reason
    )
    node.desired_revision = revision
    node.save(update_fields=["desired_revision"])
    return revision
