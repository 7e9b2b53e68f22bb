"""The console's CA (one row, its key encrypted at rest) and every certificate it issued, revoked or not."""
from __future__ import annotations

from datetime import datetime, timedelta

from cryptography import x509
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited
from opsconsole.nodes.credentials import decrypt, encrypt

from . import authority


class KeptCertificate:
    """A row's PEM `certificate` and, encrypted, its `private_key`."""

    def x509(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate.encode())

    def key(self):
        return authority.load_key(decrypt(self.private_key).encode())


@audited(secret_fields=("private_key",))
class CertificateAuthority(KeptCertificate, models.Model):
    """One row (pk 1), made on first use: nobody types or sees its key."""

    name = models.CharField(_("name"), max_length=64, default="Transition network console CA")
    organisation = models.CharField(_("organisation"), max_length=64, default="Transition network")
    server_name = models.CharField(
        _("RADIUS server name"), max_length=253, default="radius.camp.example",
        help_text=_("The DNS name in the RADIUS server's certificate; clients are told to trust only this name."),
    )
    certificate = models.TextField(_("certificate"), editable=False)
    private_key = models.TextField(editable=False)  # Fernet-encrypted PEM
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("certificate authority")
        verbose_name_plural = _("certificate authority")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls, **defaults) -> CertificateAuthority:
        with transaction.atomic():
            found = cls.objects.select_for_update().filter(pk=1).first()
            if found:
                return found
            ca = cls(pk=1, **defaults)
            key, certificate = authority.make_authority(ca.name, ca.organisation, timezone.now())
            ca.certificate = authority.pem(certificate).decode()
            ca.private_key = encrypt(authority.key_pem(key).decode())
            ca.save()
            return ca


class Kind(models.TextChoices):
    CLIENT = "client", _("device (client)")
    SERVER = "server", _("RADIUS server")
    SIGNING = "signing", _("profile signing")


class RevocationReason(models.TextChoices):
    REISSUED = "reissued", _("re-issued")
    REQUESTED = "requested", _("revoked on request")
    DEVICE_REMOVED = "device-removed", _("device removed")
    EVENT_OVER = "event-over", _("participant's event over")


CRL_REASON = {
    RevocationReason.REISSUED: x509.ReasonFlags.superseded,
    RevocationReason.REQUESTED: x509.ReasonFlags.unspecified,
    RevocationReason.DEVICE_REMOVED: x509.ReasonFlags.cessation_of_operation,
    RevocationReason.EVENT_OVER: x509.ReasonFlags.cessation_of_operation,
}


class IssuedCertificateQuerySet(models.QuerySet):
    def valid(self, now: datetime | None = None) -> IssuedCertificateQuerySet:
        return self.filter(revoked_at=None, not_after__gt=now or timezone.now())

    def expiring_within(self, days: int, now: datetime | None = None) -> IssuedCertificateQuerySet:
        now = now or timezone.now()
        return self.valid(now).filter(not_after__lte=now + timedelta(days=days))


@audited(secret_fields=("private_key",))
class IssuedCertificate(KeptCertificate, models.Model):
    """A certificate the CA signed. A device's private key is never stored: it leaves once, inside the download.
    Rows outlive their device and participant, because a revoked certificate stays on the CRL until it expires."""

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    serial = models.CharField(_("serial number"), max_length=40, unique=True)  # hex
    subject = models.CharField(_("subject"), max_length=300)
    participant = models.ForeignKey(
        "registration.Participant", verbose_name=_("participant"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="certificates",
    )
    device = models.ForeignKey(
        "registration.Device", verbose_name=_("device"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="certificates",
    )
    device_mac = models.CharField(_("device MAC"), max_length=17, blank=True)  # kept when the device is removed
    certificate = models.TextField(_("certificate"))
    private_key = models.TextField(blank=True)  # the RADIUS server's only, Fernet-encrypted PEM
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"), db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=16, choices=RevocationReason.choices, blank=True)

    objects = IssuedCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-not_before"]
        verbose_name = _("issued certificate")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject} ({self.serial[:8]})"

    @property
    def serial_number(self) -> int:
        return int(self.serial, 16)

    def revoke(self, reason: RevocationReason, now: datetime | None = None) -> None:
        self.revoked_at = now or timezone.now()
        self.revocation_reason = reason
        self.save(update_fields=["revoked_at", "revocation_reason"])

    @classmethod
    def record(cls, certificate: x509.Certificate, kind: Kind, **fields) -> IssuedCertificate:
        if "private_key" in fields:
            fields["private_key"] = encrypt(authority.key_pem(fields["private_key"]).decode())
        return cls.objects.create(
            kind=kind, serial=f"{certificate.serial_number:x}", subject=certificate.subject.rfc4514_string(),
            certificate=authority.pem(certificate).decode(), not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc, **fields,
        )


@audited(secret_fields=("nt_hash",))
class WifiPassword(models.Model):
    """A participant's password for PEAP-MSCHAPv2, for devices that cannot install a certificate. Only its NT hash
    is kept: MSCHAPv2 needs that hash (or the password) on the server, so a crypt-style hash cannot serve it."""

    participant = models.OneToOneField("registration.Participant", verbose_name=_("participant"),
                                       on_delete=models.CASCADE, related_name="wifi_password")
    username = models.CharField(_("Wi-Fi user name"), max_length=64, unique=True)
    nt_hash = models.CharField(max_length=32)
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("Wi-Fi password")

    def __str__(self) -> str:
        return f"Wi-Fi password of {self.participant}"
