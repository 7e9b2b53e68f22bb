"""An agent reporting a hash the console never sent is "drifted" and is pushed again with growing pauses."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.nodes.models import NodeState, Push
from opsconsole.nodes.tasks import push_node_revision, reconcile_nodes

from .conftest import dns64_intent
from .test_push import desire

pytestmark = pytest.mark.django_db
NEVER_SENT = "sha256:" + "0" * 64


def report(client, node, token, content_hash):
    response = client.post(f"/api/nodes/{node.name}/heartbeat/", json.dumps({"hash": content_hash, "revision": 9}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def age_deliveries(node, seconds):
    node.pushes.update(finished_at=timezone.now() - timedelta(seconds=seconds))


def test_a_hash_never_sent_marks_the_node_drifted_and_is_repushed_with_backoff(client, gateway_node, sandbox_agent):
    sandbox_agent.start()
    token = (sandbox_agent.directory / "console.token").read_text()  # its heartbeats are posted by the test
    desire(gateway_node, dns64_intent(gateway_node.name))
    assert push_node_revision(gateway_node.pk) == Push.Status.APPLIED

    report(client, gateway_node, token, NEVER_SENT)
    gateway_node.refresh_from_db()
    assert gateway_node.state() == NodeState.DRIFTED

    assert reconcile_nodes() == 0  # 5 s after the last delivery at the earliest
    age_deliveries(gateway_node, 6)
    assert reconcile_nodes() == 1
    assert gateway_node.pushes.count() == 2

    report(client, gateway_node, token, NEVER_SENT)
    age_deliveries(gateway_node, 6)
    assert reconcile_nodes() == 0  # the second pause is 10 s
    age_deliveries(gateway_node, 11)
    assert reconcile_nodes() == 1
    assert gateway_node.pushes.count() == 3
