"""The roles a gateway node plays in the transition network, one module per technique."""
from .base import NodeRole, RoleRow
from .dns64 import Dns64Override, Dns64Role, Dns64Zone
from .mapping import MapDomain, MapForwardingRule, MapRole
from .nat64 import Nat64Mapping, Nat64Pool4, Nat64Role
from .router import StaticRoute, UpstreamRouter
from .tunnels import DsliteB4, DsliteRole, Sa46tRole, Xlat464Role

__all__ = [
    "Dns64Override", "Dns64Role", "Dns64Zone", "DsliteB4", "DsliteRole", "MapDomain", "MapForwardingRule", "MapRole",
    "Nat64Mapping", "Nat64Pool4", "Nat64Role", "NodeRole", "RoleRow", "Sa46tRole", "StaticRoute",
    "UpstreamRouter", "Xlat464Role",
]

# Every model whose change rebuilds some nodes' intents (see signals.py).
INTENT_MODELS = (
    Nat64Role, Nat64Pool4, Nat64Mapping, Dns64Role, Dns64Zone, Dns64Override, Sa46tRole, MapDomain, MapForwardingRule, MapRole,
    DsliteRole, DsliteB4, Xlat464Role, UpstreamRouter, StaticRoute,
)
