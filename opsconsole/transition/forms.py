"""Forms: one per role kind (built from the models, which hold all validation) and the MAP calculator's."""
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from gateways.addressing import AddressingError, MapRule, map_rule
from gateways.addressing.parse import ipv4_address, ipv4_network, ipv6_network

from .models import (
    Dns64Override,
    Dns64Role,
    Dns64Zone,
    DsliteB4,
    DsliteRole,
    MapRole,
    Nat64Mapping,
    Nat64Pool4,
    Nat64Role,
    NodeRole,
    Sa46tRole,
    StaticRoute,
    UpstreamRouter,
    Xlat464Role,
)


# A URL typed without a scheme (the NAT64 probe target) is a plain web page: http, as before Django 6.0 assumes https.
URL_FIELD_OPTIONS = {"assume_scheme": "http"}


def role_form_field(model_field: models.Field, **options) -> forms.Field | None:
    if isinstance(model_field, models.URLField):
        options = {**URL_FIELD_OPTIONS, **options}
    return model_field.formfield(**options)


@dataclass(frozen=True)
class RoleKind:
    """What the node page can add, edit and delete: a node's role, or rows under one of its roles."""

    slug: str
    model: type[models.Model]
    fields: tuple[str, ...]
    parent: type[NodeRole] | None = None
    # Where an intent path under roles.<role> names a form field by another name.
    intent_fields: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name)

    def form_class(self) -> type[forms.ModelForm]:
        return forms.modelform_factory(self.model, fields=self.fields, formfield_callback=role_form_field)


ROLE_KINDS = {kind.slug: kind for kind in (
    RoleKind("nat64", Nat64Role, ("implementation", "mode", "pool6", "ipv6_address", "ipv4_address", "instance",
                                  "tayga_ipv4_addr", "tayga_ipv6_addr", "tayga_dynamic_pool", "member_index",
                                  "member_count", "probe_url"),
             intent_fields={"tayga.ipv4_addr": "tayga_ipv4_addr", "tayga.ipv6_addr": "tayga_ipv6_addr",
                            "tayga.dynamic_pool": "tayga_dynamic_pool", "tayga": "tayga_ipv4_addr",
                            "member.index": "member_index", "member.count": "member_count"}),
    RoleKind("nat64-pool4", Nat64Pool4, ("prefix", "first_port", "last_port"), parent=Nat64Role),
    RoleKind("nat64-mapping", Nat64Mapping, ("ipv4", "ipv6"), parent=Nat64Role),
    RoleKind("dns64", Dns64Role, ("implementation", "prefix", "clients", "mapped", "exclude", "dnssec_validation",
                                  "recursive_only", "break_dnssec", "synthall", "listen", "port", "probe_name")),
    RoleKind("dns64-zone", Dns64Zone, ("kind", "name", "addresses", "port", "insecure"), parent=Dns64Role),
    RoleKind("dns64-override", Dns64Override, ("name", "aaaa", "a", "reason"), parent=Dns64Role),
    RoleKind("sa46t", Sa46tRole, ("prefix", "plane_id", "ipv4_address", "networks", "uplink", "tunnel", "mtu",
                                  "probe_target"),
             intent_fields={"local": "ipv4_address", "peers": "prefix"}),
    RoleKind("map", MapRole, ("domain", "side", "end_user_prefix", "wan", "uplink", "tunnel", "mtu", "probe_target"),
             intent_fields={"role": "side", "ce": "end_user_prefix", "ces": "domain", "bmr": "domain",
                            "fmrs": "domain"}),
    RoleKind("dslite", DsliteRole, ("side", "aftr_address", "b4_address", "b4_ipv4", "pool4", "wan", "uplink",
                                    "tunnel", "mtu", "probe_target"),
             intent_fields={"role": "side"}),
    RoleKind("dslite-b4", DsliteB4, ("address", "networks"), parent=DsliteRole),
    RoleKind("xlat464", Xlat464Role, ("side", "plat_prefix", "clat_prefix", "clat_ipv4", "tayga_ipv4_addr", "wan"),
             intent_fields={"role": "side", "clat_ipv6": "clat_prefix", "tayga": "tayga_ipv4_addr"}),
    RoleKind("router", UpstreamRouter, ("nat64_roles",)),
    RoleKind("route", StaticRoute, ("prefix", "next_hop", "name", "comment"), parent=UpstreamRouter),
)}
NODE_ROLE_KINDS = [kind for kind in ROLE_KINDS.values() if kind.parent is None]


def row_kinds_under(role_model: type[NodeRole]) -> list[RoleKind]:
    return [kind for kind in ROLE_KINDS.values() if kind.parent is role_model]


# --- the MAP calculator ---

SHOWNET_EXAMPLE = {"rule_ipv6": "2001:3e8:6000::/56", "rule_ipv4": "130.129.255.92/30", "ea_len": "8",
                   "psid_offset": "4", "ce_prefix": "2001:3e8:6000:42::/64"}


def _checked(parse, what: str):
    def validate(value: str) -> None:
        try:
            parse(value, what)
        except AddressingError as exc:
            raise forms.ValidationError(str(exc)) from None

    return validate


class MapCalculatorForm(forms.Form):
    rule_ipv6 = forms.CharField(label=_("Rule IPv6 prefix"), validators=[_checked(ipv6_network, "rule IPv6 prefix")])
    rule_ipv4 = forms.CharField(label=_("Rule IPv4 prefix"), validators=[_checked(ipv4_network, "rule IPv4 prefix")])
    ea_len = forms.IntegerField(label=_("EA-bits length"), min_value=0, max_value=48)
    psid_offset = forms.IntegerField(label=_("PSID offset"), min_value=0, max_value=15, initial=6)
    psid_len = forms.IntegerField(label=_("PSID length"), min_value=0, max_value=16, required=False,
                                  help_text=_("empty: what the EA bits carry"))
    ce_prefix = forms.CharField(label=_("CE end-user IPv6 prefix"), required=False,
                                validators=[_checked(ipv6_network, "CE prefix")])
    psid = forms.IntegerField(label=_("PSID provisioned apart"), min_value=0, max_value=65535, required=False,
                              help_text=_("only when the EA bits carry no PSID"))
    ipv4 = forms.CharField(label=_("or an IPv4 address"), required=False,
                           validators=[_checked(ipv4_address, "IPv4 address")])
    port = forms.IntegerField(label=_("and a port"), min_value=0, max_value=65535, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        try:
            data["rule"] = map_rule(data["rule_ipv6"], data["rule_ipv4"], data["ea_len"], data["psid_offset"],
                                    data["psid_len"])
        except AddressingError as exc:
            self.add_error(self._field_for(str(exc)), str(exc))
            return data
        if not data["ce_prefix"] and not data["ipv4"]:
            self.add_error("ce_prefix", _("Give a CE prefix, or an IPv4 address and port to find its CE."))
        elif data["ipv4"] and data["port"] is None:
            self.add_error("port", _("Give the port as well."))
        return data

    @staticmethod
    def _field_for(message: str) -> str:
        if message.startswith("PSID offset") and "length" not in message:
            return "psid_offset"
        return "psid_len" if "PSID length" in message else "ea_len"

    @property
    def rule(self) -> MapRule:
        return self.cleaned_data["rule"]
