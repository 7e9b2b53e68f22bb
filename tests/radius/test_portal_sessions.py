"""A participant sees their own devices' RADIUS sessions in the portal, and nobody else's."""
import pytest

from opsconsole.radius.models import RadAcct
from opsconsole.registration.models import Device

from ..registration.conftest import make_participant, other, participant  # noqa: F401  (shared fixtures)
from .test_accounting import account
from .test_mac_auth import plan, radius  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_sessions(db):
    RadAcct.objects.all().delete()  # FreeRADIUS's table: Django does not flush it between tests


def test_a_participant_sees_their_own_sessions_and_not_another_participants(radius, plan, participant, other,
                                                                           participant_client):
    for person, mac in ((participant, "00:00:5e:10:3a:01"), (other, "00:00:5e:10:3a:02")):
        Device.objects.create(participant=person, mac=mac).vlans.set([plan["vlan"]])
    account(radius, "Start", "4A3B2001", "00-00-5E-10-3A-01", Framed_IP_Address="192.0.2.71")
    account(radius, "Start", "4A3B2002", "00-00-5E-10-3A-02", Framed_IP_Address="192.0.2.72")
    account(radius, "Start", "4A3B2003", "00-00-5E-10-3A-03")  # nobody's

    page = participant_client.get("/portal/sessions/").content.decode()

    assert "<code>00:00:5e:10:3a:01</code>" in page and "192.0.2.71" in page and "ap serving" in page
    assert "00:00:5e:10:3a:02" not in page and "192.0.2.72" not in page and "00:00:5e:10:3a:03" not in page
    assert other.name not in page  # no participant column either
    assert 'href="/portal/sessions/"' in participant_client.get("/portal/").content.decode()


def test_the_portal_sessions_page_needs_a_participant(client):
    assert client.get("/portal/sessions/")["Location"] == "/portal/sign-in/"
