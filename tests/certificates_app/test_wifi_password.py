"""The password method: a random password shown once, only its NT hash kept, a new one replaces the old."""
import re

import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.certificates.models import WifiPassword
from opsconsole.certificates.nt_hash import nt_hash
from opsconsole.plan.choices import Authentication
from opsconsole.plan.models import Ssid

pytestmark = pytest.mark.django_db


@pytest.fixture
def password_ssid(eap_ssid):
    eap_ssid.wifi_password = True
    eap_ssid.save()
    return eap_ssid


def make_password(client) -> tuple[str, str]:
    response = client.post("/portal/certificates/wifi-password/")
    assert response["Cache-Control"] == "no-store"
    found = re.findall(r"<dt>(?:Identity \(user name\)|Password)</dt><dd><code>([^<]+)</code>", response.content.decode())
    return found[0], found[1]


def test_the_password_is_shown_once_and_only_its_nt_hash_is_kept(participant_client, participant, password_ssid):
    username, password = make_password(participant_client)

    stored = WifiPassword.objects.get(participant=participant)
    assert stored.username == username and stored.nt_hash == nt_hash(password) and len(password) == 16
    page = participant_client.get("/portal/certificates/").content.decode()
    assert username in page and password not in page
    entry = AuditEntry.objects.get(object_type="certificates.WifiPassword")
    assert entry.after["nt_hash"] == "(secret)" and entry.actor_label == "carol"


def test_a_new_password_replaces_the_old(participant_client, participant, password_ssid):
    username, first = make_password(participant_client)
    again, second = make_password(participant_client)

    assert again == username and first != second
    assert WifiPassword.objects.get().nt_hash == nt_hash(second)


def test_offered_only_where_the_plan_takes_it_naming_those_ssids(participant_client, participant, eap_ssid):
    Ssid.objects.create(essid="widecamp-a", bands=["5GHz"], authentication=Authentication.EAP_TLS, vlan=eap_ssid.vlan)
    page = participant_client.get("/portal/certificates/").content.decode()
    assert "Make a Wi-Fi password" not in page and "PEAP" not in page
    assert participant_client.post("/portal/certificates/wifi-password/").status_code == 404
    assert not WifiPassword.objects.exists()

    Ssid.objects.filter(essid="widecamp-a").update(wifi_password=True)
    page = participant_client.get("/portal/certificates/").content.decode()
    assert "Make a Wi-Fi password" in page and "Only on widecamp-a, method PEAP with MSCHAPv2." in page
    shown = participant_client.post("/portal/certificates/wifi-password/").content.decode()
    assert re.findall(r"<dt>Network \(SSID\)</dt><dd>(.*?)</dd>", shown) == ["<code>widecamp-a</code> "]
