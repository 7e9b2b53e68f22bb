"""The helpdesk: the certificates section of a participant, one-click re-issue, revoke, and what expires soon."""
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.certificates.models import IssuedCertificate, RevocationReason
from opsconsole.registration.models import Device

from .conftest import PASSWORD, issue_in_portal, open_bundle

pytestmark = pytest.mark.django_db


def reissue(client, device, password=PASSWORD):
    return client.post(f"/certificates/devices/{device.pk}/issue/", {"file_format": "pkcs12", "password": password})


def test_the_participant_page_lists_certificates_with_re_issue_and_revoke(helpdesk_client, participant, device):
    reissue(helpdesk_client, device)

    page = helpdesk_client.get(f"/registration/participants/{participant.pk}/").content.decode()

    certificate = IssuedCertificate.objects.get()
    assert 'id="certificates"' in page and f"/certificates/{certificate.pk}/revoke/" in page
    assert f"/certificates/devices/{device.pk}/issue/" in page and "cannot be downloaded again" in page
    assert "PRIVATE KEY" not in page


def test_re_issue_hands_the_helpdesk_a_new_file_and_revokes_the_old(helpdesk_client, helpdesk_user, participant_client, device):
    issue_in_portal(participant_client, device)
    old = IssuedCertificate.objects.get()
    participant_client.logout()
    helpdesk_client.force_login(helpdesk_user)

    response = reissue(helpdesk_client, device)

    new = open_bundle(response).cert.certificate
    old.refresh_from_db()
    assert old.revocation_reason == RevocationReason.REISSUED
    assert IssuedCertificate.objects.valid().get().serial_number == new.serial_number
    assert IssuedCertificate.objects.valid().get().issued_by == helpdesk_user


def test_the_helpdesk_revokes_a_certificate(helpdesk_client, participant, device):
    reissue(helpdesk_client, device)
    certificate = IssuedCertificate.objects.get()

    response = helpdesk_client.post(f"/certificates/{certificate.pk}/revoke/")

    assert response["Location"] == f"/registration/participants/{participant.pk}/"
    certificate.refresh_from_db()
    assert certificate.revocation_reason == RevocationReason.REQUESTED


def test_participants_cannot_use_the_helpdesk_actions(participant_client, device):
    assert reissue(participant_client, device).status_code == 403
    assert participant_client.get("/certificates/expiring/").status_code == 403


def test_expiring_lists_valid_certificates_ending_within_n_days(helpdesk_client, participant, device):
    soon = Device.objects.create(participant=participant, mac="00:1b:63:00:00:43")
    later = Device.objects.create(participant=participant, mac="00:1b:63:00:00:44")
    gone = Device.objects.create(participant=participant, mac="00:1b:63:00:00:45")
    for each in (soon, later, gone):
        reissue(helpdesk_client, each)
    now = timezone.now()
    IssuedCertificate.objects.filter(device=soon).update(not_after=now + timedelta(days=10))
    IssuedCertificate.objects.filter(device=later).update(not_after=now + timedelta(days=20))
    IssuedCertificate.objects.filter(device=gone).update(not_after=now + timedelta(days=5), revoked_at=now)

    default = helpdesk_client.get("/certificates/expiring/").content.decode()
    wider = helpdesk_client.get("/certificates/expiring/?days=21").content.decode()

    assert soon.mac in default and later.mac not in default and gone.mac not in default
    assert soon.mac in wider and later.mac in wider
    assert helpdesk_client.get("/certificates/expiring/?days=nonsense").status_code == 200
