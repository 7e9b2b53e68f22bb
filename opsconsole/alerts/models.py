"""Alert rules the NOC sets, the alerts they raise, where notifications go, and each notification's delivery."""
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator, validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited
from opsconsole.nodes import credentials


class Kind(models.TextChoices):
    NODE_UNREACHABLE = "node-unreachable", _("node unreachable")
    PUSH_FAILED = "push-failed", _("push failed")
    DHCP_POOL = "dhcp-pool", _("DHCP pool use")
    NAT64_POOL = "nat64-pool", _("NAT64 pool use")
    DNS64_SLOW = "dns64-slow", _("DNS64 slow")
    DNS64_WRONG = "dns64-wrong", _("DNS64 wrong")
    UPLINK_BUSY = "uplink-busy", _("uplink busy")
    LINK_SLOW = "link-slow", _("link speed below nominal")
    SNMP_DOWN = "snmp-down", _("SNMP device down")
    RADIUS_REJECTS = "radius-rejects", _("RADIUS rejects")
    CERTIFICATE_EXPIRING = "certificate-expiring", _("certificate expiring")


# What the threshold of each kind means; a kind without one has no threshold to set.
THRESHOLD_UNITS = {
    Kind.NODE_UNREACHABLE: _("seconds without a heartbeat"),
    # xgettext:no-python-format
    Kind.DHCP_POOL: _("% of the pool used"),
    # xgettext:no-python-format
    Kind.NAT64_POOL: _("% of the pool used"),
    Kind.DNS64_SLOW: _("ms answer time"),
    # xgettext:no-python-format
    Kind.UPLINK_BUSY: _("% of the link speed"),
    Kind.LINK_SLOW: _("Mb/s nominal speed"),
    Kind.RADIUS_REJECTS: _("rejects within the duration"),
    Kind.CERTIFICATE_EXPIRING: _("days before expiry"),
}
# The facts of a condition (conditions.py) in the reader's language.
SUMMARIES = {
    Kind.NODE_UNREACHABLE: _("%(node)s: no heartbeat for %(minutes).0f min"),
    Kind.PUSH_FAILED: _("%(node)s: push of revision %(revision)s failed"),
    Kind.DHCP_POOL: _("DHCP pool %(pool)s on %(node)s: %(percent).0f %% used (%(used).0f of %(size).0f)"),
    Kind.NAT64_POOL: _("NAT64 pool %(pool)s on %(node)s: %(percent).0f %% used (%(used).0f of %(size).0f)"),
    Kind.DNS64_SLOW: _("DNS64 on %(node)s answered in %(ms).0f ms"),
    Kind.DNS64_WRONG: _("DNS64 on %(node)s gave a wrong or no synthesised answer"),
    Kind.UPLINK_BUSY: _("%(interface)s on %(device)s above %(threshold).0f %% for %(minutes).0f min (now %(percent).0f %%)"),
    Kind.LINK_SLOW: _("%(interface)s on %(device)s runs at %(speed).0f Mb/s, below %(nominal).0f Mb/s"),
    Kind.SNMP_DOWN: _("SNMP device %(device)s does not answer"),
    Kind.RADIUS_REJECTS: _("%(rejects)s RADIUS rejects in the last %(minutes).0f min"),
    Kind.CERTIFICATE_EXPIRING: _("certificate %(certificate)s expires in %(days).1f days"),
}
NEVER_BEATEN = _("%(node)s: no heartbeat received yet")


def summary(kind: str, facts: dict) -> str:
    if kind == Kind.NODE_UNREACHABLE and facts.get("seconds") is None:
        return str(NEVER_BEATEN) % facts
    if kind == Kind.NODE_UNREACHABLE:
        facts = {**facts, "minutes": facts["seconds"] / 60}
    try:
        text = str(SUMMARIES[kind]) % facts
    except (KeyError, TypeError, ValueError):
        return f"{kind}: {facts}"  # facts written by an older version of a rule
    return f"{text}: {facts['error']}" if facts.get("error") else text


@audited()
class AlertRule(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    threshold = models.FloatField(_("threshold"), default=0, validators=[MinValueValidator(0)])
    duration_seconds = models.PositiveIntegerField(
        _("duration (s)"), default=0,
        help_text=_("How long the uplink must stay busy; the window in which RADIUS rejects are counted."))
    interfaces = models.CharField(
        _("interfaces"), max_length=500, blank=True,
        help_text=_("Interface names, comma-separated (uplink and link-speed rules); empty: every interface."))
    repeat_minutes = models.PositiveIntegerField(
        _("repeat every (min)"), default=60, help_text=_("Notify again while the alert stays open; 0: never."))
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("alert rule")

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def threshold_unit(self) -> str:
        return str(THRESHOLD_UNITS.get(self.kind, ""))

    @property
    def interface_names(self) -> tuple[str, ...]:
        return tuple(name.strip() for name in self.interfaces.split(",") if name.strip())


class Alert(models.Model):
    """A rule's condition on one subject, from the moment it held to the moment it ended: raised once, cleared once."""
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    subject = models.CharField(_("about"), max_length=200)
    facts = models.JSONField(default=dict)
    value = models.FloatField(null=True, blank=True)
    raised_at = models.DateTimeField(_("raised"))
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    # When its channels were last told (raised, or a repeat); a repeat is claimed by moving this forward.
    notified_at = models.DateTimeField()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "subject"], condition=models.Q(cleared_at=None),
                                               name="alerts_one_open_alert_per_rule_and_subject")]

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        return summary(self.kind, self.facts)

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class ChannelKind(models.TextChoices):
    WEBHOOK = "webhook", _("webhook (Slack, Mattermost and other chat bridges)")
    EMAIL = "email", _("e-mail")


WEBHOOK_URL_INVALID = _("Give an http:// or https:// URL.")


def shown_url(url: str) -> str:
    """The scheme and host of a webhook URL: its path and query often are the secret."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}/…"


@audited(secret_fields=("url_encrypted",))
class NotificationChannel(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=ChannelKind.choices)
    url_encrypted = models.TextField(blank=True, editable=False)
    addresses = models.CharField(_("e-mail addresses"), max_length=500, blank=True,
                                 help_text=_("Comma-separated."))
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("notification channel")

    def __str__(self) -> str:
        return self.name

    def set_url(self, url: str) -> None:
        URLValidator(schemes=["http", "https"])(url)
        self.url_encrypted = credentials.encrypt(url)

    @property
    def url(self) -> str:
        return credentials.decrypt(self.url_encrypted) if self.url_encrypted else ""

    @property
    def recipients(self) -> list[str]:
        return [address.strip() for address in self.addresses.split(",") if address.strip()]

    @property
    def shown_target(self) -> str:
        return shown_url(self.url) if self.kind == ChannelKind.WEBHOOK else ", ".join(self.recipients)

    @property
    def last_error(self) -> str:
        """Why the latest notification to this channel has not gone through yet, if it has not (host only)."""
        latest = self.notifications.order_by("-created_at", "-id").first()
        return latest.last_error if latest is not None and latest.sent_at is None else ""

    def clean(self) -> None:
        if self.kind == ChannelKind.WEBHOOK and not self.url_encrypted:
            raise ValidationError({"kind": _("A webhook needs its URL.")})
        if self.kind == ChannelKind.EMAIL:
            if not self.recipients:
                raise ValidationError({"addresses": _("Give at least one e-mail address.")})
            for address in self.recipients:
                try:
                    validate_email(address)
                except ValidationError as error:
                    raise ValidationError({"addresses": error.messages}) from None


class Notification(models.Model):
    """One message to one channel about one alert; retried until sent or given up (due_at empty, not sent)."""

    class Event(models.TextChoices):
        RAISED = "raised", _("raised")
        REPEAT = "repeat", _("still open")
        CLEARED = "cleared", _("cleared")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    channel = models.ForeignKey(NotificationChannel, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=8, choices=Event.choices)
    created_at = models.DateTimeField()
    # The next attempt; a sender claims it by moving it forward, and it is emptied once sent or given up.
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.alert} to {self.channel}"
