"""Changes become one new desired revision per node after commit; a rolled-back change leaves nothing stuck."""
import pytest
from django.db import transaction

from opsconsole.nodes.models import GatewayNode
from opsconsole.nodes.revisions import mark_nodes_dirty

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def node():
    node = GatewayNode(name="dirty-test", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    return node


def test_a_rolled_back_change_does_not_block_later_ones(node, monkeypatch):
    rebuilt = []
    monkeypatch.setattr("opsconsole.nodes.revisions.refresh_desired_revision",
                        lambda found, actor, reason: rebuilt.append((found.pk, reason)))
    with transaction.atomic():
        mark_nodes_dirty([node.pk], "will roll back")
        transaction.set_rollback(True)
    assert rebuilt == []

    with transaction.atomic():
        mark_nodes_dirty([node.pk], "first")
        mark_nodes_dirty([node.pk], "second")
    assert rebuilt == [(node.pk, "first; second")]


def test_outside_a_transaction_the_change_is_rebuilt_at_once(node, monkeypatch):
    rebuilt = []
    monkeypatch.setattr("opsconsole.nodes.revisions.refresh_desired_revision",
                        lambda found, actor, reason: rebuilt.append(found.pk))
    mark_nodes_dirty([node.pk], "autocommit")
    assert rebuilt == [node.pk]
