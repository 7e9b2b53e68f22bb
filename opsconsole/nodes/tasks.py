"""Celery tasks: push a node's newest desired revision, and reconcile every node that is not in sync."""
import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from . import revisions
from .agent_client import ANSWER_SECONDS, CONNECT_SECONDS, AgentNoAnswer, AgentUnreachable, send_revision
from .live import broadcast_node
from .models import GatewayNode, Push

log = logging.getLogger(__name__)
REBUILD_GRACE = timedelta(seconds=10)
# Longer than any one push can take; a claim older than this belonged to a worker that died.
PUSH_CLAIM = timedelta(seconds=CONNECT_SECONDS + ANSWER_SECONDS + 15)
FIRST_RETRY = timedelta(seconds=5)
LONGEST_WAIT = timedelta(minutes=5)
# The agent said no (its checker failed, or it refused the push): sending the same revision again cannot help.
REJECTIONS = (Push.Status.FAILED, Push.Status.REFUSED)


def backoff(retry: int) -> timedelta:
    """How long before retry number RETRY (1, 2, ...): 5 s, 10 s, 20 s, ... at most 5 minutes."""
    return min(FIRST_RETRY * 2 ** (retry - 1), LONGEST_WAIT)


@shared_task(acks_late=True)
def push_node_revision(node_id: int, force: bool = False) -> str:
    """Send the node's desired revision (always the newest, whatever revision queued this task).

    One worker at a time pushes to a node (it claims the node); an agent that does not answer is retried with
    backoff on the same push row, by reconcile. FORCE ("push now") sends even to a node that looks in sync.
    """
    node = GatewayNode.objects.select_related("desired_revision").filter(pk=node_id).first()
    if node is None or node.desired_revision is None:
        return "nothing to push"
    revision = node.desired_revision
    waiting = node.pushes.filter(next_attempt_at__isnull=False).first()
    now = timezone.now()
    if not force:
        if node.applied_revision_id == revision.pk and node.running_hash in ("", revision.content_hash):
            return "in sync"
        if waiting and waiting.next_attempt_at > now:
            return "waiting for retry"
    claimed = GatewayNode.objects.filter(Q(push_claimed_until=None) | Q(push_claimed_until__lt=now), pk=node_id)
    if not claimed.update(push_claimed_until=now + PUSH_CLAIM):
        return "already pushing"
    try:
        # Under the claim: a push queued earlier may have ended meanwhile, rejected (not sent again, as in reconcile)
        # or waiting for its retry (the same row, one attempt more).
        if not force and revision.pushes.filter(status__in=REJECTIONS).exists():
            return "rejected"
        push = _start(node, revision, node.pushes.filter(next_attempt_at__isnull=False).first())
        status = _send(node, revision, push)
    finally:
        GatewayNode.objects.filter(pk=node_id).update(push_claimed_until=None)
    if GatewayNode.objects.filter(pk=node_id).exclude(desired_revision=revision).exists():
        push_node_revision.delay(node_id)  # a newer revision arrived while this one was on its way
    return status


def _start(node: GatewayNode, revision, waiting: Push | None) -> Push:
    if waiting is None:
        push = Push.objects.create(node=node, revision=revision)
    else:  # the retry of an agent that did not answer: the same row, one attempt more
        push = waiting
        push.revision, push.status, push.next_attempt_at, push.attempts = (
            revision, Push.Status.SENDING, None, push.attempts + 1)
        push.save(update_fields=["revision", "status", "next_attempt_at", "attempts"])
    broadcast_node(node.pk)
    return push


def _send(node: GatewayNode, revision, push: Push) -> str:
    try:
        reply = send_revision(node, revision)
    except AgentNoAnswer as exc:
        _unanswered(push, Push.Status.NO_ANSWER, str(exc))
        return Push.Status.NO_ANSWER
    except AgentUnreachable as exc:
        _unanswered(push, Push.Status.UNREACHABLE, str(exc))
        return Push.Status.UNREACHABLE
    except Exception as exc:  # whatever went wrong, the row must not stay "sending"
        log.exception("push of %s", revision)
        _finish(push, Push.Status.FAILED, {}, f"{exc.__class__.__name__}: {exc}")
        return Push.Status.FAILED
    _finish(push, reply.status, reply.services, reply.error)
    if reply.status in (Push.Status.APPLIED, Push.Status.UNCHANGED):
        _record_applied(node.pk, revision)
    return reply.status


def _unanswered(push: Push, status: str, error: str) -> None:
    """Record that the agent did not answer and plan the next retry, if any is left."""
    log.warning("push of %s: %s", push.revision, error)
    retry = push.attempts
    push.next_attempt_at = timezone.now() + backoff(retry) if retry <= Push.RETRIES else None
    push.save(update_fields=["next_attempt_at"])
    _finish(push, status, {}, error)


def _record_applied(node_id: int, revision) -> None:
    with transaction.atomic():
        node = GatewayNode.objects.select_for_update(of=("self",)).select_related("applied_revision").get(pk=node_id)
        # Never move applied backwards: a slower push of an older revision may finish last.
        if node.applied_revision and node.applied_revision.number > revision.number:
            return
        node.applied_revision = node.running_revision = revision
        node.last_heartbeat = {**node.last_heartbeat, "hash": revision.content_hash, "revision": revision.number}
        node.save(update_fields=["applied_revision", "running_revision", "last_heartbeat"])
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
    An agent that does not answer is retried on its push's schedule; a drifted agent with growing pauses.
    """
    now = timezone.now()
    _give_up_on_dead_workers(now)
    rejected = Push.objects.filter(revision=OuterRef("desired_revision"), status__in=REJECTIONS)
    waiting = Push.objects.filter(node=OuterRef("pk"), next_attempt_at__gt=now)
    candidates = (GatewayNode.objects.exclude(desired_revision=None)
                  .filter(Q(push_claimed_until=None) | Q(push_claimed_until__lt=now))
                  .annotate(rejected=Exists(rejected), waiting=Exists(waiting)).filter(rejected=False, waiting=False))
    behind = {node.pk for node in candidates.filter(Q(applied_revision=None) | ~Q(applied_revision=F("desired_revision")))
              if not _gave_up_recently(node, now)}
    drifted = {
        node.pk for node in candidates.filter(applied_revision=F("desired_revision"), last_heartbeat_at__isnull=False)
        .select_related("desired_revision")
        if node.running_hash and node.running_hash != node.desired_revision.content_hash and _drift_retry_due(node, now)
    }
    # A due retry is sent even to a node that looks in sync: "push now" may have been the unanswered push.
    due = set(Push.objects.filter(next_attempt_at__lte=now).values_list("node_id", flat=True))
    for node_id in behind | drifted | due:
        push_node_revision.delay(node_id, force=node_id in drifted | due)
    stale_requests = GatewayNode.objects.filter(rebuild_requested_at__lt=now - REBUILD_GRACE)
    for node_id in stale_requests.values_list("pk", flat=True):
        rebuild_node_revision.delay(node_id)  # its task was lost (Redis flushed, worker killed before it ran)
    return len(behind | drifted | due)


def _give_up_on_dead_workers(now) -> None:
    """A push still "sending" after its node's claim ran out lost its worker: no answer, retried like one."""
    dead = Push.objects.filter(status=Push.Status.SENDING).filter(
        Q(node__push_claimed_until=None) | Q(node__push_claimed_until__lt=now))
    for push in dead.select_related("revision"):
        _unanswered(push, Push.Status.NO_ANSWER, "no answer: the worker sending this push stopped")


def _gave_up_recently(node: GatewayNode, now) -> bool:
    """Retries ran out; start again only once the agent beats again or the longest wait has passed."""
    last = node.last_push
    if last is None or last.status not in Push.UNANSWERED or last.finished_at is None:
        return False
    heard_since = node.last_heartbeat_at is not None and node.last_heartbeat_at > last.finished_at
    return not heard_since and now - last.finished_at < LONGEST_WAIT


def _drift_retry_due(node: GatewayNode, now) -> bool:
    """Each push of the desired revision that the agent then did not keep running doubles the pause."""
    delivered = node.pushes.filter(revision=node.desired_revision,
                                   status__in=[Push.Status.APPLIED, Push.Status.UNCHANGED])
    last = delivered.first()
    return last is None or last.finished_at + backoff(delivered.count()) <= now
