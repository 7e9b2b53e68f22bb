"""Agents report to the console with their own node's token, and only their own node's."""
import json

import pytest

from opsconsole.nodes.models import GatewayNode

pytestmark = pytest.mark.django_db
RUNNING_HASH = "sha256:" + "ab" * 32


def beat(client, name, token, **report):
    body = {"revision": 3, "hash": RUNNING_HASH, "services": {}, "counters": {"applied": 1}, "refused": [], **report}
    return client.post(f"/api/nodes/{name}/heartbeat/", json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def new_node(name) -> tuple[GatewayNode, str]:
    node = GatewayNode(name=name, agent_url="http://127.0.0.1:9")
    _secret, token = node.issue_credentials()
    node.save()
    return node, token


def test_heartbeat_with_the_nodes_token_is_recorded(client):
    node, token = new_node("nat64-1")
    response = beat(client, "nat64-1", token, refused=["push is 93 s old, window is 30 s"])
    assert response.status_code == 200
    node.refresh_from_db()
    assert node.running_hash == RUNNING_HASH and node.last_heartbeat_at is not None
    assert node.last_heartbeat["refused"] == ["push is 93 s old, window is 30 s"]


def test_a_token_reaches_only_its_own_node(client):
    new_node("nat64-1")
    _other, other_token = new_node("nat64-2")
    response = beat(client, "nat64-1", other_token)
    assert response.status_code == 401
    assert GatewayNode.objects.get(name="nat64-1").last_heartbeat_at is None


def test_missing_or_wrong_token_is_refused_the_same_way_as_an_unknown_node(client):
    new_node("nat64-1")
    assert client.post("/api/nodes/nat64-1/heartbeat/", "{}", content_type="application/json").status_code == 401
    assert beat(client, "nat64-1", "not-the-token").json()["reason"] == beat(client, "nope", "x").json()["reason"]


def test_tokens_and_secrets_are_not_stored_in_clear():
    node, token = new_node("nat64-1")
    stored = GatewayNode.objects.filter(pk=node.pk).values("secret_encrypted", "token_hash").get()
    assert token not in stored["token_hash"] and token not in stored["secret_encrypted"]
    assert node.push_secret  # decryptable by the console, which must sign with it


def test_a_body_that_is_not_a_json_object_is_refused(client):
    node, token = new_node("nat64-1")
    for body in ("[1, 2]", "not json", '"hash"'):
        response = client.post("/api/nodes/nat64-1/heartbeat/", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        assert (response.status_code, response.json()["reason"]) == (400, "body is not a JSON object")
    node.refresh_from_db()
    assert node.last_heartbeat_at is None


@pytest.mark.parametrize("body", [
    '{"hash": NaN}', '{"revision": Infinity}', '{"refused": 5}', '{"refused": [1]}', '{"revision": "3"}',
    '{"revision": true}', '{"services": []}', '{"counters": {"applied": "many"}}', '{"hash": 7}',
    '{"hash": "<script>"}', '{"neighbours": {"ip": "192.0.2.1"}}', '{"neighbours": [5]}',
])
def test_a_heartbeat_with_a_field_of_the_wrong_type_is_refused(client, body):
    node, token = new_node("nat64-1")
    response = client.post("/api/nodes/nat64-1/heartbeat/", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    node.refresh_from_db()
    assert node.last_heartbeat_at is None


def test_the_node_page_still_opens_after_a_refused_heartbeat(client, noc_client):
    node, token = new_node("nat64-1")
    client.post("/api/nodes/nat64-1/heartbeat/", '{"refused": 5}', content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}")
    assert noc_client.get("/nodes/nat64-1/").status_code == 200
