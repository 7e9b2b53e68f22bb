"""A change is rebuilt by a worker, once however many rebuilds were queued; a lost rebuild is found by reconcile."""
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.nodes.models import GatewayNode
from opsconsole.nodes.tasks import rebuild_node_revision, reconcile_nodes

pytestmark = pytest.mark.django_db


@pytest.fixture
def node(monkeypatch):
    monkeypatch.setattr("opsconsole.nodes.tasks.push_node_revision.delay", lambda node_id, **options: None)  # no agent here
    node = GatewayNode(name="rebuild-test", description="first", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    return node


def request_rebuild(node, ago=timedelta(0), reason="description changed"):
    GatewayNode.objects.filter(pk=node.pk).update(rebuild_requested_at=timezone.now() - ago, rebuild_reason=reason,
                                                  rebuild_actor="alice-noc")


def test_queued_rebuilds_of_one_change_become_one_revision(node):
    request_rebuild(node)
    assert rebuild_node_revision(node.pk) == "revision 1"
    assert rebuild_node_revision(node.pk) == "already rebuilt"
    revision = GatewayNode.objects.get(pk=node.pk).desired_revision
    assert (revision.number, revision.created_by, revision.reason) == (1, "alice-noc", "description changed")
    assert revision.intent["description"] == "first"


def test_a_rebuild_without_a_real_change_records_no_revision(node):
    request_rebuild(node)
    rebuild_node_revision(node.pk)
    request_rebuild(node)
    assert rebuild_node_revision(node.pk) == "unchanged"
    assert node.revisions.count() == 1


def test_reconcile_rebuilds_a_request_whose_task_was_lost(node, django_capture_on_commit_callbacks):
    request_rebuild(node, ago=timedelta(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        reconcile_nodes()
    node.refresh_from_db()
    assert node.rebuild_requested_at is None and node.desired_revision.number == 1


def test_an_intent_that_cannot_be_built_is_shown_on_the_node_page(node, noc_client, monkeypatch):
    monkeypatch.setattr("opsconsole.nodes.revisions.build_intent",
                        lambda found: {"schema": 1, "node": found.name, "roles": {"dns64": {"prefix": "nonsense"}}})
    request_rebuild(node)
    assert rebuild_node_revision(node.pk) == "unchanged"
    page = noc_client.get(f"/nodes/{node.name}/").content.decode()
    assert "cannot be turned into a configuration" in page and "roles.dns64" in page
