"""Every change through the editor pages lands in the audit trail with who, from where, before and after."""
import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.plan.models import Prefix, Ssid

pytestmark = pytest.mark.usefixtures("wide_plan")


def test_editing_an_ssid_is_audited(noc_client, noc_user):
    ssid = Ssid.objects.get(essid="widecamp-nowep")

    noc_client.post(
        f"/plan/ssids/{ssid.pk}/",
        {"essid": "widecamp-nowep", "hidden": "on", "authentication": "psk", "bands": ["2.4GHz"], "vlan": ssid.vlan_id},
        REMOTE_ADDR="2001:db8::10",
    )

    entry = AuditEntry.objects.get(object_type="plan.Ssid", object_id=str(ssid.pk), action="update")
    assert (entry.actor_id, entry.remote_addr, entry.via) == (noc_user.pk, "2001:db8::10", "page")
    assert (entry.before["authentication"], entry.after["authentication"]) == ("mac-auth", "psk")
    assert entry.changed_fields == ["authentication"]


def test_deleting_a_prefix_is_audited(noc_client, noc_user):
    prefix = Prefix.objects.get(network="192.168.0.0/24")

    noc_client.post(f"/plan/prefixes/{prefix.pk}/delete/", REMOTE_ADDR="192.0.2.9")

    entry = AuditEntry.objects.get(object_type="plan.Prefix", action="delete")
    assert (entry.actor_id, entry.remote_addr) == (noc_user.pk, "192.0.2.9")
    assert entry.before["network"] == "192.168.0.0/24" and entry.after is None


def test_a_vlan_still_in_use_is_not_deleted(noc_client):
    response = noc_client.post("/plan/vlans/101/delete/", follow=True)

    page = response.content.decode()
    assert "VLAN 101 widecamp is still in use by" in page and "widecamp-a" in page
    assert not AuditEntry.objects.filter(action="delete").exists()


def test_allowing_the_wifi_password_is_audited_and_shown_on_the_plan_page(noc_client):
    ssid = Ssid.objects.get(essid="widecamp-a")

    noc_client.post(f"/plan/ssids/{ssid.pk}/", {"essid": ssid.essid, "authentication": "wpa2-eap-tls",
                                                "wifi_password": "on", "bands": ["5GHz"], "vlan": ssid.vlan_id})

    entry = AuditEntry.objects.get(object_type="plan.Ssid", object_id=str(ssid.pk), action="update")
    assert (entry.changed_fields, entry.before["wifi_password"], entry.after["wifi_password"]) == (["wifi_password"], False, True)
    row = noc_client.get("/plan/").content.decode().split(">widecamp-a</a>")[1].split("</tr>")[0]
    assert "+ Wi-Fi password" in row
