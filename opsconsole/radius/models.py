"""RADIUS on the console's data: the NAS inventory, and read-only models over FreeRADIUS's tables.

FreeRADIUS reads the console's own database (rlm_sql). radcheck, radreply, radusergroup, radgroupcheck,
radgroupreply and nas are database views over the console's models (see views.py): one truth, so a registration
or a removal takes effect for RADIUS the moment its transaction commits, with no push and no copied rows to drift.
radacct and radpostauth are real tables in FreeRADIUS 3.2's own schema, because FreeRADIUS writes them.
"""
import ipaddress
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gateways.render.freeradius import CALLED_STATION_PATTERN
from opsconsole.audit.trail import audited
from opsconsole.nodes.credentials import decrypt, encrypt
from opsconsole.plan.models import Ssid

CALLED_STATION = re.compile(CALLED_STATION_PATTERN, re.IGNORECASE | re.DOTALL)


def normalise_nas_address(value: str) -> str:
    """An IPv4/IPv6 address or subnet in its compressed form (a single address as itself, without /32 or /128)."""
    try:
        network = ipaddress.ip_network(value.strip(), strict=True)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not an IPv4 or IPv6 address or subnet (host bits zero), e.g. 192.0.2.10, "
              "2001:db8:40::/64."), params={"value": value},
        ) from None
    return str(network.network_address) if network.num_addresses == 1 else str(network)


NAS_SECRET_NEEDED = _("A new NAS needs its shared secret.")


def validate_shared_secret(secret: str) -> None:
    if len(secret) < 8 or not secret.isascii() or not secret.isprintable():
        raise ValidationError(_("A shared secret is at least 8 printable ASCII characters."))
    if "\\" in secret:
        raise ValidationError(_("A shared secret cannot hold a backslash: FreeRADIUS cannot read one."))


@audited(secret_fields=("secret_encrypted",))
class Nas(models.Model):
    """An access point or controller that sends Access-Requests: a FreeRADIUS client."""

    name = models.CharField(_("name"), max_length=100, unique=True,
                            error_messages={"unique": _("A NAS with this name is already in the inventory.")})
    address = models.CharField(_("address or subnet"), max_length=43, unique=True,
                               help_text=_("Where its requests come from: one address or a subnet, IPv4 or IPv6."),
                               error_messages={"unique": _("Another NAS already has this address or subnet.")})
    secret_encrypted = models.TextField(editable=False)
    coa_port = models.PositiveIntegerField(_("disconnect port"), default=3799,
                                           help_text=_("Where it takes Disconnect-Requests (RFC 5176); 3799 by default."))
    ssids = models.ManyToManyField(Ssid, verbose_name=_("SSIDs it serves"), related_name="nases", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("NAS")
        verbose_name_plural = _("NASes")

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        if self.address and not (exclude and "address" in exclude):
            try:
                self.address = normalise_nas_address(self.address)
            except ValidationError as error:
                raise ValidationError({"address": error}) from None
        super().clean_fields(exclude=exclude)

    def set_secret(self, secret: str) -> None:
        self.secret_encrypted = encrypt(secret)

    @property
    def secret(self) -> str:
        return decrypt(self.secret_encrypted)


def sql_unescape(stored: str) -> str:
    """Text as rlm_sql received it: it stores each byte outside its safe characters as =XX (`=` itself as =3D)."""
    return re.sub(rb"=([0-9A-F]{2})", lambda m: bytes([int(m.group(1), 16)]), stored.encode()).decode(errors="replace")


def ssid_of(called_station_id: str) -> str:
    """The SSID from a stored Called-Station-Id `BSSID:SSID`; empty if the NAS sent none."""
    match = CALLED_STATION.fullmatch(sql_unescape(called_station_id))
    return match.group(2) if match else ""


def every_address() -> list[str]:
    return ["::", "0.0.0.0"]


def validate_listen(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("List at least one address to listen on, e.g. [\"::\"]."))
    for address in value:
        try:
            ipaddress.ip_address(address)
        except (TypeError, ValueError):
            raise ValidationError(_("“%(value)s” is not an IPv4 or IPv6 address."), params={"value": address}) from None


@audited()
class RadiusService(models.Model):
    """Makes a gateway node the RADIUS node: FreeRADIUS there reads the console's database."""

    node = models.OneToOneField("nodes.GatewayNode", verbose_name=_("node"), on_delete=models.CASCADE,
                                related_name="radius_service")
    listen = models.JSONField(_("listen on"), default=every_address, validators=[validate_listen],
                              help_text=_('Addresses FreeRADIUS answers on; ["::", "0.0.0.0"] is every address '
                                          "(FreeRADIUS binds :: to IPv6 only)."))
    auth_port = models.PositiveIntegerField(_("authentication port"), default=1812)
    database_host = models.CharField(
        _("database host"), max_length=253, blank=True,
        help_text=_("Where that node reaches the console's PostgreSQL; empty: the console's own setting."),
    )

    class Meta:
        verbose_name = _("RADIUS service")

    def __str__(self) -> str:
        return f"RADIUS on {self.node}"


class RadPostAuth(models.Model):
    """One answer FreeRADIUS gave (its radpostauth table), with the plain reason of a reject."""

    username = models.TextField()
    reply = models.TextField()
    calledstationid = models.TextField()
    callingstationid = models.TextField()
    authdate = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        managed = False
        db_table = "radpostauth"
        ordering = ["-authdate", "-id"]

    @property
    def accepted(self) -> bool:
        return self.reply == "Access-Accept"

    @property
    def ssid(self) -> str:
        return ssid_of(self.calledstationid)


class RadAcct(models.Model):
    """One session a NAS reported (FreeRADIUS's radacct); callingstationid is the device's MAC in the console's form."""

    radacctid = models.BigAutoField(primary_key=True)
    acctsessionid = models.TextField()
    acctuniqueid = models.TextField()
    username = models.TextField()
    nasipaddress = models.TextField()
    acctstarttime = models.DateTimeField(null=True)
    acctupdatetime = models.DateTimeField(null=True)
    acctstoptime = models.DateTimeField(null=True)
    acctsessiontime = models.BigIntegerField(null=True)
    acctinputoctets = models.BigIntegerField(null=True)
    acctoutputoctets = models.BigIntegerField(null=True)
    calledstationid = models.TextField()
    callingstationid = models.TextField()
    acctterminatecause = models.TextField()
    framedipaddress = models.TextField(null=True)
    framedipv6address = models.TextField(null=True)

    class Meta:
        managed = False
        db_table = "radacct"
        ordering = ["-acctstarttime", "-radacctid"]

    @property
    def ssid(self) -> str:
        return ssid_of(self.calledstationid)

    @property
    def address(self) -> str:
        return self.framedipv6address or self.framedipaddress or ""


class DisconnectRequest(models.Model):
    """The console asking a NAS to end one session (RFC 5176), and what the NAS answered."""

    class Trigger(models.TextChoices):
        DEVICE_REMOVED = "device-removed", _("device removed")
        EXPIRED = "expired", _("registration expired or event over")
        CERTIFICATE_REVOKED = "certificate-revoked", _("certificate revoked")

    class Result(models.TextChoices):
        PENDING = "pending", _("sending")
        ACK = "ack", _("disconnected (ACK)")
        NAK = "nak", _("refused (NAK)")
        NO_ANSWER = "no-answer", _("no answer")

    participant = models.ForeignKey("registration.Participant", verbose_name=_("participant"), null=True,
                                    on_delete=models.SET_NULL, related_name="disconnects")
    nas = models.ForeignKey(Nas, verbose_name=_("NAS"), on_delete=models.CASCADE, related_name="disconnects")
    session = models.BigIntegerField(_("radacct id"))
    acct_session_id = models.CharField(_("Acct-Session-Id"), max_length=253)
    nas_address = models.CharField(_("NAS-IP-Address"), max_length=45)
    user_name = models.CharField(_("User-Name"), max_length=253, blank=True)
    mac = models.CharField(_("MAC address"), max_length=17)
    trigger = models.CharField(_("why"), max_length=24, choices=Trigger.choices)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, default=Result.PENDING)
    error_cause = models.PositiveIntegerField(_("Error-Cause"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("disconnect request")
        constraints = [models.UniqueConstraint(fields=["session"], name="radius_disconnect_once_per_session")]

    def __str__(self) -> str:
        return f"Disconnect {self.mac} at {self.nas}"
