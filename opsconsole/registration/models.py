"""Participants, their devices (MAC registrations per VLAN), the NOC's limits, and what the portal needs."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited
from opsconsole.plan.choices import Allocation, Authentication
from opsconsole.plan.models import Vlan
from opsconsole.transition.validators import validate_interface

from .mac import MacError, hex_digits, normalise_mac

MAC_MESSAGES = {
    "malformed": _("“%(value)s” is not a MAC address: write 12 hex digits, e.g. aa:bb:cc:dd:ee:ff or aabb.ccdd.eeff."),
    "broadcast": _("%(value)s is the broadcast address, not a device."),
    "zero": _("%(value)s is all zeros, not a device."),
    "multicast": _("%(value)s is a multicast address, not a device (its first byte is odd)."),
}


def mac_validation_error(error: MacError) -> ValidationError:
    """The model-layer (translatable) form of a MacError."""
    return ValidationError(MAC_MESSAGES[error.code], code=error.code, params={"value": error.mac})


def mac_taken_error(mac: str) -> ValidationError:
    """A MAC that another request registered at the same moment, whose owner this request cannot name."""
    return ValidationError(_("%(mac)s is already registered."), code="mac_taken", params={"mac": mac})


def registrable_vlans() -> models.QuerySet:
    """VLANs where registering a MAC changes anything: DHCPv4 by registration, or an SSID with MAC authentication."""
    return Vlan.objects.filter(
        models.Q(families__allocation=Allocation.DHCPV4_REGISTRATION) | models.Q(ssids__authentication=Authentication.MAC)
    ).distinct().order_by("vid")


@audited()
class RegistrationSettings(models.Model):
    """The NOC's limits; one row (pk 1), created with the defaults on first use."""

    device_limit = models.PositiveSmallIntegerField(
        _("devices per participant"), default=5, validators=[MinValueValidator(1)]
    )
    portal_registrations_per_hour = models.PositiveSmallIntegerField(
        _("self-service registrations per hour"), default=10, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")

    def __str__(self) -> str:
        return str(_("registration settings"))

    @classmethod
    def load(cls) -> "RegistrationSettings":
        return cls.objects.get_or_create(pk=1)[0]


@audited()
class Participant(models.Model):
    name = models.CharField(_("name"), max_length=120)
    affiliation = models.CharField(_("affiliation"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("login"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="participant", limit_choices_to={"role": "participant"},
    )
    active_from = models.DateTimeField(_("event starts"), default=timezone.now)
    active_until = models.DateTimeField(_("event ends"), help_text=_("Every registration of this participant expires then."))
    # Name, e-mail, affiliation and the hex digits of every device MAC, lower-case: the helpdesk's search-as-you-type
    # is one LIKE on this column (trigram-indexed on PostgreSQL, see migration 0002).
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("participant")
        # Search results come in name order, capped: walking this index stops after the first screenful.
        indexes = [models.Index(fields=["name"], name="registration_participant_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name

    def clean(self) -> None:
        if self.active_until and self.active_from and self.active_until <= self.active_from:
            raise ValidationError({"active_until": _("The event must end after it starts.")})
        if self.user_id and self.user.role != "participant":
            raise ValidationError({"user": _("Only a participant account can be a participant's login.")})

    def event_over(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.active_until

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            # Under the lock a device registered meanwhile is either in the list read here or waits for this save.
            lock_participants({self.pk})
            self.search_text = self.searchable_text()
            super().save(*args, **kwargs)

    def searchable_text(self) -> str:
        macs = list(self.devices.values_list("mac_digits", flat=True)) if self.pk else []
        return "\n".join([self.name, self.email, self.affiliation, *macs]).lower()

    def refresh_search_text(self) -> None:
        Participant.objects.filter(pk=self.pk).update(search_text=self.searchable_text())


def lock_participants(pks) -> None:
    """Changes to one participant's devices take turns (call inside a transaction): the device limit is counted, and
    the search text rebuilt from every device, while no other registration of theirs is half done."""
    list(Participant.objects.select_for_update().filter(pk__in=sorted(set(pks) - {None})).values_list("pk", flat=True))


def registered_already(device: Device, error: ValidationError) -> Device | None:
    """The participant's own device with the MAC of DEVICE, when a new registration was refused only because that MAC
    is taken: a retry after a failure whose outcome the client never saw must be answered with it, not refused."""
    errors = getattr(error, "error_dict", {})
    if device.pk is not None or list(errors) != ["mac"] or [item.code for item in errors["mac"]] != ["mac_taken"]:
        return None
    return Device.objects.filter(participant_id=device.participant_id, mac_digits=device.mac_digits).first()


class Source(models.TextChoices):
    HELPDESK = "helpdesk", _("helpdesk")
    SELF_SERVICE = "self-service", _("self-service")
    IMPORT = "import", _("import")


class OperatingSystem(models.TextChoices):
    IOS = "ios", "iOS / iPadOS"
    ANDROID = "android", "Android"
    WINDOWS = "windows", "Windows"
    MACOS = "macos", "macOS"
    LINUX = "linux", "Linux"
    OTHER = "other", _("other")


class DeviceState(models.TextChoices):
    REGISTERED = "registered", _("registered")
    EXPIRED = "expired", _("expired")
    EVENT_OVER = "event-over", _("event over")
    NO_VLAN = "no-vlan", _("not registered")


STATE_BADGE = {DeviceState.REGISTERED: "ok", DeviceState.EXPIRED: "warn", DeviceState.EVENT_OVER: "bad", DeviceState.NO_VLAN: "bad"}


class DeviceQuerySet(models.QuerySet):
    def unexpired(self, now: datetime | None = None) -> "DeviceQuerySet":
        now = now or timezone.now()
        return self.filter(participant__active_until__gt=now).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


@audited()
class Device(models.Model):
    participant = models.ForeignKey(Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="devices")
    mac = models.CharField(_("MAC address"), max_length=17, unique=True)
    # The same address as 12 hex digits, so a search for any fragment in any notation is one LIKE.
    mac_digits = models.CharField(max_length=12, unique=True, editable=False)
    label = models.CharField(_("label"), max_length=80, blank=True)
    os = models.CharField(_("operating system"), max_length=16, choices=OperatingSystem.choices, default=OperatingSystem.OTHER)
    vlans = models.ManyToManyField(Vlan, verbose_name=_("registered for"), related_name="registered_devices", blank=True)
    source = models.CharField(_("registered through"), max_length=16, choices=Source.choices, default=Source.HELPDESK)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, help_text=_("Empty: when the event ends."))

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["participant__name", "mac"]
        verbose_name = _("device")

    def __str__(self) -> str:
        return f"{self.mac} {self.label}".strip()

    def clean_fields(self, exclude=None) -> None:
        try:
            self.mac = normalise_mac(self.mac or "")
            self.mac_digits = hex_digits(self.mac)
        except MacError as error:
            raise ValidationError({"mac": mac_validation_error(error)}) from None
        super().clean_fields(exclude=exclude)

    def validate_unique(self, exclude=None) -> None:
        owner = Device.objects.exclude(pk=self.pk).filter(mac_digits=self.mac_digits).select_related("participant").first()
        if owner is not None:
            raise ValidationError({"mac": ValidationError(
                _("%(mac)s is already registered to %(owner)s."), code="mac_taken",
                params={"mac": self.mac, "owner": owner.participant},
            )})
        super().validate_unique(exclude=set(exclude or ()) | {"mac", "mac_digits"})

    def clean(self) -> None:
        if self.participant_id is None:
            return
        limit = RegistrationSettings.load().device_limit
        others = Device.objects.filter(participant_id=self.participant_id).exclude(pk=self.pk).count()
        if others >= limit:
            raise ValidationError(
                _("%(participant)s already has %(count)s devices, the limit the NOC set; remove one first."),
                code="device_limit", params={"participant": self.participant, "count": others},
            )

    def save(self, *args, **kwargs) -> None:
        self.mac = normalise_mac(self.mac)
        self.mac_digits = hex_digits(self.mac)
        with transaction.atomic():
            previous_owner = Device.objects.filter(pk=self.pk).values_list("participant_id", flat=True).first()
            lock_participants({self.participant_id, previous_owner})
            super().save(*args, **kwargs)
            for participant in Participant.objects.filter(pk__in={self.participant_id, previous_owner} - {None}):
                participant.refresh_search_text()

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            lock_participants({self.participant_id})
            return super().delete(*args, **kwargs)

    def extend(self, hours: int, now: datetime) -> None:
        """The helpdesk's "extend": HOURS more from the registration's end, or from now once it has ended."""
        self.expires_at = max(self.expires_at or now, now) + timedelta(hours=hours)
        self.save(update_fields=["expires_at"])

    def state(self, now: datetime | None = None) -> DeviceState:
        now = now or timezone.now()
        if self.participant.event_over(now):
            return DeviceState.EVENT_OVER
        if self.expires_at is not None and self.expires_at <= now:
            return DeviceState.EXPIRED
        if not self.vlans.all():
            return DeviceState.NO_VLAN
        return DeviceState.REGISTERED


def validate_interface_map(value) -> None:
    """{"VLAN id": "interface name", ...}: the Kea intent is built from it, so a bad map is refused where it is saved."""
    if not isinstance(value, dict):
        raise ValidationError(_('Give an object of VLAN id to interface name, e.g. {"40": "eth0.40"}.'))
    for vid, interface in value.items():
        if not (vid.isascii() and vid.isdigit() and 1 <= int(vid) <= 4094):
            raise ValidationError(_("%(vid)s is not a VLAN id (1-4094)."), params={"vid": vid})
        if not isinstance(interface, str):
            raise ValidationError(_("%(value)s is not an interface name."), params={"value": interface})
        try:
            validate_interface(interface)
        except ValidationError:
            raise ValidationError(_("%(value)s is not an interface name (letters, digits, _ . -, at most 15)."),
                                  params={"value": interface}) from None


@audited()
class DhcpService(models.Model):
    """Makes a gateway node the DHCP node: which interface serves each VLAN, and where Kea keeps its sockets and leases."""

    node = models.OneToOneField("nodes.GatewayNode", verbose_name=_("node"), on_delete=models.CASCADE, related_name="dhcp_service")
    interfaces = models.JSONField(
        _("interface per VLAN"), default=dict, validators=[validate_interface_map],
        help_text=_('VLAN id to interface name, e.g. {"40": "eth0.40"}; VLANs not listed are not served.'),
    )
    control_socket4 = models.CharField(_("DHCPv4 control socket"), max_length=200, default="/run/kea/kea4-ctrl-socket")
    control_socket6 = models.CharField(_("DHCPv6 control socket"), max_length=200, default="/run/kea/kea6-ctrl-socket")
    lease_directory = models.CharField(_("lease directory"), max_length=200, default="/var/lib/kea")
    serve_dhcp6 = models.BooleanField(_("serve DHCPv6"), default=True, help_text=_("Off where another server or RA alone serves IPv6."))
    router_advertisements = models.BooleanField(
        _("send router advertisements"), default=False,
        help_text=_("On where no router on these VLANs announces the IPv6 prefix: radvd on this node does, with the "
                    "managed flag on DHCPv6 VLANs and autonomous addresses on RA/SLAAC VLANs."),
    )
    dns_servers6 = models.JSONField(
        _("DNS64 resolver addresses"), default=list, blank=True,
        help_text=_("Given to DHCPv6 clients as dns-servers; leave empty if RA announces them."),
    )

    class Meta:
        verbose_name = _("DHCP service")

    def __str__(self) -> str:
        return f"DHCP on {self.node}"

    def interface_for(self, vlan: Vlan) -> str | None:
        return self.interfaces.get(str(vlan.vid))

    def served_vlans(self) -> models.QuerySet:
        return Vlan.objects.filter(vid__in=[int(vid) for vid in self.interfaces if str(vid).isdigit()])

    @classmethod
    def follow_renumbering(cls, old_vid: int, new_vid: int) -> None:
        """The interface that served VLAN `old_vid` serves it under its new id: keys are vids as the NOC writes them."""
        for service in cls.objects.filter(interfaces__has_key=str(old_vid)):
            service.interfaces[str(new_vid)] = service.interfaces.pop(str(old_vid))
            service.save(update_fields=["interfaces"])


class NeighbourEntry(models.Model):
    """One IP-to-MAC binding a gateway agent saw (ARP/NDP neighbour table or a lease): how the portal finds a MAC."""

    node = models.ForeignKey("nodes.GatewayNode", on_delete=models.CASCADE, related_name="neighbours")
    ip = models.GenericIPAddressField()
    mac = models.CharField(max_length=17)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "ip"], name="registration_neighbour_one_per_ip")]
        indexes = [models.Index(fields=["ip", "-seen_at"], name="registration_neighbour_ip")]


def new_code() -> str:
    # Eight characters from an alphabet without look-alikes (0/O, 1/I/L): easy to read aloud at a desk.
    return "".join(secrets.choice("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for _ in range(8))


# Long enough for a day at the event, short enough that a code in a pocket stops working overnight.
SIGN_IN_CODE_HOURS = 12


@audited(secret_fields=("code",))
class SignInCode(models.Model):
    """A short code the helpdesk hands out; entering it once signs the participant into the portal."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sign_in_codes")
    code = models.CharField(max_length=8, unique=True, default=new_code)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in code for {self.participant}"

    @staticmethod
    def expiry() -> datetime:
        return timezone.now() + timedelta(hours=SIGN_IN_CODE_HOURS)

    def save(self, *args, **kwargs) -> None:
        issuing = self._state.adding
        super().save(*args, **kwargs)
        if issuing:
            # Only the newest code works: one handed out earlier (and perhaps lost or overheard) stops working.
            SignInCode.objects.filter(participant_id=self.participant_id, used_at=None).exclude(pk=self.pk).delete()


class PortalRegistration(models.Model):
    """When and from where the portal registered a device: what the rate limit counts (removals do not refund)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    source_address = models.GenericIPAddressField()
    at = models.DateTimeField(default=timezone.now, db_index=True)
