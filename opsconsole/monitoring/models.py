"""The SNMP inventory and its time series: raw samples for a day, one-minute roll-ups for a month."""
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited
from opsconsole.nodes import credentials

VENDOR_DIR = Path(__file__).resolve().parent / "vendors"


def vendor_choices() -> list[tuple[str, str]]:
    return [(path.stem, path.stem) for path in sorted(VENDOR_DIR.glob("*.yaml"))]


@audited(secret_fields=("community_encrypted", "auth_key_encrypted", "priv_key_encrypted"),
         quiet_fields=("state", "last_polled_at", "last_error"))
class SnmpDevice(models.Model):
    class Kind(models.TextChoices):
        GATEWAY = "gateway", _("gateway node")
        SWITCH = "switch", _("switch")
        ACCESS_POINT = "access-point", _("access point")
        CONTROLLER = "wireless-controller", _("wireless controller")

    class Version(models.TextChoices):
        V2C = "v2c", "SNMPv2c"
        V3 = "v3", "SNMPv3"

    class AuthProtocol(models.TextChoices):
        NONE = "", _("none")
        SHA = "sha", "SHA-1"
        SHA256 = "sha256", "SHA-256"

    class PrivProtocol(models.TextChoices):
        NONE = "", _("none")
        AES = "aes", "AES-128"

    class State(models.TextChoices):
        UNKNOWN = "unknown", _("not polled yet")
        UP = "up", _("answering")
        UNREACHABLE = "unreachable", _("unreachable")

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.GenericIPAddressField(_("address"))
    port = models.PositiveIntegerField(_("port"), default=161)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    vendor = models.CharField(_("vendor profile"), max_length=50, blank=True, choices=vendor_choices,
                              help_text=_("Which vendor tables (client counts) to poll besides IF-MIB."))
    enabled = models.BooleanField(_("polled"), default=True)
    version = models.CharField(_("SNMP version"), max_length=3, choices=Version.choices, default=Version.V2C)
    community_encrypted = models.TextField(blank=True, editable=False)
    v3_user = models.CharField(_("SNMPv3 user"), max_length=64, blank=True)
    auth_protocol = models.CharField(_("authentication"), max_length=8, blank=True, choices=AuthProtocol.choices)
    auth_key_encrypted = models.TextField(blank=True, editable=False)
    priv_protocol = models.CharField(_("privacy"), max_length=8, blank=True, choices=PrivProtocol.choices)
    priv_key_encrypted = models.TextField(blank=True, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.UNKNOWN, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SNMP device")
        verbose_name_plural = _("SNMP devices")

    def __str__(self) -> str:
        return self.name

    def set_secrets(self, community: str = "", auth_key: str = "", priv_key: str = "") -> None:
        """Store the given secrets encrypted; an empty one leaves the stored secret as it is."""
        for attribute, value in (("community_encrypted", community), ("auth_key_encrypted", auth_key),
                                 ("priv_key_encrypted", priv_key)):
            if value:
                setattr(self, attribute, credentials.encrypt(value))

    def secret(self, attribute: str) -> str:
        value = getattr(self, attribute)
        return credentials.decrypt(value) if value else ""

    def clean(self) -> None:
        errors = {}
        if self.version == self.Version.V2C and not self.community_encrypted:
            errors["version"] = _("SNMPv2c needs a community.")
        if self.version == self.Version.V3:
            if not self.v3_user:
                errors["v3_user"] = _("SNMPv3 needs a user name.")
            if self.auth_protocol and not self.auth_key_encrypted:
                errors["auth_protocol"] = _("This authentication protocol needs a key.")
            if self.priv_protocol and not self.auth_protocol:
                errors["priv_protocol"] = _("Privacy needs authentication as well.")
            if self.priv_protocol and not self.priv_key_encrypted:
                errors["priv_protocol"] = _("This privacy protocol needs a key.")
        if errors:
            raise ValidationError(errors)


class Series(models.Model):
    """One measured quantity of one SNMP device (e.g. "if:eth0:in-bps") or of one gateway node, as its agent reports
    it (e.g. "kea:subnet:192.0.2.0/24:assigned"); samples refer to it by a small integer."""
    id = models.AutoField(primary_key=True)
    device = models.ForeignKey(SnmpDevice, on_delete=models.CASCADE, related_name="series", null=True, blank=True)
    node = models.ForeignKey("nodes.GatewayNode", on_delete=models.CASCADE, related_name="series", null=True,
                             blank=True)
    key = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "key"], name="monitoring_series_unique_key"),
            models.UniqueConstraint(fields=["node", "key"], name="monitoring_series_unique_node_key"),
            models.CheckConstraint(condition=models.Q(device__isnull=True) ^ models.Q(node__isnull=True),
                                   name="monitoring_series_device_or_node"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id or 'node ' + str(self.node_id)}:{self.key}"


class Sample(models.Model):
    """A raw value, kept 24 hours. The composite key is the only index: no id column, no second index."""
    pk = models.CompositePrimaryKey("series", "at")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, db_index=False)
    at = models.DateTimeField()
    value = models.FloatField()


class MinuteRollup(models.Model):
    """One minute of a series, kept 30 days."""
    pk = models.CompositePrimaryKey("series", "minute")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, db_index=False)
    minute = models.DateTimeField()
    average = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()
    count = models.PositiveSmallIntegerField()
