"""The portal's "My certificates": a download made once per request, re-issue in one click, own devices only."""
import plistlib
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.certificates import authority
from opsconsole.certificates.models import CertificateAuthority, IssuedCertificate, Kind, RevocationReason
from opsconsole.registration.models import Device

from .conftest import PASSWORD, issue_in_portal, open_bundle, open_profile, verify_profile

pytestmark = pytest.mark.django_db


def test_a_participant_downloads_a_pkcs12_for_their_device_and_its_key_is_not_kept(participant_client, device):
    response = issue_in_portal(participant_client, device)

    assert response.status_code == 200 and response["Content-Type"] == "application/x-pkcs12"
    assert response["Content-Disposition"].endswith('.p12"') and response["Cache-Control"] == "no-store"
    bundle = open_bundle(response)
    assert bundle.cert.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == device.mac
    row = IssuedCertificate.objects.get()
    assert row.serial_number == bundle.cert.certificate.serial_number and row.device == device
    assert row.private_key == "" and row.not_after == device.participant.active_until.replace(microsecond=0)
    entry = AuditEntry.objects.get(object_type="certificates.IssuedCertificate", action="create")
    assert entry.actor_label == "carol" and entry.after["private_key"] == ""


def test_the_apple_profile_carries_the_ssid_the_server_name_and_the_identity(participant_client, device, eap_ssid,
                                                                             tmp_path):
    response = issue_in_portal(participant_client, device, "mobileconfig")

    assert response["Content-Type"] == "application/x-apple-aspen-config"
    profile = open_profile(response, tmp_path)
    wifi = next(p for p in profile["PayloadContent"] if p["PayloadType"] == "com.apple.wifi.managed")
    assert wifi["SSID_STR"] == "widecamp"
    assert wifi["EAPClientConfiguration"]["TLSTrustedServerNames"] == ["radius.camp.example"]


@pytest.mark.parametrize("tool", ["cms", "smime"])
def test_the_apple_profile_is_signed_with_the_consoles_signing_certificate(participant_client, device, eap_ssid,
                                                                           tmp_path, tool):
    signed = issue_in_portal(participant_client, device, "mobileconfig").content

    done = verify_profile(signed, CertificateAuthority.load().certificate, tmp_path, tool)

    assert done.returncode == 0, done.stderr
    assert plistlib.loads((tmp_path / "profile.plist").read_bytes())["PayloadType"] == "Configuration"
    signer = IssuedCertificate.objects.get(kind=Kind.SIGNING)
    assert signer.x509().issuer == CertificateAuthority.load().x509().subject and signer.private_key
    assert signer.x509().public_bytes(Encoding.DER) in signed
    issue_in_portal(participant_client, device, "mobileconfig")
    assert IssuedCertificate.objects.filter(kind=Kind.SIGNING).count() == 1  # one signer for every profile
    _key, stranger = authority.make_authority("Another CA", "Elsewhere", timezone.now())
    refused = verify_profile(signed, authority.pem(stranger).decode(), tmp_path, tool)
    assert refused.returncode != 0 and "certificate verify error" in refused.stderr


def test_without_an_eap_tls_ssid_there_is_no_profile_and_nothing_is_issued(participant_client, device):
    response = issue_in_portal(participant_client, device, "mobileconfig")

    assert response.status_code == 302
    assert "no EAP-TLS SSID" in participant_client.get(response["Location"]).content.decode()
    assert not IssuedCertificate.objects.exists()


def test_i_forgot_my_certificate_issues_a_new_one_and_revokes_the_old(participant_client, device):
    first = open_bundle(issue_in_portal(participant_client, device)).cert.certificate
    second = open_bundle(issue_in_portal(participant_client, device)).cert.certificate

    old = IssuedCertificate.objects.get(serial=f"{first.serial_number:x}")
    assert old.revocation_reason == RevocationReason.REISSUED and old.revoked_at is not None
    assert IssuedCertificate.objects.valid().get().serial_number == second.serial_number


def test_a_short_password_gives_no_file(participant_client, device):
    response = issue_in_portal(participant_client, device, password="short")

    assert response.status_code == 302 and not IssuedCertificate.objects.exists()
    assert "at least 8 characters" in participant_client.get(response["Location"]).content.decode()


def test_no_certificate_after_the_event(participant_client, participant, device):
    participant.active_from = timezone.now() - timedelta(days=3)
    participant.active_until = timezone.now() - timedelta(minutes=1)
    participant.save()

    assert issue_in_portal(participant_client, device).status_code == 302
    assert not IssuedCertificate.objects.exists()


def test_another_participants_device_and_certificate_are_404(participant_client, helpdesk_client, other, device):
    theirs = Device.objects.create(participant=other, mac="00:1b:63:00:00:09")
    helpdesk_client.post(f"/certificates/devices/{theirs.pk}/issue/", {"file_format": "pkcs12", "password": PASSWORD})
    their_certificate = IssuedCertificate.objects.get()
    helpdesk_client.logout()
    participant_client.force_login(device.participant.user)

    assert issue_in_portal(participant_client, theirs).status_code == 404
    assert participant_client.post(f"/portal/certificates/{their_certificate.pk}/revoke/").status_code == 404
    assert IssuedCertificate.objects.valid().get() == their_certificate
    assert "00:1b:63:00:00:09" not in participant_client.get("/portal/certificates/").content.decode()


def test_a_participant_revokes_their_own_certificate(participant_client, device):
    issue_in_portal(participant_client, device)
    certificate = IssuedCertificate.objects.get()

    participant_client.post(f"/portal/certificates/{certificate.pk}/revoke/")

    certificate.refresh_from_db()
    assert certificate.revocation_reason == RevocationReason.REQUESTED
    assert AuditEntry.objects.filter(object_type="certificates.IssuedCertificate", action="update",
                                     actor_label="carol").exists()


def test_the_page_gives_the_steps_per_system_with_the_ca_and_the_server_name(participant_client, device, eap_ssid):
    page = participant_client.get("/portal/certificates/").content.decode()

    for system in ("iOS", "macOS", "Android 11 and later", "Windows", "Linux"):
        assert system in page
    assert "radius.camp.example" in page and "/certificates/ca.pem" in page and "widecamp" in page
    assert "cannot be downloaded again" in page


def test_the_portal_warns_of_a_certificate_expiring_within_two_weeks(participant_client, participant, device):
    issue_in_portal(participant_client, device)
    assert "expires" not in participant_client.get("/portal/").content.decode()

    IssuedCertificate.objects.update(not_after=timezone.now() + timedelta(days=13))

    assert f"The certificate of your device {device.mac} expires" in participant_client.get("/portal/").content.decode()
