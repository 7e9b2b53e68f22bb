"""Plan changes under registered devices: renumbering keeps the DHCP service's interface and Kea subnet."""
import pytest
from django.test import Client

from opsconsole.audit.models import AuditEntry
from opsconsole.plan.models import Vlan
from opsconsole.registration.models import Device, DhcpService

from .test_kea_intent import dhcp_node, dhcp_role  # noqa: F401 - dhcp_node is a fixture

pytestmark = pytest.mark.django_db


def vlan_form(vlan: Vlan, **changes) -> dict:
    data = {"vid": vlan.vid, "name": vlan.name, "purpose": vlan.purpose}
    for row in vlan.families.all():
        data |= {f"{row.family}-{name}": getattr(row, name) for name in ("scope", "resolver", "allocation", "transition")}
    return data | changes


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_renumbering_a_vlan_keeps_its_dhcp_interface_and_kea_subnet(noc_user, helpdesk_user, dhcp_node, nowep_vlan, participant):
    noc_client, helpdesk_client = signed_in(noc_user), signed_in(helpdesk_user)
    Device.objects.create(participant=participant, mac="00:1b:63:00:00:01").vlans.add(nowep_vlan)

    assert noc_client.post("/plan/vlans/40/", vlan_form(nowep_vlan, vid=41)).status_code == 302
    # The next rebuild comes from an unrelated registration.
    helpdesk_client.post(f"/registration/participants/{participant.pk}/devices/",
                         {"mac": "00:1b:63:00:00:02", "os": "other", "vlans": [nowep_vlan.pk]})

    assert DhcpService.objects.get().interfaces == {"41": "eth0.40"}
    role = dhcp_role(dhcp_node)
    assert [(s["id"], s["interface"], s["reservations"]) for s in role["subnets4"]] == [
        (41, "eth0.40", ["00:1b:63:00:00:01", "00:1b:63:00:00:02"])]
    assert [(s["id"], s["interface"]) for s in role["subnets6"]] == [(41, "eth0.40")]


def registered_vlan_without_plan_rows(participant, other) -> Vlan:
    """A registration VLAN whose SSIDs and prefixes are gone, so only its registrations stand in the way."""
    vlan = Vlan.objects.create(vid=50, name="guests")
    for index, owner in enumerate([participant, participant, other]):
        Device.objects.create(participant=owner, mac=f"00:1b:63:00:05:{index:02x}").vlans.add(vlan)
    return vlan


def test_deleting_a_vlan_names_the_registrations_it_takes_and_audits_each_device(noc_client, participant, other):
    vlan = registered_vlan_without_plan_rows(participant, other)
    devices = list(Device.objects.filter(vlans=vlan))

    page = noc_client.get("/plan/vlans/50/delete/").content.decode()
    assert "VLAN 50 guests: 3 devices of 2 participants lose their registration for it." in page

    assert noc_client.post("/plan/vlans/50/delete/").status_code == 302
    assert not Vlan.objects.filter(vid=50).exists()
    for device in devices:
        entry = AuditEntry.objects.filter(object_type="registration.Device", object_id=str(device.pk)).latest("pk")
        assert entry.after == {"vlans": []} and entry.actor_label == "alice-noc"


def test_a_yaml_import_that_drops_a_registered_vlan_says_so_in_its_preview(noc_client, participant, other):
    registered_vlan_without_plan_rows(participant, other)
    plan = "vlans:\n- {vid: 60, name: staff, ipv6: {scope: none, allocation: none, resolver: none, transition: none}, " \
           "ipv4: {scope: none, allocation: none, resolver: none, transition: none}}\nssids: []\nprefixes: []\n"

    preview = noc_client.post("/plan/import/", {"action": "check", "text": plan}).content.decode()

    assert "VLAN 50 guests: 3 devices of 2 participants lose their registration for it." in preview
    assert Device.objects.filter(vlans__vid=50).count() == 3

    assert noc_client.post("/plan/import/", {"action": "import", "text": plan}).status_code == 302
    removals = AuditEntry.objects.filter(object_type="registration.Device", after={"vlans": []})
    assert removals.count() == 3 and not Device.objects.filter(vlans__vid=50).exists()
