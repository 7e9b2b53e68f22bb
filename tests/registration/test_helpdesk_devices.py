"""One screen answers "why can't I connect": state per VLAN/SSID; edit, extend and remove are audited."""
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.registration.models import Device

pytestmark = pytest.mark.django_db


def test_page_shows_state_per_vlan_and_ssid(helpdesk_client, participant, nowep_vlan):
    Device.objects.create(participant=participant, mac="00:1b:63:00:00:01", label="registered").vlans.add(nowep_vlan)
    Device.objects.create(participant=participant, mac="00:1b:63:00:00:02", expires_at=timezone.now() - timedelta(hours=1)).vlans.add(nowep_vlan)
    Device.objects.create(participant=participant, mac="00:1b:63:00:00:03")

    page = helpdesk_client.get(f"/registration/participants/{participant.pk}/").content.decode()

    assert "widecamp-nowep" in page
    # device state + VLAN row for the first two; the third is registered for no VLAN, and says so in both places
    assert page.count(">registered<") == 2 and page.count(">expired<") == 2
    assert page.count(">not registered<") == 2


def test_event_over_is_shown(helpdesk_client, participant, nowep_vlan):
    participant.active_from = timezone.now() - timedelta(days=3)
    participant.active_until = timezone.now() - timedelta(minutes=1)
    participant.save()
    Device.objects.create(participant=participant, mac="00:1b:63:00:00:01").vlans.add(nowep_vlan)

    page = helpdesk_client.get(f"/registration/participants/{participant.pk}/").content.decode()

    assert page.count("event over") >= 2


def test_edit_extend_and_remove_are_in_the_trail(helpdesk_client, participant, nowep_vlan):
    device = Device.objects.create(participant=participant, mac="00:1b:63:00:00:01", expires_at=timezone.now() - timedelta(hours=1))

    helpdesk_client.post(f"/registration/devices/{device.pk}/edit/", {"mac": "00:1b:63:00:00:0a", "label": "phone", "os": "ios", "vlans": [nowep_vlan.pk]})
    helpdesk_client.post(f"/registration/devices/{device.pk}/extend/", {"hours": "24"})
    device.refresh_from_db()
    assert device.mac == "00:1b:63:00:00:0a" and device.expires_at > timezone.now() + timedelta(hours=23)
    helpdesk_client.post(f"/registration/devices/{device.pk}/remove/")

    assert not Device.objects.exists()
    actions = list(AuditEntry.objects.filter(object_type="registration.Device").order_by("pk").values_list("action", flat=True))
    assert actions[0] == "create" and actions[-1] == "delete" and actions.count("update") >= 3
