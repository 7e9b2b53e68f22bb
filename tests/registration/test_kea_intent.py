"""A DHCP node's intent carries the registration VLAN's subnet, a KNOWN-only pool and one reservation per live device;
the rendered Kea files pass `kea-dhcp4 -t` / `kea-dhcp6 -t`."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from gateways.intent import validate_intent
from gateways.render import render_intent
from gateways.render.check import check_rendered
from opsconsole.nodes.intents import build_intent
from opsconsole.nodes.models import GatewayNode
from opsconsole.registration.models import Device, DhcpService

from tests.nodes.conftest import SandboxAgent
from tests.ports import free_port

from .conftest import make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def dhcp_node(db) -> GatewayNode:
    node = GatewayNode(name="dhcp-1", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    DhcpService.objects.create(node=node, interfaces={"40": "eth0.40"}, dns_servers6=["2001:db8:40::53"])
    return node


def dhcp_role(node) -> dict:
    return validate_intent(build_intent(node))["roles"]["dhcp"]


def test_registered_unexpired_devices_become_reservations(dhcp_node, nowep_vlan, participant):
    live = Device.objects.create(participant=participant, mac="00:1b:63:00:00:01")
    live.vlans.add(nowep_vlan)
    expired = Device.objects.create(participant=participant, mac="00:1b:63:00:00:02", expires_at=timezone.now() - timedelta(hours=1))
    expired.vlans.add(nowep_vlan)
    Device.objects.create(participant=participant, mac="00:1b:63:00:00:03")  # not registered for the VLAN
    over = make_participant("Gone Early", "gone@example.org", days=-1)
    Device.objects.create(participant=over, mac="00:1b:63:00:00:04").vlans.add(nowep_vlan)

    role = dhcp_role(dhcp_node)

    assert role["subnets4"] == [{
        "id": 40, "interface": "eth0.40", "prefix": "192.0.2.0/24", "router": "192.0.2.1",
        "pool": ["192.0.2.2", "192.0.2.254"], "known_only": True, "reservations": ["00:1b:63:00:00:01"],
        "v6only_wait": None,
    }]
    assert role["subnets6"] == [{
        "id": 40, "interface": "eth0.40", "prefix": "2001:db8:40::/64",
        "pool": ["2001:db8:40::1000", "2001:db8:40:0:ffff:ffff:ffff:ffff"], "dns_servers": ["2001:db8:40::53"],
        "router_advertisements": False, "slaac": False,
    }]


def test_rendered_kea_files_pass_the_real_checkers(dhcp_node, nowep_vlan, participant, tmp_path: Path):
    Device.objects.create(participant=participant, mac="00:1b:63:00:00:01").vlans.add(nowep_vlan)
    files = render_intent(build_intent(dhcp_node))
    for file in files:
        (tmp_path / file.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file.path).write_text(file.content)

    results = check_rendered(files, tmp_path)

    assert [(r.path, r.service, r.ok) for r in results] == [
        ("kea/kea-dhcp4.conf", "kea", True), ("kea/kea-dhcp6.conf", "kea6", True)]
    dhcp4 = files[0].content
    assert '"client-class": "KNOWN"' in dhcp4 and '"hw-address": "00:1b:63:00:00:01"' in dhcp4
    assert '"interfaces": [\n        "eth0.40"' in dhcp4  # the node's own interfaces stay in the installed file


def test_the_checker_refuses_a_broken_kea_file(tmp_path: Path):
    from gateways.render.check import CHECKERS

    broken = tmp_path / "kea-dhcp4.conf"
    broken.write_text('{"Dhcp4": {"interfaces-config": {"interfaces": []}, "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", '
                      '"pools": [{"pool": "198.51.100.1 - 198.51.100.9"}]}]}}')

    ok, message = CHECKERS["kea"](broken)

    assert not ok and "198.51.100.1" in message


@pytest.mark.django_db(transaction=True)
def test_a_registration_reaches_the_dhcp_nodes_agent(nowep_vlan, helpdesk_client, tmp_path: Path):
    node = GatewayNode(name="dhcp-2", agent_url=f"http://127.0.0.1:{free_port()}")
    node.issue_credentials()
    node.save()
    agent = SandboxAgent(node, tmp_path / "agent", console_url="")
    try:
        agent.start()
        DhcpService.objects.create(node=node, interfaces={"40": "eth0.40"})
        participant = make_participant()

        helpdesk_client.post(f"/registration/participants/{participant.pk}/devices/",
                             {"mac": "00:1b:63:00:00:05", "os": "linux", "vlans": [nowep_vlan.pk]})

        node.refresh_from_db()
        assert node.applied_revision == node.desired_revision
        assert node.desired_revision.intent["roles"]["dhcp"]["subnets4"][0]["reservations"] == ["00:1b:63:00:00:05"]
        assert "device registrations changed" in node.desired_revision.reason
        assert '"hw-address": "00:1b:63:00:00:05"' in (agent.sandbox / "kea" / "kea-dhcp4.conf").read_text()
    finally:
        agent.stop()


def test_router_advertisements_follow_the_dhcp_service_and_the_plan(dhcp_node, nowep_vlan):
    from opsconsole.plan.choices import Allocation, Family

    DhcpService.objects.filter(node=dhcp_node).update(router_advertisements=True)
    nowep_vlan.families.filter(family=Family.IPV6).update(allocation=Allocation.RA)

    subnet6 = dhcp_role(dhcp_node)["subnets6"][0]

    assert subnet6["router_advertisements"] and subnet6["slaac"] and subnet6["pool"] is None
    assert "radvd/radvd.conf" in [f.path for f in render_intent(build_intent(dhcp_node))]
