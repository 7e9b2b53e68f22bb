"""The helpdesk registers a device over HTTP: normalised MAC, plain refusals, the NOC's limit, and the audit trail."""
import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.registration.models import Device, RegistrationSettings, Source

from .conftest import make_participant

pytestmark = pytest.mark.django_db


def register(client, participant, mac, **extra):
    return client.post(f"/registration/participants/{participant.pk}/devices/", {"mac": mac, "label": "laptop", "os": "macos", **extra}, follow=True)


def test_helpdesk_registers_a_mac_in_cisco_notation_for_the_backup_ssid(helpdesk_client, helpdesk_user, participant, nowep_vlan):
    response = register(helpdesk_client, participant, "001B.6300.0001", vlans=[nowep_vlan.pk])

    assert response.status_code == 200
    device = Device.objects.get()
    assert device.mac == "00:1b:63:00:00:01" and device.mac_digits == "001b63000001"
    assert device.source == Source.HELPDESK and device.registered_by == helpdesk_user
    assert list(device.vlans.all()) == [nowep_vlan]
    assert "widecamp-nowep" in response.content.decode() and "registered" in response.content.decode()
    trail = AuditEntry.objects.filter(object_type="registration.Device", object_id=str(device.pk))
    assert {entry.action for entry in trail} == {"create", "update"}
    assert trail.filter(action="update").first().after == {"vlans": [40]}
    assert all(entry.actor_label == "bob-helpdesk" for entry in trail)


def test_a_multicast_mac_is_refused_plainly(helpdesk_client, participant):
    response = register(helpdesk_client, participant, "01:00:5e:00:00:01")

    assert response.status_code == 400
    assert "01:00:5e:00:00:01 is a multicast address, not a device" in response.content.decode()
    assert not Device.objects.exists()


@pytest.mark.parametrize("mac, says", [("ff-ff-ff-ff-ff-ff", "broadcast"), ("000000000000", "all zeros"), ("aa:bb:cc", "is not a MAC address")])
def test_broadcast_zero_and_malformed_are_refused(helpdesk_client, participant, mac, says):
    response = register(helpdesk_client, participant, mac)

    assert response.status_code == 400 and says in response.content.decode()


def test_a_randomised_mac_is_accepted_with_the_per_ssid_advice(helpdesk_client, participant):
    response = register(helpdesk_client, participant, "da:a1:19:12:34:56")

    page = response.content.decode()
    assert Device.objects.filter(mac="da:a1:19:12:34:56").exists()
    assert "randomised" in page
    for os_name in ("iOS", "Android", "Windows", "macOS"):
        assert os_name in page


def test_a_clash_tells_the_helpdesk_whose_mac_it_is(helpdesk_client, participant, db):
    owner = make_participant("Erin Owner", "erin@example.org")
    Device.objects.create(participant=owner, mac="00:1b:63:00:00:02")

    response = register(helpdesk_client, participant, "00-1B-63-00-00-02")

    assert response.status_code == 400
    assert "00:1b:63:00:00:02 is already registered to Erin Owner (WIDE)" in response.content.decode()
    assert Device.objects.count() == 1


def test_sending_the_same_registration_again_answers_with_the_device_already_registered(helpdesk_client, participant, nowep_vlan):
    first = register(helpdesk_client, participant, "00:1b:63:00:00:03", vlans=[nowep_vlan.pk])
    again = register(helpdesk_client, participant, "00-1B-63-00-00-03", vlans=[nowep_vlan.pk])

    assert (first.status_code, again.status_code) == (200, 200)
    assert "Registered 00:1b:63:00:00:03." in again.content.decode()
    assert Device.objects.filter(mac="00:1b:63:00:00:03").count() == 1


def test_the_noc_device_limit_is_enforced(helpdesk_client, participant):
    settings = RegistrationSettings.load()
    settings.device_limit = 2
    settings.save()
    for n in (1, 2):
        Device.objects.create(participant=participant, mac=f"00:1b:63:00:01:0{n}")

    response = register(helpdesk_client, participant, "00:1b:63:00:01:03")

    assert response.status_code == 400
    assert "already has 2 devices, the limit the NOC set" in response.content.decode()
    assert participant.devices.count() == 2


def test_participants_cannot_use_the_desk(participant_client, participant):
    assert register(participant_client, participant, "00:1b:63:00:00:09").status_code == 403
