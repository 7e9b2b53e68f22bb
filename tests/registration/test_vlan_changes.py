"""Plan changes under registered devices: renumbering keeps the DHCP service's interface and Kea subnet."""
import pytest
from django.test import Client

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
