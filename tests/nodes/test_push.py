"""Pushing a node's desired revision to its real (sandbox) agent: applied, unchanged, rejected, refused, unreachable."""
from datetime import timedelta

import pytest
from django.utils import timezone

from gateways.intent import content_hash, validate_intent
from opsconsole.nodes.models import GatewayNode, NodeState, Push
from opsconsole.nodes.revisions import new_revision
from opsconsole.nodes.tasks import push_node_revision, reconcile_nodes

from .conftest import dns64_intent

pytestmark = pytest.mark.django_db


def desire(node, intent, reason="test change"):
    intent = validate_intent(intent)
    return new_revision(node, intent, content_hash(intent), "alice-noc", reason)


def unbound_conf(agent) -> str:
    return (agent.sandbox / "unbound" / "unbound.conf").read_text()


def test_push_applies_the_desired_revision(gateway_node, sandbox_agent):
    sandbox_agent.start()
    revision = desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:64::/96"))

    assert push_node_revision(gateway_node.pk) == Push.Status.APPLIED

    gateway_node.refresh_from_db()
    assert gateway_node.applied_revision == revision
    assert gateway_node.state() == NodeState.IN_SYNC
    assert "dns64-prefix: 2001:db8:64::/96" in unbound_conf(sandbox_agent)
    push = gateway_node.pushes.get()
    assert push.status == Push.Status.APPLIED and push.services["unbound"]["ok"]


def test_pushing_the_same_hash_again_is_a_no_op(gateway_node, sandbox_agent):
    sandbox_agent.start()
    desire(gateway_node, dns64_intent(gateway_node.name))
    push_node_revision(gateway_node.pk)
    GatewayNode.objects.filter(pk=gateway_node.pk).update(applied_revision=None)

    assert push_node_revision(gateway_node.pk) == Push.Status.UNCHANGED


def test_a_node_in_sync_is_not_pushed_again(gateway_node, sandbox_agent):
    sandbox_agent.start()
    desire(gateway_node, dns64_intent(gateway_node.name))
    push_node_revision(gateway_node.pk)

    assert push_node_revision(gateway_node.pk) == "in sync"
    assert gateway_node.pushes.count() == 1


def test_checker_rejection_keeps_the_last_good_config(gateway_node, sandbox_agent):
    sandbox_agent.start()
    good = desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:64::/96"))
    push_node_revision(gateway_node.pk)
    before = unbound_conf(sandbox_agent)
    # Validation accepts a repeated listen address; unbound-checkconf does not.
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:65::/96", listen=["::1", "::1"]))

    assert push_node_revision(gateway_node.pk) == Push.Status.FAILED

    gateway_node.refresh_from_db()
    assert gateway_node.applied_revision == good
    assert gateway_node.state() == NodeState.FAILED
    assert unbound_conf(sandbox_agent) == before
    failed = gateway_node.pushes.first()
    assert "unbound" in failed.error and "twice" in failed.error


def test_push_signed_with_a_wrong_secret_is_refused_and_recorded(gateway_node, sandbox_agent):
    sandbox_agent.start()
    gateway_node.issue_credentials()  # the console now holds a secret the agent never saw
    gateway_node.save()
    desire(gateway_node, dns64_intent(gateway_node.name))

    assert push_node_revision(gateway_node.pk) == Push.Status.REFUSED

    push = gateway_node.pushes.get()
    assert "signature does not match" in push.error
    assert "signature does not match" in sandbox_agent.log
    assert gateway_node.state() == NodeState.FAILED


def test_a_push_queued_before_the_agent_rejected_the_revision_sends_nothing(gateway_node, sandbox_agent):
    # Found in CI: a rebuild and a reconcile each queued a push; the second ran once the first had released the node
    # and sent the rejected revision again.
    sandbox_agent.start()
    gateway_node.issue_credentials()
    gateway_node.save()
    revision = desire(gateway_node, dns64_intent(gateway_node.name))
    assert push_node_revision(gateway_node.pk) == Push.Status.REFUSED

    assert push_node_revision(gateway_node.pk) == "rejected"

    assert gateway_node.pushes.filter(revision=revision).count() == 1
    assert sandbox_agent.log.count("signature does not match") == 1


def test_unreachable_agent_is_retried_on_one_row_and_reconcile_delivers_later(gateway_node, sandbox_agent):
    revision = desire(gateway_node, dns64_intent(gateway_node.name))
    assert push_node_revision(gateway_node.pk) == Push.Status.UNREACHABLE
    push = gateway_node.pushes.get()
    assert (push.status, push.attempts, push.retry) == (Push.Status.UNREACHABLE, 1, 1)
    assert push.next_attempt_at > timezone.now()
    assert gateway_node.state() == NodeState.UNREACHABLE

    for _second in range(3):  # beat's reconcile ticks before the retry is due send nothing
        assert reconcile_nodes() == 0
    make_retry_due(push)
    assert reconcile_nodes() == 1
    push.refresh_from_db()
    assert (gateway_node.pushes.count(), push.attempts, push.retry) == (1, 2, 2)
    assert push.next_attempt_at - timezone.now() > timedelta(seconds=8)  # the second wait is twice the first

    sandbox_agent.start()
    make_retry_due(push)
    assert reconcile_nodes() == 1

    push.refresh_from_db()
    gateway_node.refresh_from_db()
    assert (push.status, push.attempts, push.next_attempt_at) == (Push.Status.APPLIED, 3, None)
    assert gateway_node.applied_revision == revision
    assert gateway_node.state() == NodeState.IN_SYNC


def test_retries_run_out_and_reconcile_waits_before_starting_again(gateway_node):
    desire(gateway_node, dns64_intent(gateway_node.name))
    push_node_revision(gateway_node.pk)
    push = gateway_node.pushes.get()
    for _retry in range(Push.RETRIES):
        make_retry_due(push)
        reconcile_nodes()
        push.refresh_from_db()
    assert (push.attempts, push.next_attempt_at) == (Push.RETRIES + 1, None)
    assert reconcile_nodes() == 0
    assert gateway_node.pushes.count() == 1


def make_retry_due(push):
    Push.objects.filter(pk=push.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_newest_revision_wins_whatever_queued_the_task(gateway_node, sandbox_agent):
    sandbox_agent.start()
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:64::/96"))
    newest = desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:66::/96"))

    push_node_revision(gateway_node.pk)

    gateway_node.refresh_from_db()
    assert gateway_node.applied_revision == newest
    assert "2001:db8:66::/96" in unbound_conf(sandbox_agent)


def test_reconcile_does_not_resend_a_revision_the_agent_rejected(gateway_node, sandbox_agent):
    sandbox_agent.start()
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:64::/96"))
    push_node_revision(gateway_node.pk)
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:65::/96", listen=["::1", "::1"]))
    assert push_node_revision(gateway_node.pk) == Push.Status.FAILED

    assert reconcile_nodes() == 0
    assert gateway_node.pushes.count() == 2

    fixed = desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:65::/96"))
    assert reconcile_nodes() == 1
    gateway_node.refresh_from_db()
    assert gateway_node.applied_revision == fixed
