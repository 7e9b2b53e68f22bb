"""Secrets go in through the API and never come out; the NOC pushes and rolls back a node as on its page."""
from opsconsole.audit.models import AuditEntry
from opsconsole.monitoring.models import SnmpDevice
from opsconsole.nodes.models import ConfigRevision
from opsconsole.radius.models import Nas


def test_a_nas_secret_is_write_only(noc_api, world):
    created = noc_api("post", "/api/v1/nas/", {"name": "ap-tent", "address": "2001:db8:40::10/128",
                                               "secret": "tent-shared-secret"})

    assert created.status_code == 201, created.content
    assert created.json() == {"id": created.json()["id"], "name": "ap-tent", "address": "2001:db8:40::10",
                              "coa_port": 3799, "ssids": []}
    assert Nas.objects.get(name="ap-tent").secret == "tent-shared-secret"
    listed = noc_api.get("/api/v1/nas/").content.decode()
    assert "tent-shared-secret" not in listed and "nas-shared-secret" not in listed and "secret" not in listed
    entry = AuditEntry.objects.get(object_type="radius.Nas", action=AuditEntry.Action.CREATE, via="api")
    assert entry.after["secret_encrypted"] == "(secret)"


def test_a_nas_needs_a_proper_secret(noc_api, world):
    assert noc_api("post", "/api/v1/nas/", {"name": "ap-x", "address": "192.0.2.9"}).json() == {
        "secret": ["A new NAS needs its shared secret."]}
    assert noc_api("post", "/api/v1/nas/", {"name": "ap-x", "address": "192.0.2.9", "secret": "short"}).json() == {
        "secret": ["A shared secret is at least 8 printable ASCII characters."]}
    kept = noc_api("patch", f"/api/v1/nas/{world['nas'].pk}/", {"name": "ap-hall-2"})
    assert kept.status_code == 200 and Nas.objects.get(pk=world["nas"].pk).secret == "nas-shared-secret"


def test_snmp_communities_and_keys_are_write_only(noc_api, world):
    created = noc_api("post", "/api/v1/snmp-devices/", {
        "name": "ap-controller", "address": "2001:db8::20", "kind": "wireless-controller", "version": "v3",
        "v3_user": "poller", "auth_protocol": "sha256", "auth_key": "auth-key-secret", "priv_protocol": "aes",
        "priv_key": "priv-key-secret"})

    assert created.status_code == 201, created.content
    body = created.content.decode() + noc_api.get("/api/v1/snmp-devices/").content.decode()
    for secret in ("auth-key-secret", "priv-key-secret", "snmp-community-secret", "auth_key", "community"):
        assert secret not in body
    device = SnmpDevice.objects.get(name="ap-controller")
    assert device.secret("auth_key_encrypted") == "auth-key-secret"
    refused = noc_api("post", "/api/v1/snmp-devices/", {"name": "sw-2", "address": "192.0.2.4", "kind": "switch"})
    assert refused.json() == {"version": ["SNMPv2c needs a community."]}


def test_the_noc_pushes_a_node_and_the_push_is_audited(noc_api, noc_user, world):
    response = noc_api("post", "/api/v1/nodes/nat64-a/push/")

    assert response.status_code == 202 and response.json() == {"revision": 1}
    entry = AuditEntry.objects.get(object_type="nodes.GatewayNode", action=AuditEntry.Action.ACTION)
    assert (entry.actor_id, entry.via, entry.after) == (noc_user.pk, "api", {"action": "push now", "revision": 1})


def test_the_noc_rolls_a_node_back_to_an_earlier_revision(noc_api, world):
    response = noc_api("post", "/api/v1/nodes/nat64-a/rollback/", {"revision": 1})

    assert response.status_code == 201 and response.json() == {"revision": 2}
    restored = ConfigRevision.objects.get(node=world["node"], number=2)
    assert (restored.intent, restored.created_by, restored.reason) == ({"schema": 1}, "alice-noc",
                                                                        "roll back to revision 1")
    assert noc_api("post", "/api/v1/nodes/nat64-a/rollback/", {"revision": 9}).status_code == 404
    node = noc_api.get("/api/v1/nodes/nat64-a/").json()
    assert node["desired_revision"] == 2 and "token_hash" not in node and "secret_encrypted" not in node
