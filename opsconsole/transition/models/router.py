"""The upstream router: static routes toward the translators' prefixes, derived from NAT64 roles or added by hand."""
import ipaddress

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited

from ..validators import validate_address, validate_prefix, validate_route_name
from .base import NodeRole, RoleRow, network_or_none, normalise
from .nat64 import Nat64Role


@audited()
class UpstreamRouter(NodeRole):
    intent_role = "router"

    nat64_roles = models.ManyToManyField(Nat64Role, blank=True, related_name="routers",
                                         verbose_name=_("NAT64 boxes behind it"),
                                         help_text=_("routes for their pool6 and pool4 are added toward them"))

    class Meta:
        verbose_name = _("upstream router role")


@audited()
class StaticRoute(RoleRow):
    role_model = UpstreamRouter

    role = models.ForeignKey(UpstreamRouter, on_delete=models.CASCADE, related_name="routes",
                             verbose_name=_("router"))
    prefix = models.CharField(_("prefix"), max_length=64, validators=[validate_prefix])
    next_hop = models.CharField(_("next hop"), max_length=64, validators=[validate_address])
    name = models.CharField(_("name"), max_length=32, blank=True, validators=[validate_route_name])
    comment = models.CharField(_("comment"), max_length=200, blank=True, validators=[ProhibitNullCharactersValidator()])

    class Meta:
        ordering = ["id"]
        verbose_name = _("static route")

    def __str__(self) -> str:
        return f"{self.prefix} via {self.next_hop}"

    def clean(self) -> None:
        normalise(self, "prefix", "next_hop")
        network = network_or_none(self.prefix)
        try:
            hop = ipaddress.ip_address(self.next_hop)
        except ValueError:
            return
        if network is not None and network.version != hop.version:
            raise ValidationError({"next_hop": _("An IPv%(p)s prefix needs an IPv%(p)s next hop.")
                                   % {"p": network.version}})
