"""Issuing, revoking and publishing: the one path the portal, the helpdesk, the signals and the beat task all take."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from opsconsole.plan.choices import Authentication
from opsconsole.plan.models import Ssid
from opsconsole.registration.models import Device, Participant, new_code

from . import authority
from .models import CRL_REASON, CertificateAuthority, IssuedCertificate, Kind, RevocationReason, WifiPassword
from .nt_hash import nt_hash

# FreeRADIUS refuses everyone once the CRL's next update has passed; a week leaves room for a node that was off.
CRL_VALIDITY = timedelta(days=7)
# The console's own certificates (the RADIUS server's, the profile signer's) are replaced this long before they expire.
RENEWAL = timedelta(days=30)
PKCS12 = "pkcs12"
MOBILECONFIG = "mobileconfig"


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: bytes
    certificate: IssuedCertificate


def eap_tls_ssids() -> list[tuple[str, bool]]:
    return list(Ssid.objects.filter(authentication=Authentication.EAP_TLS).values_list("essid", "hidden"))


def wifi_password_ssids() -> list[str]:
    """The SSIDs whose plan entry takes the Wi-Fi password (PEAP-MSCHAPv2): none, and the portal offers none."""
    return list(Ssid.objects.filter(authentication=Authentication.EAP_TLS, wifi_password=True).values_list("essid", flat=True))


def _profile_identifier(ca: CertificateAuthority, device: Device) -> str:
    return ".".join(reversed(ca.server_name.split("."))) + f".eap-tls.device-{device.pk}"


def issue_for_device(device: Device, *, password: str, file_format: str, issued_by=None) -> Download:
    """A new certificate for `device`, its current one revoked as superseded, returned once as a download: the
    private key exists only in this download."""
    participant = device.participant
    now = timezone.now()
    if participant.event_over(now):
        raise ValidationError(_("The event of %(who)s is over; extend it before issuing a certificate."),
                              params={"who": participant})
    ssids = eap_tls_ssids()
    if file_format == MOBILECONFIG and not ssids:
        raise ValidationError(_("The plan has no EAP-TLS SSID to put in an Apple profile; download the PKCS#12 file."))
    ca = CertificateAuthority.load()
    ca_certificate = ca.x509()
    with transaction.atomic():
        # Two clicks at once must not leave two valid certificates for one device.
        Device.objects.select_for_update().filter(pk=device.pk).first()
        _revoke_all(device.certificates.all(), RevocationReason.REISSUED, now)
        subject = authority.client_subject(ca.organisation, participant.name, device.mac)
        key, certificate = authority.issue_client(ca.key(), ca_certificate, subject, participant.active_until, now)
        issued = IssuedCertificate.record(certificate, Kind.CLIENT, participant=participant, device=device,
                                          device_mac=device.mac, issued_by=issued_by)
    name = slugify(f"{participant.name} {device.label or device.mac_digits}") or device.mac_digits
    bundle = authority.pkcs12_bundle(key, certificate, ca_certificate, password, f"{participant.name} {device.mac}")
    if file_format == PKCS12:
        return Download(f"{name}.p12", "application/x-pkcs12", bundle, issued)
    profile = authority.apple_profile(
        identifier=_profile_identifier(ca, device), organisation=ca.organisation, ssids=ssids,
        server_name=ca.server_name, identity=device.mac, bundle=bundle, ca=ca_certificate,
    )
    signer = signing_certificate(now)
    return Download(f"{name}.mobileconfig", "application/x-apple-aspen-config",
                    authority.signed(profile, signer.key(), signer.x509(), ca_certificate), issued)


def _revoke_all(certificates, reason: RevocationReason, now: datetime) -> int:
    """One by one, so each revocation is audited."""
    revoked = 0
    for certificate in certificates.valid(now):
        certificate.revoke(reason, now)
        revoked += 1
    return revoked


def revoke_device_certificates(device_id: int, reason: RevocationReason) -> int:
    return _revoke_all(IssuedCertificate.objects.filter(device_id=device_id), reason, timezone.now())


def revoke_for_ended_events(now: datetime | None = None) -> int:
    """Certificates of participants whose event ended, including events shortened after the certificate was issued."""
    now = now or timezone.now()
    ended = IssuedCertificate.objects.filter(kind=Kind.CLIENT, participant__active_until__lte=now)
    return _revoke_all(ended, RevocationReason.EVENT_OVER, now)


def current_crl(now: datetime | None = None):
    """Today's CRL: every revoked certificate still valid at the start of the day (UTC), dated by the day or by the
    latest revocation. It stays byte for byte the same until a revocation or the next day, and is valid for
    CRL_VALIDITY from the day's start, so a RADIUS node refreshed daily never holds an expired one."""
    now = now or timezone.now()
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    ca = CertificateAuthority.load()
    rows = IssuedCertificate.objects.filter(revoked_at__isnull=False, revoked_at__lte=now, not_after__gt=day)
    revoked = [authority.Revoked(row.serial_number, row.revoked_at, CRL_REASON[row.revocation_reason]) for row in rows]
    last_update = max([day, *(entry.revoked_at for entry in revoked)])
    return authority.build_crl(ca.key(), ca.x509(), revoked, last_update, day + CRL_VALIDITY)


def _console_certificate(kind: Kind, subject: str, issue, now: datetime) -> IssuedCertificate:
    """The console's own certificate of KIND for SUBJECT (its key kept, encrypted), issued by ISSUE(ca key, ca, now)
    when there is none valid for RENEWAL longer."""
    ca = CertificateAuthority.load()
    with transaction.atomic():
        current = IssuedCertificate.objects.valid(now + RENEWAL).filter(kind=kind, subject=subject).first()
        if current:
            return current
        key, certificate = issue(ca.key(), ca.x509(), now)
        return IssuedCertificate.record(certificate, kind, private_key=key)


def server_certificate(now: datetime | None = None) -> IssuedCertificate:
    """The RADIUS server's certificate for the CA's server name, issued (or renewed) when needed."""
    server_name = CertificateAuthority.load().server_name
    return _console_certificate(Kind.SERVER, f"CN={server_name}",
                                lambda key, ca, at: authority.issue_server(key, ca, server_name, at), now or timezone.now())


def signing_certificate(now: datetime | None = None) -> IssuedCertificate:
    """The certificate that signs Apple profiles, issued (or renewed) when needed."""
    subject = authority.signing_subject(CertificateAuthority.load().organisation)
    return _console_certificate(Kind.SIGNING, subject.rfc4514_string(),
                                lambda key, ca, at: authority.issue_signing(key, ca, subject, at), now or timezone.now())


def radius_tls_files(now: datetime | None = None) -> dict[str, bytes]:
    """What the RADIUS node's eap module reads, by file name relative to its certificate directory: the server's
    certificate and key, the CA, and a c_rehash directory `ca/` with the CA and the CRL for check_crl. Contains the
    server's private key: deliver it to the RADIUS node only, never store or show it."""
    now = now or timezone.now()
    ca = CertificateAuthority.load()
    server = server_certificate(now)
    files = {
        "server.pem": server.certificate.encode(),
        "server.key": authority.key_pem(server.key()),
        "ca.pem": ca.certificate.encode(),
    }
    files.update({f"ca/{name}": content for name, content in authority.ca_directory(ca.x509(), current_crl(now)).items()})
    return files


def new_wifi_password(participant: Participant) -> tuple[str, str]:
    """A fresh random password (about 79 bits: MSCHAPv2 exchanges can be cracked offline, so no person-chosen
    ones) replacing any earlier one; returns (user name, password). Only the NT hash is stored."""
    password = new_code() + new_code()
    record = WifiPassword.objects.filter(participant=participant).first() or WifiPassword(
        participant=participant, username=f"p{participant.pk}")
    record.nt_hash = nt_hash(password)
    record.set_at = timezone.now()
    record.save()
    return record.username, password
