"""A participant with a device on the WIDE camp's backup SSID, and another participant."""
import pytest

from opsconsole.registration.models import Device
from tests.registration.conftest import make_participant, nowep_vlan  # noqa: F401  (nowep_vlan is a fixture)


@pytest.fixture
def carol(participant_user, nowep_vlan):  # noqa: F811
    participant = make_participant(user=participant_user)
    Device.objects.create(participant=participant, mac="02:00:00:00:00:01", label="laptop", os="macos").vlans.add(nowep_vlan)
    return participant


@pytest.fixture
def dave(other_participant):
    participant = make_participant("Dave Other", "dave@example.org", user=other_participant)
    Device.objects.create(participant=participant, mac="02:00:00:00:00:99", label="dave's phone")
    return participant
