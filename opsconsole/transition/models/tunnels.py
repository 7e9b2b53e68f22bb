"""Tunnel and translation roles beside NAT64: SA46T, DS-Lite (AFTR or B4) and 464XLAT (PLAT or CLAT)."""
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gateways.addressing import b4_ipv4, clat_ipv6, sa46t_address
from opsconsole.audit.trail import audited

from ..validators import (
    compressed_words,
    ListOf,
    plain_errors,
    validate_interface,
    validate_ipv4_address,
    validate_ipv4_prefix,
    validate_ipv6_address,
    validate_ipv6_prefix,
    validate_nat64_prefix,
    validate_tunnel,
)
from .base import NodeRole, RoleRow, mtu_field, network_or_none, normalise, probe_target_field
from .nat64 import refuse_tayga_reserved

MAX_PLANE_ID = 2**32 - 1


def _required(instance: models.Model, why: str, *fields: str) -> dict[str, str]:
    return {field: why for field in fields if not getattr(instance, field)}


def _refused(instance: models.Model, why: str, *fields: str) -> dict[str, str]:
    return {field: why for field in fields if getattr(instance, field)}


def _raise_any(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


@audited()
class Sa46tRole(NodeRole):
    intent_role = "sa46t"

    prefix = models.CharField(_("SA46T prefix"), max_length=64, validators=[validate_ipv6_prefix])
    plane_id = models.PositiveBigIntegerField(_("plane ID"), default=0, validators=[MaxValueValidator(MAX_PLANE_ID)])
    ipv4_address = models.CharField(_("node IPv4 address"), max_length=32, validators=[validate_ipv4_address],
                                    help_text=_("its SA46T address embeds it"))
    networks = models.CharField(_("IPv4 networks behind this node"), max_length=1000, blank=True,
                                validators=[ListOf(validate_ipv4_prefix)])
    uplink = models.CharField(_("IPv6 uplink interface"), max_length=15, validators=[validate_interface])
    tunnel = models.CharField(_("tunnel name"), max_length=12, default="sa46t", validators=[validate_tunnel])
    mtu = mtu_field()
    probe_target = probe_target_field()

    class Meta:
        verbose_name = _("SA46T role")

    @property
    def local_address(self) -> str:
        return str(sa46t_address(self.prefix, self.plane_id, self.ipv4_address))

    def peers(self) -> list["Sa46tRole"]:
        """The other SA46T nodes of the same prefix and plane."""
        return list(Sa46tRole.objects.filter(prefix=self.prefix, plane_id=self.plane_id)
                    .exclude(pk=self.pk).select_related("node").order_by("node__name"))

    def affected_node_ids(self) -> set[int]:
        # Peers come from every node of a plane, and an edit may move this node to another plane.
        return set(Sa46tRole.objects.values_list("node_id", flat=True)) | {self.node_id}

    def clean(self) -> None:
        normalise(self, "prefix", "ipv4_address")
        try:
            self.networks = compressed_words(self.networks)
        except ValueError:
            return
        if network_or_none(self.prefix) is None or network_or_none(self.ipv4_address) is None:
            return
        with plain_errors("prefix"):
            local = self.local_address
        twin = Sa46tRole.objects.filter(prefix=self.prefix, plane_id=self.plane_id,
                                        ipv4_address=self.ipv4_address).exclude(pk=self.pk).first()
        if twin:
            raise ValidationError({"ipv4_address": _("%(node)s already has the SA46T address %(address)s.")
                                   % {"node": twin.node.name, "address": local}})


@audited()
class DsliteRole(NodeRole):
    intent_role = "dslite"

    class Side(models.TextChoices):
        AFTR = "aftr", _("AFTR (carrier side)")
        B4 = "b4", _("B4 (customer side)")

    side = models.CharField(_("side"), max_length=4, choices=Side.choices)
    aftr_address = models.CharField(_("AFTR IPv6 address"), max_length=64, validators=[validate_ipv6_address])
    b4_address = models.CharField(_("B4 IPv6 address"), max_length=64, blank=True, validators=[validate_ipv6_address])
    b4_ipv4 = models.CharField(_("B4 IPv4 address"), max_length=32, default="192.0.0.2",
                               validators=[validate_ipv4_address])
    pool4 = models.CharField(_("NAT44 pool"), max_length=32, blank=True, validators=[validate_ipv4_prefix])
    wan = models.CharField(_("IPv6 interface"), max_length=15, validators=[validate_interface])
    uplink = models.CharField(_("IPv4 uplink interface"), max_length=15, blank=True, validators=[validate_interface])
    tunnel = models.CharField(_("tunnel name"), max_length=12, default="dslite", validators=[validate_tunnel])
    mtu = mtu_field()
    probe_target = probe_target_field()

    class Meta:
        verbose_name = _("DS-Lite role")

    def clean(self) -> None:
        normalise(self, "aftr_address", "b4_address", "b4_ipv4", "pool4")
        if network_or_none(self.b4_ipv4) is not None:
            with plain_errors("b4_ipv4"):
                b4_ipv4(self.b4_ipv4)
        if self.side == self.Side.B4:
            _raise_any(_required(self, _("A B4 needs this."), "b4_address")
                       | _refused(self, _("Only an AFTR takes this."), "pool4", "uplink"))
        else:
            _raise_any(_required(self, _("An AFTR needs this."), "pool4", "uplink")
                       | _refused(self, _("Only a B4 takes this."), "b4_address"))


@audited()
class DsliteB4(RoleRow):
    role_model = DsliteRole

    role = models.ForeignKey(DsliteRole, on_delete=models.CASCADE, related_name="b4s", verbose_name=_("AFTR"))
    address = models.CharField(_("B4 IPv6 address"), max_length=64, validators=[validate_ipv6_address])
    networks = models.CharField(_("IPv4 networks behind it"), max_length=1000, validators=[ListOf(validate_ipv4_prefix)])

    class Meta:
        ordering = ["id"]
        verbose_name = _("DS-Lite B4 served by an AFTR")

    def __str__(self) -> str:
        return f"B4 {self.address}"

    def clean(self) -> None:
        normalise(self, "address")
        try:
            self.networks = compressed_words(self.networks)
        except ValueError:
            return
        if not self.networks:
            raise ValidationError({"networks": _("Give at least one IPv4 network.")})
        if self.role.side != DsliteRole.Side.AFTR:
            raise ValidationError(_("Only an AFTR serves B4s."))


@audited()
class Xlat464Role(NodeRole):
    intent_role = "xlat464"

    class Side(models.TextChoices):
        PLAT = "plat", _("PLAT (provider side, this node's NAT64)")
        CLAT = "clat", _("CLAT (customer side)")

    side = models.CharField(_("side"), max_length=4, choices=Side.choices)
    plat_prefix = models.CharField(_("PLAT prefix"), max_length=64, blank=True, validators=[validate_nat64_prefix],
                                   help_text=_("a CLAT's PLAT; a PLAT uses its own NAT64 pool6"))
    clat_prefix = models.CharField(_("CLAT prefix"), max_length=64, blank=True, validators=[validate_ipv6_prefix],
                                   help_text=_("a dedicated /64 or a /96 for translation"))
    clat_ipv4 = models.CharField(_("CLAT IPv4 address"), max_length=32, default="192.0.0.1",
                                 validators=[validate_ipv4_address])
    tayga_ipv4_addr = models.CharField(_("TAYGA's own IPv4 address"), max_length=32, blank=True,
                                       validators=[validate_ipv4_address])
    wan = models.CharField(_("IPv6 interface"), max_length=15, blank=True, validators=[validate_interface])

    class Meta:
        verbose_name = _("464XLAT role")

    @property
    def clat_ipv6(self) -> str:
        return str(clat_ipv6(self.clat_prefix, self.clat_ipv4))

    @property
    def node_pool6(self) -> str | None:
        nat64 = getattr(self.node, "nat64role", None)
        return nat64.pool6 if nat64 else None

    def clean(self) -> None:
        normalise(self, "plat_prefix", "clat_prefix", "clat_ipv4", "tayga_ipv4_addr")
        if self.side == self.Side.PLAT:
            _raise_any(_refused(self, _("A PLAT uses this node's NAT64 role; only a CLAT takes this."),
                                "plat_prefix", "clat_prefix", "tayga_ipv4_addr", "wan"))
            if self.node_id and self.node_pool6 is None:
                raise ValidationError(_("A PLAT is this node's NAT64: give the node a NAT64 role first."))
            return
        _raise_any(_required(self, _("A CLAT needs this."), "plat_prefix", "clat_prefix", "tayga_ipv4_addr", "wan"))
        refuse_tayga_reserved(self.tayga_ipv4_addr, "tayga_ipv4_addr", "ipv4-addr")
        if network_or_none(self.clat_prefix) and network_or_none(self.clat_ipv4):
            with plain_errors("clat_prefix"):
                clat_ipv6(self.clat_prefix, self.clat_ipv4)

