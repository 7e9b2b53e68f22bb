"""A registration with no VLAN ticked is for every VLAN whose SSIDs need one, and the form says which beforehand."""
import pytest

from opsconsole.registration.models import Device

pytestmark = pytest.mark.django_db
DEFAULT = "With none ticked, the device is registered for every VLAN whose SSIDs need a registration: 40 nowep (widecamp-nowep)."


def test_the_helpdesk_form_preselects_and_names_the_vlans(helpdesk_client, participant, nowep_vlan):
    page = helpdesk_client.get(f"/registration/participants/{participant.pk}/").content.decode()

    assert DEFAULT in page
    assert f'value="{nowep_vlan.pk}" id="id_vlans_0" checked' in page


def test_a_helpdesk_registration_with_no_vlan_ticked_is_for_the_needed_vlans(helpdesk_client, participant, nowep_vlan):
    helpdesk_client.post(f"/registration/participants/{participant.pk}/devices/", {"mac": "00:1b:63:00:00:01", "os": "other"})

    assert list(Device.objects.get().vlans.all()) == [nowep_vlan]
    page = helpdesk_client.get(f"/registration/participants/{participant.pk}/").content.decode()
    assert page.count(">registered<") == 2 and ">not registered<" not in page


def test_register_this_device_in_the_portal_is_for_the_needed_vlans(participant_client, participant, nowep_vlan):
    assert DEFAULT in participant_client.get("/portal/").content.decode()

    participant_client.post("/portal/devices/", {"mac": "00:1b:63:00:00:02", "os": "other"})

    assert list(Device.objects.get().vlans.all()) == [nowep_vlan]
    assert ">registered<" in participant_client.get("/portal/").content.decode()
