"""What the API hands out once, as the pages do: a certificate file with its private key, a Wi-Fi password and a
portal sign-in code, none of which can be listed or fetched again; and the NOC's registration limits."""
import base64
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.certificates.models import IssuedCertificate, RevocationReason, WifiPassword
from opsconsole.certificates.nt_hash import nt_hash
from opsconsole.plan.choices import Authentication
from opsconsole.plan.models import Ssid
from opsconsole.registration.models import RegistrationSettings, SignInCode

PASSWORD = "tent-pole-42"


@pytest.fixture
def eap_ssid(world) -> Ssid:
    return Ssid.objects.create(essid="widecamp", bands=["5GHz"], authentication=Authentication.EAP_TLS,
                               vlan=world["vlan"], wifi_password=True)


def issue(client, device, **asked):
    return client("post", "/api/v1/certificates/", {"device": device.pk, "password": PASSWORD, **asked})


def test_a_participant_gets_their_devices_certificate_once(participant_api, participant_user, world):
    device = world["participant_device"]

    response = participant_api("post", "/api/v1/certificates/", {"device": device.pk, "password": PASSWORD},
                               REMOTE_ADDR="2001:db8::42")

    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"certificate", "filename", "content_type", "content"} and PASSWORD not in str(body)
    assert (body["filename"], body["content_type"]) == ("carol-example-participant-laptop.p12", "application/x-pkcs12")
    bundle = pkcs12.load_pkcs12(base64.b64decode(body["content"]), PASSWORD.encode())
    new = IssuedCertificate.objects.valid().get(device=device)
    assert bundle.cert.certificate.serial_number == new.serial_number and body["certificate"]["id"] == new.pk
    world["participant_certificate"].refresh_from_db()
    assert world["participant_certificate"].revocation_reason == RevocationReason.REISSUED
    listed = participant_api.get("/api/v1/certificates/").content.decode()
    listed += participant_api.get(f"/api/v1/certificates/{new.pk}/").content.decode()
    assert "PRIVATE KEY" not in listed and "private_key" not in listed and body["content"] not in listed
    entry = AuditEntry.objects.get(object_type="certificates.IssuedCertificate", action=AuditEntry.Action.CREATE,
                                  via="api")
    assert (entry.actor_id, entry.via, entry.remote_addr) == (participant_user.pk, "api", "2001:db8::42")
    assert new.issued_by == participant_user


def test_a_participant_cannot_issue_for_another_participants_device(participant_api, world):
    response = issue(participant_api, world["other_device"])

    assert response.status_code == 400
    assert response.json() == {"device": [f'Invalid pk "{world["other_device"].pk}" - object does not exist.']}
    assert not IssuedCertificate.objects.valid().filter(device=world["other_device"]).exclude(
        pk=world["other_certificate"].pk).exists()


def test_the_helpdesk_re_issues_and_is_refused_as_on_the_page(helpdesk_api, helpdesk_user, world):
    device = world["other_device"]

    assert issue(helpdesk_api, device, password="short").json() == {
        "password": ["Ensure this field has at least 8 characters."]}
    assert issue(helpdesk_api, device, file_format="mobileconfig").json() == {"non_field_errors": [
        "The plan has no EAP-TLS SSID to put in an Apple profile; download the PKCS#12 file."]}
    reissued = issue(helpdesk_api, device)
    assert reissued.status_code == 201
    assert IssuedCertificate.objects.get(pk=reissued.json()["certificate"]["id"]).issued_by == helpdesk_user

    world["other"].active_until = timezone.now() - timedelta(minutes=1)
    world["other"].save()
    assert issue(helpdesk_api, device).json() == {"non_field_errors": [
        "The event of Dave Other (WIDE) is over; extend it before issuing a certificate."]}


def test_a_participant_gets_a_wifi_password_shown_once(participant_api, helpdesk_api, world, eap_ssid):
    response = participant_api("post", "/api/v1/wifi-passwords/")

    assert response.status_code == 201, response.content
    body = response.json()
    stored = WifiPassword.objects.get(participant=world["participant"])
    assert (body["username"], body["ssids"]) == (f"p{world['participant'].pk}", ["widecamp"])
    assert len(body["password"]) == 16 and stored.nt_hash == nt_hash(body["password"])
    assert response["Cache-Control"] == "no-store"
    listed = participant_api.get("/api/v1/wifi-passwords/").json()["results"]
    assert [(row["username"], row["password"]) for row in listed] == [(body["username"], None)]
    entry = AuditEntry.objects.get(object_type="certificates.WifiPassword", via="api")
    assert entry.after["nt_hash"] == "(secret)"
    assert helpdesk_api("post", "/api/v1/wifi-passwords/").json() == {"detail": "Your role may not do this."}


def test_no_wifi_password_without_an_ssid_that_takes_one(participant_api, world):
    response = participant_api("post", "/api/v1/wifi-passwords/")

    assert response.status_code == 409
    assert response.json() == {"detail": "No SSID of the plan takes a Wi-Fi password; use a certificate."}
    assert not WifiPassword.objects.exists()


def test_the_helpdesk_makes_a_sign_in_code_shown_once(helpdesk_api, helpdesk_user, client, world):
    participant = world["participant"]
    first = helpdesk_api("post", "/api/v1/sign-in-codes/", {"participant": participant.pk})
    second = helpdesk_api("post", "/api/v1/sign-in-codes/", {"participant": participant.pk}, REMOTE_ADDR="192.0.2.8")

    assert second.status_code == 201, second.content
    body = second.json()
    stored = SignInCode.objects.get(participant=participant)
    assert (body["id"], body["code"], body["sign_in_url"]) == (stored.pk, stored.code,
                                                               "http://testserver/portal/sign-in/")
    assert abs(stored.expires_at - timezone.now() - timedelta(hours=12)) < timedelta(minutes=1)
    assert not SignInCode.objects.filter(pk=first.json()["id"]).exists()  # the newer code replaces it
    listed = helpdesk_api.get("/api/v1/sign-in-codes/").content.decode()
    listed += helpdesk_api.get(f"/api/v1/sign-in-codes/{stored.pk}/").content.decode()
    assert stored.code not in listed and '"code":null' in listed
    entry = AuditEntry.objects.filter(object_type="registration.SignInCode",
                                      action=AuditEntry.Action.CREATE).latest("pk")
    assert (entry.actor_id, entry.via, entry.remote_addr, entry.after["code"]) == (
        helpdesk_user.pk, "api", "192.0.2.8", "(secret)")
    assert client.post("/portal/sign-in/", {"code": body["code"]}).status_code == 302
    assert helpdesk_api("post", "/api/v1/sign-in-codes/", {"participant": 0}).json() == {
        "participant": ['Invalid pk "0" - object does not exist.']}


def test_the_noc_sets_the_registration_limits(noc_api, noc_user, world):
    shown = noc_api.get("/api/v1/registration-settings/").json()["results"]
    assert shown == [{"id": 1, "device_limit": 5, "portal_registrations_per_hour": 10}]

    changed = noc_api("put", "/api/v1/registration-settings/1/", {"device_limit": 3,
                                                                   "portal_registrations_per_hour": 4})

    assert changed.status_code == 200
    assert RegistrationSettings.load().device_limit == 3
    entry = AuditEntry.objects.get(object_type="registration.RegistrationSettings", action=AuditEntry.Action.UPDATE)
    assert (entry.actor_id, entry.via) == (noc_user.pk, "api") and entry.changes == [
        "devices per participant: 5 → 3", "self-service registrations per hour: 10 → 4"]
    assert noc_api("patch", "/api/v1/registration-settings/1/", {"device_limit": 0}).json() == {
        "device_limit": ["Ensure this value is greater than or equal to 1."]}
    assert noc_api("post", "/api/v1/registration-settings/", {"device_limit": 3}).status_code == 405
    assert noc_api.get("/api/v1/registration-settings/2/").status_code == 404
