"""The NOC keeps the SNMP inventory in the admin: secrets go in, are stored encrypted and never come out."""
import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.monitoring.models import SnmpDevice

pytestmark = pytest.mark.django_db
ADD = "/admin/monitoring/snmpdevice/add/"
FORM = {"name": "wlc-1", "address": "192.0.2.20", "port": "161", "kind": "wireless-controller",
        "vendor": "cisco-wlc", "enabled": "on", "version": "v3", "community": "", "v3_user": "noc",
        "auth_protocol": "sha", "auth_key": "auth-passphrase-1", "priv_protocol": "aes",
        "priv_key": "priv-passphrase-1"}


def test_a_v3_device_is_added_with_its_keys_encrypted_audited_as_secret_and_never_shown(noc_client):
    response = noc_client.post(ADD, FORM)
    assert response.status_code == 302, response.context["adminform"].form.errors
    device = SnmpDevice.objects.get(name="wlc-1")
    assert "auth-passphrase-1" not in device.auth_key_encrypted
    assert (device.secret("auth_key_encrypted"), device.secret("priv_key_encrypted")) == (
        "auth-passphrase-1", "priv-passphrase-1")

    page = noc_client.get(f"/admin/monitoring/snmpdevice/{device.pk}/change/").content.decode()
    assert "passphrase" not in page and device.auth_key_encrypted not in page
    entry = AuditEntry.objects.get(object_type="monitoring.SnmpDevice", action="create")
    assert entry.after["auth_key_encrypted"] == entry.after["priv_key_encrypted"] == "(secret)"
    assert "passphrase" not in str(entry.after)


def test_an_empty_key_on_change_keeps_the_stored_one(noc_client):
    noc_client.post(ADD, FORM)
    device = SnmpDevice.objects.get(name="wlc-1")
    stored = device.auth_key_encrypted
    response = noc_client.post(f"/admin/monitoring/snmpdevice/{device.pk}/change/",
                               {**FORM, "auth_key": "", "priv_key": "", "port": "1161"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert (device.port, device.auth_key_encrypted) == (1161, stored)


@pytest.mark.parametrize("changes, field, message", [
    ({"version": "v2c"}, "version", "SNMPv2c needs a community."),
    ({"v3_user": ""}, "v3_user", "SNMPv3 needs a user name."),
    ({"auth_key": ""}, "auth_protocol", "This authentication protocol needs a key."),
    ({"auth_protocol": ""}, "priv_protocol", "Privacy needs authentication as well."),
])
def test_credentials_that_cannot_work_are_refused_with_a_plain_message(noc_client, changes, field, message):
    response = noc_client.post(ADD, {**FORM, **changes})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert not SnmpDevice.objects.exists()


def test_a_participant_cannot_open_the_inventory(client, participant_user):
    client.force_login(participant_user)
    assert client.get("/admin/monitoring/snmpdevice/").status_code == 302
