"""Admin pages for transition roles; MAP domains and their Forwarding Mapping Rules are kept here."""
from django.contrib import admin
from django.db import models

from .forms import URL_FIELD_OPTIONS
from .models import (
    Dns64Override,
    Dns64Role,
    Dns64Zone,
    DsliteB4,
    DsliteRole,
    MapDomain,
    MapForwardingRule,
    MapRole,
    Nat64Mapping,
    Nat64Pool4,
    Nat64Role,
    Sa46tRole,
    StaticRoute,
    UpstreamRouter,
    Xlat464Role,
)


class ForwardingRuleInline(admin.TabularInline):
    model = MapForwardingRule
    extra = 0


@admin.register(MapDomain)
class MapDomainAdmin(admin.ModelAdmin):
    list_display = ("name", "variant", "rule_ipv6", "rule_ipv4", "ea_len", "psid_offset", "br_address", "br_anycast")
    inlines = [ForwardingRuleInline]


def _rows(model):
    return type(f"{model.__name__}Inline", (admin.TabularInline,), {"model": model, "extra": 0})


for role_model, row_models in (
    (Nat64Role, (Nat64Pool4, Nat64Mapping)),
    (Dns64Role, (Dns64Zone, Dns64Override)),
    (DsliteRole, (DsliteB4,)),
    (UpstreamRouter, (StaticRoute,)),
    (Sa46tRole, ()),
    (MapRole, ()),
    (Xlat464Role, ()),
):
    admin.site.register(role_model, list_display=("node", "__str__"), inlines=[_rows(m) for m in row_models],
                        formfield_overrides={models.URLField: URL_FIELD_OPTIONS})
