"""The network plan: VLANs with their per-family service, SSIDs that lead to them, and prefixes that live on them."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited

from .choices import Allocation, Authentication, Band, ChoiceSet, Family, PrefixPurpose, Resolver, Scope, Transition
from .validators import (
    BANDS_NEEDED,
    V6ONLY_WAIT_DEFAULT,
    overlap_errors,
    parse_network,
    validate_bands,
    validate_essid,
    validate_network,
    validate_v6only_wait,
    validate_vid,
    validate_vlan_name,
)


def choice_field(choice_set: type[ChoiceSet], verbose_name: Promise, **options) -> models.CharField:
    """A CharField over `choice_set` whose refusal names the field and lists the allowed values."""
    message = format_lazy(
        _("“%(value)s” is not a valid {what}; choose one of {allowed}."),
        what=verbose_name,
        allowed=", ".join(choice_set.values()),
    )
    return models.CharField(
        verbose_name,
        max_length=24,
        choices=choice_set.choices(),
        error_messages={"invalid_choice": message},
        **options,
    )


class PlanModel(models.Model):
    class Meta:
        abstract = True

    def unique_error_message(self, model_class: type[models.Model], unique_check: tuple[str, ...]) -> ValidationError:
        # Lets a field's "unique" message name the clashing value.
        error = super().unique_error_message(model_class, unique_check)
        if len(unique_check) == 1:
            error.params["value"] = getattr(self, unique_check[0])
        return error


@audited()
class Vlan(PlanModel):
    vid = models.IntegerField(
        _("VLAN id"),
        unique=True,
        validators=[validate_vid],
        error_messages={
            "unique": _("VLAN %(value)s is already in the plan."),
            "invalid": _("A VLAN id is a whole number from 1 to 4094, not “%(value)s”."),
        },
    )
    name = models.CharField(
        _("name"),
        max_length=32,
        unique=True,
        validators=[validate_vlan_name],
        error_messages={"unique": _("A VLAN named “%(value)s” is already in the plan.")},
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)

    class Meta:
        ordering = ["vid"]
        verbose_name = _("VLAN")
        verbose_name_plural = _("VLANs")
        constraints = [models.CheckConstraint(condition=models.Q(vid__gte=1, vid__lte=4094), name="plan_vlan_vid_range")]

    def __str__(self) -> str:
        return f"{self.vid} {self.name}"

    def registrations_lost(self) -> str:
        """What deleting this VLAN takes from registered devices (registration's Device.vlans), or "" if nothing."""
        devices = self.registered_devices.order_by()
        count = devices.count()
        if not count:
            return ""
        participants = devices.values("participant_id").distinct().count()
        return gettext("VLAN %(vlan)s: %(devices)s of %(participants)s lose their registration for it.") % {
            "vlan": self, "devices": ngettext("%(n)s device", "%(n)s devices", count) % {"n": count},
            "participants": ngettext("%(n)s participant", "%(n)s participants", participants) % {"n": participants},
        }


@audited()
class VlanFamily(PlanModel):
    """How one address family (IPv6 or IPv4) is served on a VLAN: one row of Table 1."""

    vlan = models.ForeignKey(Vlan, verbose_name=_("VLAN"), on_delete=models.CASCADE, related_name="families")
    family = choice_field(Family, _("address family"))
    scope = choice_field(Scope, _("address scope"), default=Scope.NONE)
    allocation = choice_field(Allocation, _("address allocation"), default=Allocation.NONE)
    resolver = choice_field(Resolver, _("resolver"), default=Resolver.NONE)
    transition = choice_field(Transition, _("transition technique"), default=Transition.NONE)
    v6only_wait = models.PositiveBigIntegerField(
        _("V6ONLY_WAIT (seconds)"),
        null=True,
        blank=True,
        validators=[validate_v6only_wait],
        help_text=_("IPv6-mostly only: how long a client that takes option 108 stays off IPv4 (RFC 8925). "
                    "Empty means 1800."),
    )

    class Meta:
        ordering = ["vlan__vid", "-family"]
        verbose_name = _("VLAN address family")
        verbose_name_plural = _("VLAN address families")
        constraints = [models.UniqueConstraint(fields=["vlan", "family"], name="plan_vlanfamily_one_per_family")]

    def __str__(self) -> str:
        return f"{self.vlan_id} {self.get_family_display()}"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.family == Family.IPV4 and self.allocation in Allocation.IPV6_ONLY:
            errors["allocation"] = ValidationError(
                _("%(allocation)s hands out IPv6 addresses only; choose a DHCPv4 method or none for IPv4."),
                params={"allocation": Allocation.label(self.allocation)},
            )
        if self.family == Family.IPV6 and self.allocation in Allocation.IPV4_ONLY:
            errors["allocation"] = ValidationError(
                _("%(allocation)s hands out IPv4 addresses only; choose DHCPv6, RA/SLAAC or none for IPv6."),
                params={"allocation": Allocation.label(self.allocation)},
            )
        if self.allocation == Allocation.DHCPV4_IPV6_MOSTLY and self.v6only_wait is None:
            self.v6only_wait = V6ONLY_WAIT_DEFAULT
        if self.allocation != Allocation.DHCPV4_IPV6_MOSTLY and self.v6only_wait is not None:
            errors["v6only_wait"] = ValidationError(
                _("V6ONLY_WAIT belongs to the IPv6-mostly allocation only; leave it empty for %(allocation)s."),
                params={"allocation": Allocation.label(self.allocation)},
            )
        if self.family == Family.IPV4 and self.allocation == Allocation.DHCPV4_IPV6_MOSTLY:
            ipv6 = self.ipv6_row if hasattr(self, "ipv6_row") else self._stored_ipv6_row()
            if ipv6 is not None and ipv6.transition != Transition.NAT64:
                errors["allocation"] = ValidationError(
                    _("IPv6-mostly clients give up IPv4 and reach it only through NAT64; choose NAT64 (with DNS64) "
                      "on this VLAN's IPv6 row first."))
        if self.scope == Scope.NONE and self.allocation != Allocation.NONE:
            errors.setdefault("allocation", ValidationError(_("With scope none there are no addresses to hand out; choose allocation none.")))
        if self.scope == Scope.NONE and self.vlan_id is not None:
            clients = [p.network for p in self.vlan.prefixes.filter(purpose=PrefixPurpose.CLIENTS) if p.family == self.family]
            if clients:
                errors["scope"] = ValidationError(
                    _("%(prefixes)s number this VLAN's %(family)s clients; move or delete them before choosing scope none."),
                    params={"prefixes": ", ".join(sorted(clients)), "family": Family.label(self.family)},
                )
        if self.scope == Scope.NONE and self.resolver != Resolver.NONE:
            errors["resolver"] = ValidationError(_("With scope none nothing tells clients a resolver; choose resolver none."))
        if self.family == Family.IPV4 and self.transition == Transition.NAT64:
            errors["transition"] = ValidationError(_("NAT64 serves IPv6-only clients; put it on the IPv6 row."))
        if self.family == Family.IPV6 and self.transition in Transition.IPV4_OVER_IPV6:
            errors["transition"] = ValidationError(
                _("%(transition)s carries IPv4 to clients; put it on the IPv4 row."),
                params={"transition": Transition.label(self.transition)},
            )
        if self.transition == Transition.NAT64 and self.resolver != Resolver.DNS64:
            errors.setdefault("resolver", ValidationError(_("NAT64 needs the DNS64 resolver, or IPv6-only clients never reach IPv4 names.")))
        if self.transition == Transition.NATIVE and self.scope != Scope.GLOBAL:
            errors.setdefault("transition", ValidationError(_("Native routing needs global addresses; choose scope global.")))
        if errors:
            raise ValidationError(errors)

    def _stored_ipv6_row(self) -> "VlanFamily | None":
        # An editing form or an import sets ipv6_row to the row it checks alongside this one; a stored VLAN
        # without an IPv6 row has no NAT64 either.
        if self.vlan_id is None:
            return None
        return self.vlan.families.filter(family=Family.IPV6).first() or VlanFamily(family=Family.IPV6)

    def cells(self) -> list[tuple[str, str]]:
        """(label, badge class) for scope, resolver, allocation and transition, in Table 1's column order."""
        return [
            (Scope.label(self.scope), Scope.badge(self.scope)),
            (Resolver.label(self.resolver), Resolver.badge(self.resolver)),
            (Allocation.label(self.allocation), Allocation.badge(self.allocation)),
            (Transition.label(self.transition), Transition.badge(self.transition)),
        ]


@audited()
class Ssid(PlanModel):
    # The limit is 32 bytes, checked by validate_essid; the column leaves room for multibyte text so
    # that the byte rule is the only message a person sees.
    essid = models.CharField(
        _("ESSID"),
        max_length=128,
        unique=True,
        validators=[validate_essid],
        error_messages={
            "unique": _("ESSID “%(value)s” is already in the plan."),
            "blank": _("An ESSID needs at least one character."),
        },
    )
    hidden = models.BooleanField(_("hidden"), default=False)
    bands = models.JSONField(
        _("bands"), default=list, validators=[validate_bands], error_messages={"blank": BANDS_NEEDED}
    )
    authentication = choice_field(Authentication, _("authentication"))
    # PEAP-MSCHAPv2 with the participant's Wi-Fi password, beside EAP-TLS, for devices that cannot install a certificate.
    wifi_password = models.BooleanField(
        _("Wi-Fi password"), default=False,
        help_text=_("Also accept the participant's Wi-Fi password (PEAP-MSCHAPv2) on this EAP SSID."),
    )
    vlan = models.ForeignKey(Vlan, verbose_name=_("VLAN"), on_delete=models.PROTECT, related_name="ssids")

    class Meta:
        ordering = ["vlan__vid", "essid"]
        verbose_name = _("SSID")
        verbose_name_plural = _("SSIDs")

    def __str__(self) -> str:
        return self.essid

    @property
    def band_labels(self) -> list[str]:
        return [str(Band.label(band)) for band in self.bands]

    def clean(self) -> None:
        if isinstance(self.bands, list) and set(self.bands) <= set(Band.values()):
            self.bands = [band for band in Band.values() if band in self.bands]
        if self.wifi_password and self.authentication != Authentication.EAP_TLS:
            raise ValidationError({"wifi_password": _("The Wi-Fi password is offered only on an EAP SSID.")})


@audited()
class Prefix(PlanModel):
    vlan = models.ForeignKey(Vlan, verbose_name=_("VLAN"), on_delete=models.PROTECT, related_name="prefixes")
    network = models.CharField(
        _("prefix"),
        max_length=43,
        unique=True,
        validators=[validate_network],
        error_messages={"unique": _("%(value)s is already in the plan.")},
    )
    purpose = choice_field(PrefixPurpose, _("purpose"))
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("prefix")
        verbose_name_plural = _("prefixes")

    def __str__(self) -> str:
        return self.network

    def clean(self) -> None:
        try:
            self.network = str(parse_network(self.network))
        except ValidationError:
            return  # clean_fields has already said why
        if self.vlan_id is not None:
            row = self.vlan.families.filter(family=self.family).first()
            self.refuse_scope_none(row.scope if row else Scope.NONE, self.vlan)

    def refuse_scope_none(self, scope: str, vlan: "Vlan") -> None:
        """Clients cannot be numbered from a family the VLAN does not carry."""
        if self.purpose == PrefixPurpose.CLIENTS and scope == Scope.NONE:
            raise ValidationError({"vlan": ValidationError(
                _("VLAN %(vlan)s has no %(family)s (its scope is none), so it has no %(family)s clients; set its "
                  "%(family)s scope first or choose another VLAN."),
                params={"vlan": vlan, "family": Family.label(self.family)},
            )})

    def validate_unique(self, exclude=None) -> None:
        """Besides the unique network, no prefix may overlap another of its family anywhere in the plan."""
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().validate_unique(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if exclude is None or "network" not in exclude:
            network = parse_network(self.network)
            rest = Prefix.objects.exclude(pk=self.pk).select_related("vlan")
            others = sorted(((parse_network(p.network), p.vlan.name) for p in rest), key=lambda o: (o[0].version, o[0]))
            overlaps = overlap_errors(network, others)
            if overlaps:
                errors.setdefault("network", []).extend(overlaps)
        if errors:
            raise ValidationError(errors)

    @property
    def family(self) -> str:
        return Family.IPV6 if parse_network(self.network).version == 6 else Family.IPV4

    @property
    def sort_key(self) -> tuple:
        """VLAN, then IPv6 before IPv4, then address and length: the order of the table and the export."""
        network = parse_network(self.network)
        return (self.vlan.vid, -network.version, int(network.network_address), network.prefixlen)
