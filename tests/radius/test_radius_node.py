"""The RADIUS node: its intent carries the clients but no secret; its agent fetches the secrets with its own token."""
import json

import pytest

from gateways.intent import validate_intent
from gateways.render import render_intent
from opsconsole.certificates.issuing import server_certificate
from opsconsole.certificates.models import RevocationReason
from opsconsole.nodes.intents import build_intent
from opsconsole.radius.models import Nas
from opsconsole.radius.tasks import refresh_crl

from ..transition.conftest import make_node
from .nodes import make_radius_node

pytestmark = pytest.mark.django_db

SECRET = "ap-17-shared-secret"


@pytest.fixture
def radius_node(db):
    return make_radius_node("radius-1", "ap-17", "192.0.2.17", SECRET, listen=["::"])


def test_the_intent_has_the_radius_role_with_its_clients_and_no_secret(radius_node):
    node, _token, nas = radius_node

    intent = build_intent(node)

    role = validate_intent(intent)["roles"]["radius"]
    assert role["clients"] == [{"id": nas.pk, "name": "ap-17", "address": "192.0.2.17/32"}]
    assert role["database"]["dialect"] in ("sqlite", "postgresql")
    assert SECRET not in json.dumps(intent) and nas.secret_encrypted not in json.dumps(intent)
    files = render_intent(intent)
    assert any(f.path == "freeradius/clients.conf" for f in files)
    assert not any(SECRET in f.content for f in files)


def test_a_renewed_secret_changes_the_intent_so_the_agent_fetches_it_again(radius_node):
    node, _token, nas = radius_node
    before = build_intent(node)["roles"]["radius"]["secrets_version"]

    nas.set_secret("a-renewed-secret")
    nas.save()

    assert build_intent(node)["roles"]["radius"]["secrets_version"] not in ("", before)


def test_a_nas_change_marks_the_radius_node_for_a_rebuild(radius_node, django_capture_on_commit_callbacks, monkeypatch):
    node, _token, _nas = radius_node
    marked = []
    monkeypatch.setattr("opsconsole.radius.signals.mark_nodes_dirty", lambda ids, reason: marked.append((list(ids), reason)))

    with django_capture_on_commit_callbacks(execute=True):
        Nas.objects.create(name="ap-18", address="192.0.2.18", secret_encrypted="x")

    assert marked == [([node.pk], "NAS inventory changed")]


def test_the_agent_gets_its_roles_secrets_with_its_own_token_only(radius_node, client):
    node, token, nas = radius_node
    other = make_node("dhcp-1")
    _secret, other_token = other.issue_credentials()
    other.save()

    answer = client.get("/api/nodes/radius-1/secrets/", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    assert answer.json()["secrets"]["radius"]["nas"] == {str(nas.pk): SECRET}

    assert client.get("/api/nodes/radius-1/secrets/", headers={"Authorization": f"Bearer {other_token}"}).status_code == 401
    assert client.get("/api/nodes/radius-1/secrets/").status_code == 401
    mine = client.get("/api/nodes/dhcp-1/secrets/", headers={"Authorization": f"Bearer {other_token}"})
    assert mine.status_code == 200 and mine.json()["secrets"] == {}


def test_a_revocation_and_the_daily_crl_mark_the_radius_node_for_a_rebuild(radius_node, django_capture_on_commit_callbacks,
                                                                         monkeypatch):
    node, _token, _nas = radius_node
    marked = []
    record = lambda ids, reason: marked.append((list(ids), reason))  # noqa: E731
    monkeypatch.setattr("opsconsole.radius.signals.mark_nodes_dirty", record)
    monkeypatch.setattr("opsconsole.radius.tasks.mark_nodes_dirty", record)
    server = server_certificate()
    marked.clear()

    with django_capture_on_commit_callbacks(execute=True):
        server.revoke(RevocationReason.REQUESTED)
    refresh_crl()

    assert marked == [([node.pk], "certificate revoked"), ([node.pk], "daily CRL refresh")]
