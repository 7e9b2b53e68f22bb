"""Revocation on device removal and at the event's end, the public CRL and CA, and the CA's key at rest."""
from datetime import timedelta
from io import StringIO

import pytest
from cryptography import x509
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.certificates.issuing import radius_tls_files, server_certificate
from opsconsole.certificates.models import CertificateAuthority, IssuedCertificate, Kind, RevocationReason
from opsconsole.certificates.tasks import revoke_certificates_of_ended_events
from opsconsole.registration.models import Participant

from .conftest import issue_in_portal, open_bundle

pytestmark = pytest.mark.django_db


def test_removing_a_device_in_the_portal_revokes_its_certificate(participant_client, device):
    issue_in_portal(participant_client, device)

    participant_client.post(f"/portal/devices/{device.pk}/remove/")

    certificate = IssuedCertificate.objects.get()
    assert certificate.revocation_reason == RevocationReason.DEVICE_REMOVED and certificate.device is None
    assert certificate.device_mac == device.mac
    assert AuditEntry.objects.filter(object_type="certificates.IssuedCertificate", action="update",
                                     actor_label="carol").exists()


def test_deleting_a_participant_revokes_and_keeps_their_certificates(participant_client, participant, device):
    issue_in_portal(participant_client, device)

    Participant.objects.filter(pk=participant.pk).delete()

    assert IssuedCertificate.objects.get().revocation_reason == RevocationReason.DEVICE_REMOVED


def test_the_beat_task_revokes_certificates_when_the_event_ends(participant_client, participant, device, other):
    issue_in_portal(participant_client, device)
    participant.active_from = timezone.now() - timedelta(days=2)
    participant.active_until = timezone.now() - timedelta(seconds=1)
    participant.save()

    assert revoke_certificates_of_ended_events.delay().get() == 1

    certificate = IssuedCertificate.objects.get()
    assert certificate.revocation_reason == RevocationReason.EVENT_OVER
    assert AuditEntry.objects.filter(object_type="certificates.IssuedCertificate", action="update",
                                     actor_label="system").exists()
    assert revoke_certificates_of_ended_events.delay().get() == 0


def test_the_ca_and_crl_are_public_and_the_crl_lists_revoked_serials(participant_client, device):
    serial = open_bundle(issue_in_portal(participant_client, device)).cert.certificate.serial_number
    IssuedCertificate.objects.get().revoke(RevocationReason.REQUESTED)
    anonymous = Client()

    ca = x509.load_pem_x509_certificate(anonymous.get("/certificates/ca.pem").content)
    crl = x509.load_pem_x509_crl(anonymous.get("/certificates/crl.pem").content)

    assert crl.is_signature_valid(ca.public_key()) and crl.get_revoked_certificate_by_serial_number(serial)
    assert crl.next_update_utc > timezone.now() + timedelta(days=6)


def test_the_radius_files_change_only_when_a_certificate_is_revoked(participant_client, device):
    issue_in_portal(participant_client, device)
    before = radius_tls_files()
    assert radius_tls_files() == before

    IssuedCertificate.objects.get(kind=Kind.CLIENT).revoke(RevocationReason.REQUESTED)

    after = radius_tls_files()
    assert {name for name in before if before[name] != after[name]} == {name for name in before if name.endswith(".r0")}
    older, newer = (x509.load_pem_x509_crl(files[name]) for files in (before, after) for name in files
                    if name.endswith(".r0"))
    assert newer.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number > \
        older.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number


def test_the_ca_key_is_encrypted_at_rest_and_never_in_the_audit_trail(db):
    call_command("init_ca", server_name="radius.example.net", stdout=(out := StringIO()))

    ca = CertificateAuthority.objects.get()
    assert "created: " in out.getvalue() and "radius.example.net" in out.getvalue()
    assert "PRIVATE KEY" not in ca.private_key and ca.key().public_key() == ca.x509().public_key()
    assert AuditEntry.objects.get(object_type="certificates.CertificateAuthority").after["private_key"] == "(secret)"
    call_command("init_ca", server_name="radius.example.org", stdout=(again := StringIO()))
    assert "existing: " in again.getvalue() and CertificateAuthority.objects.count() == 1
    assert server_certificate().subject == "CN=radius.example.org"


def test_the_radius_server_certificate_is_reused_then_renewed_before_it_expires(db):
    first = server_certificate()
    assert server_certificate() == first and first.kind == Kind.SERVER and first.subject == "CN=radius.camp.example"

    IssuedCertificate.objects.filter(pk=first.pk).update(not_after=timezone.now() + timedelta(days=20))

    assert server_certificate() != first
    files = radius_tls_files()
    assert set(files) >= {"server.pem", "server.key", "ca.pem"}
    assert sorted(name.rsplit(".", 1)[1] for name in files if name.startswith("ca/")) == ["0", "r0"]
