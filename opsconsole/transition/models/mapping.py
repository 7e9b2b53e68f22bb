"""MAP-E, MAP-T and 4rd: a domain's rules and BR address, and the BRs and CEs that belong to it."""
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gateways.addressing import FOURRD_PSID_OFFSET, CeMapping, InterfaceIdFormat, MapRule, ce_mapping, map_rule
from gateways.intent import MAX_FMR_CES
from opsconsole.audit.trail import audited

from ..validators import (
    plain_errors,
    validate_interface,
    validate_ipv4_prefix,
    validate_ipv6_address,
    validate_ipv6_prefix,
)
from .base import NodeRole, mtu_field, probe_target_field, network_or_none, normalise


class MapRuleFields(models.Model):
    """A mapping rule as the operator types it: rule prefixes, EA-bits length, PSID offset (and length)."""

    rule_ipv6 = models.CharField(_("rule IPv6 prefix"), max_length=64, validators=[validate_ipv6_prefix])
    rule_ipv4 = models.CharField(_("rule IPv4 prefix"), max_length=32, validators=[validate_ipv4_prefix])
    ea_len = models.PositiveSmallIntegerField(_("EA-bits length"), validators=[MaxValueValidator(48)])
    psid_offset = models.PositiveSmallIntegerField(_("PSID offset"), default=6, validators=[MaxValueValidator(15)])
    psid_len = models.PositiveSmallIntegerField(_("PSID length"), null=True, blank=True,
                                                validators=[MaxValueValidator(16)],
                                                help_text=_("empty: what the EA bits carry"))

    class Meta:
        abstract = True

    @property
    def rule(self) -> MapRule:
        return map_rule(self.rule_ipv6, self.rule_ipv4, self.ea_len, self.psid_offset, self.psid_len)

    def as_intent_rule(self) -> dict:
        rule = self.rule
        return {"ipv6": str(rule.ipv6_prefix), "ipv4": str(rule.ipv4_prefix), "ea_len": rule.ea_len,
                "psid_offset": rule.psid_offset, "psid_len": rule.psid_len}

    def clean_rule(self) -> MapRule | None:
        """Check the rule as a whole; None when a field of it is already wrong on its own."""
        normalise(self, "rule_ipv6", "rule_ipv4")
        if network_or_none(self.rule_ipv6) is None or network_or_none(self.rule_ipv4) is None or self.ea_len is None:
            return None
        with plain_errors("ea_len" if self.psid_len is None else "psid_len"):
            rule = self.rule
        if rule.ea_len < rule.ipv4_suffix_len:
            raise ValidationError({"ea_len": _(
                "EA-bits length %(ea)s is shorter than the %(bits)s IPv4 suffix bits of %(v4)s: every CE must "
                "get a whole IPv4 address or a share of one.") % {
                "ea": rule.ea_len, "bits": rule.ipv4_suffix_len, "v4": rule.ipv4_prefix}})
        self.psid_len = rule.psid_len
        return rule


@audited()
class MapDomain(MapRuleFields):
    """One MAP-E, MAP-T or 4rd domain: its Basic Mapping Rule and its BR."""

    class Variant(models.TextChoices):
        MAP_E = "map-e", "MAP-E"
        MAP_T = "map-t", "MAP-T"
        FOURRD = "4rd", "4rd"

    name = models.SlugField(_("name"), max_length=63, unique=True)
    variant = models.CharField(_("variant"), max_length=8, choices=Variant.choices)
    br_address = models.CharField(_("BR IPv6 address"), max_length=64, validators=[validate_ipv6_address])
    br_anycast = models.BooleanField(_("BRs share the address (anycast)"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("MAP domain (Basic Mapping Rule)")

    def __str__(self) -> str:
        return self.name

    @property
    def iid_format(self) -> InterfaceIdFormat:
        return InterfaceIdFormat.FOURRD if self.variant == self.Variant.FOURRD else InterfaceIdFormat.RFC7597

    def affected_node_ids(self) -> set[int]:
        return set(self.members.values_list("node_id", flat=True))

    def clean(self) -> None:
        normalise(self, "br_address")
        rule = self.clean_rule()
        if rule is not None and self.variant == self.Variant.FOURRD:
            self._clean_fourrd(rule)
        if rule is None or not self.pk:
            return
        for member in self.members.filter(side=MapRole.Side.CE).select_related("node"):
            try:
                ce_mapping(rule, member.end_user_prefix, iid_format=self.iid_format)
            except ValueError as exc:
                raise ValidationError(_("This rule no longer fits CE %(node)s: %(why)s")
                                      % {"node": member.node.name, "why": exc}) from None

    def _clean_fourrd(self, rule: MapRule) -> None:
        """What RFC 7600 fixes in a CE Mapping rule (R-7 and section 4.5)."""
        if rule.psid_len and rule.psid_offset not in (FOURRD_PSID_OFFSET, 0):
            raise ValidationError({"psid_offset": _(
                "4rd puts the PSID after the first 4 bits of a port, or first when well-known ports are authorized: "
                "PSID offset 4 or 0 (RFC 7600 R-7).")})
        if rule.psid_len != rule.ea_psid_len:
            raise ValidationError({"psid_len": _(
                "4rd takes the PSID from the EA bits only (RFC 7600 R-7): leave the PSID length empty.")})
        if rule.ipv6_prefix.prefixlen + rule.ea_len > 64:
            raise ValidationError({"ea_len": _(
                "A 4rd CE's prefix, the rule IPv6 prefix plus the EA bits, must end by /64 (RFC 7600 section 4.5), "
                "not /%(length)s.") % {"length": rule.ipv6_prefix.prefixlen + rule.ea_len}})


@audited()
class MapForwardingRule(MapRuleFields):
    domain = models.ForeignKey(MapDomain, on_delete=models.CASCADE, related_name="forwarding_rules",
                               verbose_name=_("MAP domain"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("Forwarding Mapping Rule")

    def __str__(self) -> str:
        return f"FMR {self.rule_ipv6} {self.rule_ipv4}"

    def affected_node_ids(self) -> set[int]:
        return set(MapRole.objects.filter(domain_id=self.domain_id).values_list("node_id", flat=True))

    def clean(self) -> None:
        rule = self.clean_rule()
        if rule is None or self.domain_id is None:
            return
        others = self.domain.forwarding_rules.exclude(pk=self.pk).values_list("ea_len", flat=True)
        count = sum(2 ** ea_len for ea_len in [rule.ea_len, *others])
        if count > MAX_FMR_CES:
            # Each CE renders a tunnel to every CE the domain's FMRs map (gateways/render/tunnels.py).
            raise ValidationError({"ea_len": _(
                "The Forwarding Mapping Rules of this domain would map %(count)s CEs, and each CE gets a tunnel to "
                "every one of them: at most %(max)s.") % {"count": count, "max": MAX_FMR_CES}})


@audited()
class MapRole(NodeRole):
    intent_role = "map"

    class Side(models.TextChoices):
        BR = "br", _("BR (border relay)")
        CE = "ce", _("CE (customer edge)")

    domain = models.ForeignKey(MapDomain, on_delete=models.PROTECT, related_name="members",
                               verbose_name=_("MAP domain"))
    side = models.CharField(_("side"), max_length=2, choices=Side.choices)
    end_user_prefix = models.CharField(_("CE end-user IPv6 prefix"), max_length=64, blank=True,
                                       validators=[validate_ipv6_prefix])
    wan = models.CharField(_("IPv6 interface"), max_length=15, validators=[validate_interface])
    uplink = models.CharField(_("IPv4 uplink interface (BR)"), max_length=15, blank=True,
                              validators=[validate_interface])
    tunnel = models.CharField(_("tunnel interface"), max_length=15, default="map0", validators=[validate_interface])
    mtu = mtu_field()
    probe_target = probe_target_field()

    class Meta:
        verbose_name = _("MAP / 4rd role")

    def affected_node_ids(self) -> set[int]:
        # A BR carries a tunnel to each CE of its domain, so a CE change reaches the BRs too.
        return {self.node_id, *MapRole.objects.filter(domain_id=self.domain_id).values_list("node_id", flat=True)}

    def ce_mapping(self) -> CeMapping:
        """The CE's IPv4 address, PSID, ports and IPv6 address, computed from its prefix and the BMR."""
        return ce_mapping(self.domain.rule, self.end_user_prefix, iid_format=self.domain.iid_format)

    def clean(self) -> None:
        normalise(self, "end_user_prefix")
        if self.side == self.Side.BR:
            if self.end_user_prefix:
                raise ValidationError({"end_user_prefix": _("Only a CE has an end-user prefix.")})
            if not self.uplink:
                raise ValidationError({"uplink": _("A BR needs its IPv4 uplink interface.")})
            return
        if self.uplink:
            raise ValidationError({"uplink": _("Only a BR has an IPv4 uplink.")})
        if not self.end_user_prefix:
            raise ValidationError({"end_user_prefix": _("A CE needs its end-user IPv6 prefix.")})
        if network_or_none(self.end_user_prefix) is None or self.domain_id is None:
            return
        with plain_errors("end_user_prefix"):
            self.ce_mapping()
