"""Registrations leave Kea when they expire, with nobody editing anything; heartbeats feed the neighbour table."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.nodes.models import GatewayNode
from opsconsole.registration.models import Device, DhcpService, NeighbourEntry
from opsconsole.registration.tasks import expire_registrations

from .conftest import make_participant

pytestmark = pytest.mark.django_db(transaction=True)


def new_node(name: str) -> tuple[GatewayNode, str]:
    node = GatewayNode(name=name, agent_url="http://127.0.0.1:9")
    _secret, token = node.issue_credentials()
    node.save()
    return node, token


def reservations(node: GatewayNode) -> list[str]:
    node.refresh_from_db()
    return node.desired_revision.intent["roles"]["dhcp"]["subnets4"][0]["reservations"]


def test_an_expired_registration_leaves_the_dhcp_intent_on_the_next_beat(nowep_vlan, monkeypatch):
    monkeypatch.setattr("opsconsole.nodes.tasks.push_node_revision.delay", lambda node_id, **options: None)  # no agent here
    node, _token = new_node("dhcp-expiry")
    DhcpService.objects.create(node=node, interfaces={"40": "eth0.40"})
    device = Device.objects.create(participant=make_participant(), mac="00:1b:63:00:00:01",
                                   expires_at=timezone.now() + timedelta(hours=1))
    device.vlans.add(nowep_vlan)
    assert reservations(node) == ["00:1b:63:00:00:01"]
    revisions_before = node.revisions.count()

    expire_registrations()
    assert node.revisions.count() == revisions_before  # nothing changed, so no new revision

    Device.objects.filter(pk=device.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expire_registrations()
    assert reservations(node) == []
    assert node.desired_revision.reason == "registrations expired"


def dhcp_node_for_vlan_40(name: str, monkeypatch) -> tuple[GatewayNode, str]:
    monkeypatch.setattr("opsconsole.nodes.tasks.push_node_revision.delay", lambda node_id: None)  # no agent here
    node, token = new_node(name)
    DhcpService.objects.create(node=node, interfaces={"40": "eth0.40"})
    return node, token


def test_neighbours_in_a_heartbeat_are_recorded(client, nowep_vlan, monkeypatch):
    node, token = dhcp_node_for_vlan_40("gw-neighbours", monkeypatch)
    body = {"revision": 1, "hash": "sha256:x", "neighbours": [
        {"ip": "2001:db8:40::1234", "mac": "00-1B-63-00-00-09"}, {"ip": "192.0.2.7", "mac": "not a mac"}]}
    response = client.post(f"/api/nodes/{node.name}/heartbeat/", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert list(NeighbourEntry.objects.values_list("ip", "mac")) == [("2001:db8:40::1234", "00:1b:63:00:00:09")]


def test_only_a_node_serving_the_vlan_may_report_its_addresses(client, nowep_vlan, monkeypatch):
    dhcp, dhcp_token = dhcp_node_for_vlan_40("gw-dhcp-40", monkeypatch)
    stranger, stranger_token = new_node("gw-no-dhcp")
    claim = {"revision": 1, "hash": "sha256:x", "neighbours": [{"ip": "2001:db8:40::77", "mac": "00:1b:63:00:00:77"}]}
    outside = {"revision": 1, "hash": "sha256:x", "neighbours": [{"ip": "2001:db8:99::1", "mac": "00:1b:63:00:00:78"},
                                                                 {"ip": "192.0.2.200", "mac": "00:1b:63:00:00:79"}]}

    for node, token, body in ((stranger, stranger_token, claim), (dhcp, dhcp_token, outside)):
        response = client.post(f"/api/nodes/{node.name}/heartbeat/", json.dumps(body), content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200

    assert list(NeighbourEntry.objects.values_list("node__name", "ip")) == [("gw-dhcp-40", "192.0.2.200")]


def test_a_large_neighbour_table_is_stored_in_a_few_statements_not_one_per_entry(django_assert_max_num_queries, nowep_vlan,
                                                                                   monkeypatch):
    from opsconsole.registration.neighbours import record_neighbours

    node, _token = dhcp_node_for_vlan_40("gw-busy", monkeypatch)
    entries = [{"ip": f"2001:db8:40::{n:x}", "mac": f"00:1b:63:00:{n >> 8:02x}:{n & 0xff:02x}"} for n in range(1, 501)]
    # The served prefixes, the upsert (SQLite splits it into batches; PostgreSQL needs one) and the age prune.
    with django_assert_max_num_queries(10):
        assert record_neighbours(node, entries) == 500
    moved = [{"ip": "2001:db8:40::1", "mac": "00:1b:63:99:99:99"}, {"ip": "not an address", "mac": "00:1b:63:00:00:01"}]
    assert record_neighbours(node, moved) == 1
    assert NeighbourEntry.objects.get(node=node, ip="2001:db8:40::1").mac == "00:1b:63:99:99:99"
    assert NeighbourEntry.objects.filter(node=node).count() == 500


def test_neighbours_are_capped_per_heartbeat_and_pruned_by_age(client, nowep_vlan, monkeypatch):
    from opsconsole.nodes.api import MAX_NEIGHBOURS

    node, token = dhcp_node_for_vlan_40("gw-flood", monkeypatch)
    entries = [{"ip": f"2001:db8:40::{n:x}", "mac": f"00:1b:63:00:{n >> 8:02x}:{n & 0xff:02x}"} for n in range(1, 40001)]

    def beat(neighbours):
        body = {"revision": 1, "hash": "sha256:x", "neighbours": neighbours}
        return client.post(f"/api/nodes/{node.name}/heartbeat/", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")

    assert beat(entries).status_code == 200
    assert NeighbourEntry.objects.filter(node=node).count() == MAX_NEIGHBOURS

    NeighbourEntry.objects.filter(node=node).update(seen_at=timezone.now() - timedelta(hours=2))
    assert beat(entries[:3]).status_code == 200
    assert NeighbourEntry.objects.filter(node=node).count() == 3
