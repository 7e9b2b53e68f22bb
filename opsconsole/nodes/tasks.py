"""Celery tasks: push a node's newest desired revision, and reconcile every node that is not in sync."""
import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from . import revisions
from .agent_client import AgentUnreachable, send_revision
from .live import broadcast_node
from .models import GatewayNode, Push

log = logging.getLogger(__name__)
REBUILD_GRACE = timedelta(seconds=10)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(AgentUnreachable,),
    retry_backoff=2,
    retry_backoff_max=30,
    retry_jitter=True,
    max_retries=5,
)
def push_node_revision(self, node_id: int) -> str:
    """Send the node's desired revision (always the newest, whatever revision queued this task)."""
    node = GatewayNode.objects.select_related("desired_revision").filter(pk=node_id).first()
    if node is None or node.desired_revision is None:
        return "nothing to push"
    revision = node.desired_revision
    if node.applied_revision_id == revision.pk and node.running_hash in ("", revision.content_hash):
        return "in sync"
    push = Push.objects.create(node=node, revision=revision)
    broadcast_node(node.pk)
    try:
        reply = send_revision(node, revision)
    except AgentUnreachable as exc:
        _finish(push, Push.Status.UNREACHABLE, {}, str(exc))
        log.warning("push of %s: %s", revision, exc)
        raise
    _finish(push, reply.status, reply.services, reply.error)
    if reply.status in (Push.Status.APPLIED, Push.Status.UNCHANGED):
        _record_applied(node.pk, revision)
    return reply.status


def _record_applied(node_id: int, revision) -> None:
    with transaction.atomic():
        node = GatewayNode.objects.select_for_update(of=("self",)).select_related("applied_revision").get(pk=node_id)
        # Never move applied backwards: a slower push of an older revision may finish last.
        if node.applied_revision and node.applied_revision.number > revision.number:
            return
        node.applied_revision = revision
        node.last_heartbeat = {**node.last_heartbeat, "hash": revision.content_hash, "revision": revision.number}
        node.save(update_fields=["applied_revision", "last_heartbeat"])
        broadcast_node(node.pk)


def _finish(push: Push, status: str, services: dict, error: str) -> None:
    push.status, push.services, push.error, push.finished_at = status, services, error, timezone.now()
    push.save(update_fields=["status", "services", "error", "finished_at"])
    broadcast_node(push.node_id)


@shared_task(acks_late=True)
def rebuild_node_revision(node_id: int) -> str:
    """Rebuild a node's intent after changes; a new revision (and its push) only if the intent changed."""
    return revisions.rebuild_if_requested(node_id)


@shared_task(acks_late=True)
def reconcile_nodes() -> int:
    """Queue a push for every node whose applied revision is not its desired one, or whose agent drifted.

    A revision the agent already rejected (its checker failed, or it refused the push) is not sent again and
    again: the node stays failed on its page until the configuration changes or the NOC presses "push now".
    """
    rejected = Push.objects.filter(revision=OuterRef("desired_revision"), status__in=[Push.Status.FAILED,
                                                                                      Push.Status.REFUSED])
    candidates = GatewayNode.objects.exclude(desired_revision=None).annotate(rejected=Exists(rejected)).filter(
        rejected=False)
    behind = candidates.filter(Q(applied_revision=None) | ~Q(applied_revision=F("desired_revision")))
    drifted = [
        node for node in candidates.select_related("desired_revision")
        if node.last_heartbeat_at and node.running_hash and node.running_hash != node.desired_revision.content_hash
    ]
    node_ids = {node.pk for node in behind} | {node.pk for node in drifted}
    for node in drifted:
        # The agent runs something else than we think: forget our record so the push is not skipped as in sync.
        GatewayNode.objects.filter(pk=node.pk).update(applied_revision=None)
    for node_id in node_ids:
        push_node_revision.delay(node_id)
    stale_requests = GatewayNode.objects.filter(rebuild_requested_at__lt=timezone.now() - REBUILD_GRACE)
    for node_id in stale_requests.values_list("pk", flat=True):
        rebuild_node_revision.delay(node_id)  # its task was lost (Redis flushed, worker killed before it ran)
    return len(node_ids)
