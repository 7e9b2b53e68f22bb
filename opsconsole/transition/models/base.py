"""What every transition role shares: one row per node and role kind, and the nodes a change affects."""
import ipaddress
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsconsole.nodes.models import GatewayNode

from ..validators import compressed

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def network_or_none(value: str) -> Network | None:
    """The prefix `value`, or None when it is not one (its field's own validator reports why)."""
    try:
        return ipaddress.ip_network(value)
    except ValueError:
        return None


def normalise(instance: models.Model, *fields: str) -> None:
    """Store valid addresses and prefixes in their compressed form; leave invalid ones for their validators."""
    for field in fields:
        value = getattr(instance, field)
        try:
            setattr(instance, field, compressed(value) if value else value)
        except ValueError:
            pass


def probe_target_field() -> models.CharField:
    from ..validators import validate_ipv4_address

    return models.CharField(
        _("path MTU probe target"), max_length=32, blank=True, validators=[validate_ipv4_address],
        help_text=_("an IPv4 address behind the tunnel: the node finds the largest packet reaching it with DF set; "
                    "empty: not probed"))


def mtu_field() -> models.PositiveIntegerField:
    from django.core.validators import MaxValueValidator, MinValueValidator

    return models.PositiveIntegerField(
        _("tunnel MTU"), default=1460, validators=[MinValueValidator(1280), MaxValueValidator(9000)]
    )


class NodeRole(models.Model):
    """A role a node plays; a node plays each kind at most once (its intent has one document per role)."""

    intent_role: ClassVar[str]

    node = models.OneToOneField(GatewayNode, on_delete=models.CASCADE, related_name="%(class)s",
                                verbose_name=_("node"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.intent_role} on {self.node.name}"

    def affected_node_ids(self) -> set[int]:
        return {self.node_id}


class RoleRow(models.Model):
    """One of several rows under a node's role (a pool, a mapping, a zone, a route)."""

    role_model: ClassVar[type[NodeRole]]

    class Meta:
        abstract = True

    def affected_node_ids(self) -> set[int]:
        """Whatever its role affects (a NAT64 pool4 also reaches the routers pointing at that box)."""
        role = self.role_model.objects.filter(pk=self.role_id).first()
        return role.affected_node_ids() if role else set()
