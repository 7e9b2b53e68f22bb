"""NAT64 roles: stateful (pool4 with port ranges) or SIIT (explicit mappings), Jool or TAYGA, alone or load-shared."""
import ipaddress

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gateways.addressing import WELL_KNOWN_PREFIX, embed_ipv4
from gateways.intent import IntentError, http_url
from opsconsole.audit.trail import audited

from ..validators import (
    plain_errors,
    validate_interface,
    validate_ipv4_address,
    validate_ipv4_prefix,
    validate_ipv6_address,
    validate_ipv6_prefix,
    validate_nat64_prefix,
)
from .base import NodeRole, RoleRow, network_or_none, normalise


def refuse_non_global_with_wkp(pool6: str, ipv4: str, field: str) -> None:
    """RFC 6052 3.1: the well-known prefix never carries non-global IPv4 (checked at both ends of a prefix)."""
    network = network_or_none(ipv4)
    if network_or_none(pool6) is None or network is None:
        return
    with plain_errors(field):
        embed_ipv4(pool6, network.network_address)
        embed_ipv4(pool6, network.broadcast_address)


def validate_probe_url(value: str) -> None:
    try:
        http_url(value, "url")
    except IntentError:
        raise ValidationError(_("%(url)r is not an http:// or https:// URL of plain ASCII.") % {"url": value}) from None


# What TAYGA 0.9 refuses at start ("Cannot use reserved address ... in ipv4-addr directive"), as `tayga --mktun`
# shows; a dynamic pool is refused here when it overlaps one at all, where TAYGA looks at its first address only.
TAYGA_RESERVED = [
    (ipaddress.ip_network("127.0.0.0/8"), _("loopback")),
    (ipaddress.ip_network("169.254.0.0/16"), _("link-local")),
    (ipaddress.ip_network("224.0.0.0/3"), _("multicast and class E")),
    (ipaddress.ip_network("::/8"), _("loopback, IPv4-mapped and other reserved addresses")),
    (ipaddress.ip_network("fe80::/10"), _("link-local")),
    (ipaddress.ip_network("ff00::/8"), _("multicast")),
]


def refuse_tayga_reserved(value: str, field: str, directive: str) -> None:
    network = network_or_none(value)
    if network is None:
        return
    for reserved, kind in TAYGA_RESERVED:
        if network.version == reserved.version and network.overlaps(reserved):
            raise ValidationError({field: _(
                "TAYGA refuses %(value)s in %(directive)s: %(reserved)s (%(kind)s) is reserved; choose outside it."
            ) % {"value": value, "directive": directive, "reserved": reserved, "kind": kind}})


@audited()
class Nat64Role(NodeRole):
    intent_role = "nat64"

    class Implementation(models.TextChoices):
        JOOL = "jool", "Jool"
        TAYGA = "tayga", "TAYGA"

    class Mode(models.TextChoices):
        STATEFUL = "stateful", _("stateful NAT64")
        SIIT = "siit", _("stateless SIIT")

    implementation = models.CharField(_("implementation"), max_length=8, choices=Implementation.choices)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.STATEFUL)
    pool6 = models.CharField(_("NAT64 prefix (pool6)"), max_length=64, validators=[validate_nat64_prefix],
                             help_text=_("e.g. 2001:200:0:ff99::/96, or the well-known 64:ff9b::/96"))
    ipv6_address = models.CharField(_("box IPv6 address"), max_length=64, blank=True,
                                    validators=[validate_ipv6_address],
                                    help_text=_("where the upstream router sends pool6"))
    ipv4_address = models.CharField(_("box IPv4 address"), max_length=32, blank=True,
                                    validators=[validate_ipv4_address],
                                    help_text=_("where the upstream router sends pool4"))
    instance = models.CharField(_("Jool instance"), max_length=15, default="default", validators=[validate_interface])
    tayga_ipv4_addr = models.CharField(_("TAYGA's own IPv4 address"), max_length=32, blank=True,
                                       validators=[validate_ipv4_address])
    tayga_ipv6_addr = models.CharField(_("TAYGA's own IPv6 address"), max_length=64, blank=True,
                                       validators=[validate_ipv6_address])
    tayga_dynamic_pool = models.CharField(_("TAYGA dynamic pool"), max_length=32, blank=True,
                                          validators=[validate_ipv4_prefix])
    member_index = models.PositiveSmallIntegerField(_("load-share member"), null=True, blank=True,
                                                    validators=[MinValueValidator(1), MaxValueValidator(64)])
    member_count = models.PositiveSmallIntegerField(_("load-share members"), null=True, blank=True,
                                                    validators=[MinValueValidator(1), MaxValueValidator(64)])
    probe_url = models.URLField(_("NAT64 probe target"), max_length=500, blank=True,
                                validators=[URLValidator(schemes=["http", "https"]), validate_probe_url],
                                help_text=_("an IPv4-only web page the node fetches through NAT64, e.g. "
                                            "http://198.51.100.7/; empty: not probed"))

    class Meta:
        verbose_name = _("NAT64 role")

    def affected_node_ids(self) -> set[int]:
        return {self.node_id, *self.routers.values_list("node_id", flat=True)}

    def clean(self) -> None:
        normalise(self, "pool6", "ipv6_address", "ipv4_address", "tayga_ipv4_addr", "tayga_ipv6_addr",
                  "tayga_dynamic_pool")
        self._clean_tayga()
        self._clean_member()
        if self.pk:
            self._clean_rows()

    def _clean_tayga(self) -> None:
        tayga_fields = ("tayga_ipv4_addr", "tayga_ipv6_addr", "tayga_dynamic_pool")
        if self.implementation == self.Implementation.JOOL:
            given = [f for f in tayga_fields if getattr(self, f)]
            if given:
                raise ValidationError({f: _("Only TAYGA takes this; leave it empty for Jool.") for f in given})
            return
        if not self.tayga_ipv4_addr:
            raise ValidationError({"tayga_ipv4_addr": _("TAYGA needs its own IPv4 address.")})
        if self.mode == self.Mode.STATEFUL and not self.tayga_dynamic_pool:
            raise ValidationError({"tayga_dynamic_pool": _(
                "Stateful TAYGA needs a dynamic pool, which it NAT44s to the pool4.")})
        self._refuse_tayga_ipv6_addr_in_a_nat64_prefix()
        for field, directive in (("tayga_ipv4_addr", "ipv4-addr"), ("tayga_ipv6_addr", "ipv6-addr"),
                                 ("tayga_dynamic_pool", "dynamic-pool")):
            refuse_tayga_reserved(getattr(self, field), field, directive)
        for field in ("tayga_ipv4_addr", "tayga_dynamic_pool"):
            if getattr(self, field):
                refuse_non_global_with_wkp(self.pool6, getattr(self, field), field)

    def _refuse_tayga_ipv6_addr_in_a_nat64_prefix(self) -> None:
        """TAYGA translates every address of its prefix (and of 64:ff9b::/96) to IPv4, so it will not
        start with its own address there."""
        address, pool6 = network_or_none(self.tayga_ipv6_addr), network_or_none(self.pool6)
        if address is None or address.version != 6:
            return
        for prefix in (pool6, WELL_KNOWN_PREFIX):
            if prefix is not None and prefix.version == 6 and address.subnet_of(prefix):
                raise ValidationError({"tayga_ipv6_addr": _(
                    "TAYGA's own IPv6 address %(address)s lies inside the NAT64 prefix %(prefix)s, which TAYGA "
                    "refuses: choose an address outside it.") % {"address": address.network_address, "prefix": prefix}})

    def _clean_member(self) -> None:
        if (self.member_index is None) != (self.member_count is None):
            raise ValidationError({"member_count": _("Give both the member number and the member count, or neither.")})
        if self.member_index is None:
            return
        if self.member_index > self.member_count:
            raise ValidationError({"member_index": _("Member %(index)s of %(count)s is above the count.")
                                   % {"index": self.member_index, "count": self.member_count}})
        for other in Nat64Role.objects.filter(pool6=self.pool6, member_index__isnull=False).exclude(pk=self.pk):
            if other.member_count != self.member_count:
                raise ValidationError({"member_count": _("%(node)s shares this pool6 as one of %(count)s members.")
                                       % {"node": other.node.name, "count": other.member_count}})
            if other.member_index == self.member_index:
                raise ValidationError({"member_index": _("%(node)s is already member %(index)s of this pool6.")
                                       % {"node": other.node.name, "index": other.member_index}})

    def _clean_rows(self) -> None:
        pools = list(self.pool4s.all())
        if self.mode == self.Mode.SIIT and pools:
            raise ValidationError({"mode": _("SIIT takes mappings, not a pool4: delete the pool4 first.")})
        if self.mode == self.Mode.STATEFUL and self.mappings.exists():
            raise ValidationError({"mode": _("Stateful NAT64 takes a pool4, not mappings: delete the mappings first.")})
        for pool in pools:
            refuse_non_global_with_wkp(self.pool6, pool.prefix, "pool6")


@audited()
class Nat64Pool4(RoleRow):
    role_model = Nat64Role

    role = models.ForeignKey(Nat64Role, on_delete=models.CASCADE, related_name="pool4s", verbose_name=_("NAT64 role"))
    prefix = models.CharField(_("IPv4 prefix"), max_length=32, validators=[validate_ipv4_prefix])
    first_port = models.PositiveIntegerField(_("first port"), default=1,
                                             validators=[MinValueValidator(1), MaxValueValidator(65535)])
    last_port = models.PositiveIntegerField(_("last port"), default=65535,
                                            validators=[MinValueValidator(1), MaxValueValidator(65535)])

    class Meta:
        ordering = ["id"]
        verbose_name = _("NAT64 pool4")

    def __str__(self) -> str:
        return f"{self.prefix} ports {self.first_port}-{self.last_port}"

    def clean(self) -> None:
        normalise(self, "prefix")
        network = network_or_none(self.prefix)
        if network is None:
            return
        if self.first_port > self.last_port:
            raise ValidationError({"last_port": _("The last port is below the first port.")})
        role = self.role
        if role.mode == Nat64Role.Mode.SIIT:
            raise ValidationError(_("SIIT takes mappings, not a pool4."))
        if role.implementation == Nat64Role.Implementation.TAYGA and role.pool4s.exclude(pk=self.pk).exists():
            raise ValidationError(_("TAYGA's NAT44 takes a single pool4 prefix."))
        refuse_non_global_with_wkp(role.pool6, self.prefix, "prefix")
        for other in Nat64Pool4.objects.exclude(pk=self.pk).select_related("role__node"):
            if network.overlaps(ipaddress.ip_network(other.prefix)) and \
                    self.first_port <= other.last_port and other.first_port <= self.last_port:
                raise ValidationError({"prefix": _(
                    "%(prefix)s ports %(first)s-%(last)s overlaps %(node)s's pool4 %(other)s; "
                    "NAT64 boxes sharing the load need pool4s of their own.") % {
                    "prefix": self.prefix, "first": self.first_port, "last": self.last_port,
                    "node": other.role.node.name, "other": other}})


@audited()
class Nat64Mapping(RoleRow):
    role_model = Nat64Role

    role = models.ForeignKey(Nat64Role, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("NAT64 role"))
    ipv4 = models.CharField(_("IPv4 prefix"), max_length=32, validators=[validate_ipv4_prefix])
    ipv6 = models.CharField(_("IPv6 prefix"), max_length=64, validators=[validate_ipv6_prefix])

    class Meta:
        ordering = ["id"]
        verbose_name = _("SIIT address mapping")

    def __str__(self) -> str:
        return f"{self.ipv4} <-> {self.ipv6}"

    def clean(self) -> None:
        normalise(self, "ipv4", "ipv6")
        v4, v6 = network_or_none(self.ipv4), network_or_none(self.ipv6)
        if v4 is None or v6 is None:
            return
        if 32 - v4.prefixlen != 128 - v6.prefixlen:
            raise ValidationError({"ipv6": _("%(v4)s and %(v6)s hold different numbers of addresses.")
                                   % {"v4": v4, "v6": v6}})
        if self.role.mode != Nat64Role.Mode.SIIT:
            raise ValidationError(_("Only SIIT takes explicit mappings; stateful NAT64 takes a pool4."))

