"""Removing a device asks first, at the helpdesk and in the portal; the extend box says what it extends by."""
import pytest

from opsconsole.registration.models import Device

pytestmark = pytest.mark.django_db


def test_the_helpdesk_confirms_before_removing(helpdesk_client, participant):
    device = Device.objects.create(participant=participant, mac="00:1b:63:00:00:01", label="laptop")
    page = helpdesk_client.get(f"/registration/participants/{participant.pk}/").content.decode()
    assert f'href="/registration/devices/{device.pk}/remove/"' in page
    assert "<label>extend by (hours) <input" in page

    confirmation = helpdesk_client.get(f"/registration/devices/{device.pk}/remove/").content.decode()
    assert "Remove 00:1b:63:00:00:01?" in confirmation and "laptop of Carol Example (WIDE) loses its registration" in confirmation
    assert Device.objects.filter(pk=device.pk).exists()

    response = helpdesk_client.post(f"/registration/devices/{device.pk}/remove/")
    assert response.status_code == 302 and response["Location"] == f"/registration/participants/{participant.pk}/"
    assert not Device.objects.filter(pk=device.pk).exists()


def test_the_portal_confirms_before_removing(participant_client, participant):
    device = Device.objects.create(participant=participant, mac="00:1b:63:00:00:02")
    assert f'href="/portal/devices/{device.pk}/remove/"' in participant_client.get("/portal/").content.decode()

    confirmation = participant_client.get(f"/portal/devices/{device.pk}/remove/").content.decode()
    assert "Remove 00:1b:63:00:00:02?" in confirmation and 'href="/portal/"' in confirmation
    assert Device.objects.filter(pk=device.pk).exists()

    assert participant_client.post(f"/portal/devices/{device.pk}/remove/")["Location"] == "/portal/"
    assert not Device.objects.filter(pk=device.pk).exists()
