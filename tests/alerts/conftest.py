"""Rules, nodes with their agents' tokens, and samples written the way the stores write them."""
import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from opsconsole.alerts.models import AlertRule
from opsconsole.monitoring.models import Sample, Series
from opsconsole.nodes.models import ConfigRevision, GatewayNode


def only_rule(kind: str, **fields) -> AlertRule:
    """Make KIND's rule the only enabled one, with FIELDS (so each test watches one kind of alert)."""
    AlertRule.objects.exclude(kind=kind).update(enabled=False)
    rule, _ = AlertRule.objects.update_or_create(kind=kind, defaults={"enabled": True, "repeat_minutes": 0, **fields})
    return rule


def new_node(name: str) -> tuple[GatewayNode, str]:
    node = GatewayNode(name=name, agent_url="http://127.0.0.1:9")
    _secret, token = node.issue_credentials()
    node.save()
    return node, token


def silent_node(name: str) -> GatewayNode:
    """A node set up an hour ago whose agent never sent a heartbeat."""
    node = new_node(name)[0]
    ConfigRevision.objects.create(node=node, number=1, intent={}, content_hash="sha256:1", created_by="noc",
                                  reason="set up", created_at=timezone.now() - timedelta(hours=1))
    return node


def heartbeat(client, node: GatewayNode, token: str) -> None:
    """A heartbeat through the agents' API, as the agent sends it."""
    body = {"revision": 0, "hash": "", "services": {}, "counters": {}, "refused": []}
    response = client.post(f"/api/nodes/{node.name}/heartbeat/", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content


def node_sample(node: GatewayNode, key: str, value: float, at: datetime) -> None:
    series, _ = Series.objects.get_or_create(node=node, key=key)
    Sample.objects.create(series=series, at=at, value=value)


@pytest.fixture
def nat64_node(db) -> GatewayNode:
    return new_node("nat64-1")[0]
