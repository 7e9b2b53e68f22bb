"""Builds each role document of a node's intent (gateways/intent.py) from its transition role rows."""
from collections.abc import Callable

from gateways.addressing import AddressingError
from gateways.intent import IntentError
from opsconsole.nodes.models import GatewayNode

from .models import Dns64Role, DsliteRole, MapRole, Nat64Role, NodeRole, Sa46tRole, UpstreamRouter, Xlat464Role
from .validators import words


def _without_empty(document: dict) -> dict:
    """Leave out optional fields the operator left empty, so the schema's defaults apply."""
    return {key: value for key, value in document.items() if value not in ("", None)}


def nat64_document(role: Nat64Role) -> dict:
    document = {
        "implementation": role.implementation,
        "mode": role.mode,
        "pool6": role.pool6,
        "pool4": [{"prefix": p.prefix, "ports": [p.first_port, p.last_port]} for p in role.pool4s.all()],
        "mappings": [{"ipv4": m.ipv4, "ipv6": m.ipv6} for m in role.mappings.all()],
        "instance": role.instance,
    }
    if role.implementation == Nat64Role.Implementation.TAYGA:
        document["tayga"] = _without_empty({"ipv4_addr": role.tayga_ipv4_addr, "ipv6_addr": role.tayga_ipv6_addr,
                                            "dynamic_pool": role.tayga_dynamic_pool})
    if role.member_index is not None:
        document["member"] = {"index": role.member_index, "count": role.member_count}
    return document | _without_empty({"probe_url": role.probe_url})


def dns64_document(role: Dns64Role) -> dict:
    def zones(kind: str) -> list[dict]:
        return [{"name": z.name, "addresses": words(z.addresses), "port": z.port, "insecure": z.insecure}
                for z in role.zones.filter(kind=kind)]

    overrides = list(role.overrides.all())
    if role.implementation == Dns64Role.Implementation.BIND:
        workaround = {"local_data": [{"name": o.name, "aaaa": words(o.aaaa), "a": words(o.a)} for o in overrides]}
    else:
        workaround = {"ignore_aaaa": [o.name for o in overrides]}
    return {
        "implementation": role.implementation,
        "prefix": role.prefix,
        "clients": words(role.clients),
        "mapped": words(role.mapped),
        "exclude": words(role.exclude),
        "synthall": role.synthall,
        "dnssec_validation": role.dnssec_validation,
        "recursive_only": role.recursive_only,
        "break_dnssec": role.break_dnssec,
        "listen": words(role.listen),
        "port": role.port,
        "stub_zones": zones(role.zones.model.Kind.STUB),
        "forward_zones": zones(role.zones.model.Kind.FORWARD),
        # Only when there are some, so that nodes without overrides keep their content hash.
        **(workaround if overrides else {}),
    } | _without_empty({"probe_name": role.probe_name})


def sa46t_document(role: Sa46tRole) -> dict:
    return {
        "prefix": role.prefix,
        "plane_id": role.plane_id,
        "local": role.local_address,
        "networks": words(role.networks),
        # A peer with no IPv4 network behind it has nothing to route to: it is left out.
        "peers": [{"address": peer.local_address, "networks": words(peer.networks)}
                  for peer in role.peers() if words(peer.networks)],
        "tunnel": role.tunnel,
        "mtu": role.mtu,
        "uplink": role.uplink,
    } | _without_empty({"probe_target": role.probe_target})


def map_ce(role: MapRole) -> dict:
    """A CE's computed share: IPv4 address, PSID, port ranges and CE IPv6 address."""
    return role.ce_mapping().as_intent()


def map_document(role: MapRole) -> dict:
    domain = role.domain
    document = {
        "variant": domain.variant,
        "role": role.side,
        "bmr": domain.as_intent_rule(),
        "fmrs": [fmr.as_intent_rule() for fmr in domain.forwarding_rules.all()],
        "br_address": domain.br_address,
        "br_anycast": domain.br_anycast,
        "tunnel": role.tunnel,
        "mtu": role.mtu,
        "wan": role.wan,
    } | _without_empty({"probe_target": role.probe_target})
    if role.side == MapRole.Side.CE:
        document["ce"] = map_ce(role)
    else:
        document["uplink"] = role.uplink
        ces = domain.members.filter(side=MapRole.Side.CE).select_related("node", "domain").order_by("node__name")
        document["ces"] = [map_ce(ce) for ce in ces]
    return document


def dslite_document(role: DsliteRole) -> dict:
    return _without_empty({
        "role": role.side,
        "aftr_address": role.aftr_address,
        "b4_address": role.b4_address,
        "b4s": [{"address": b4.address, "networks": words(b4.networks)} for b4 in role.b4s.all()],
        "b4_ipv4": role.b4_ipv4,
        "pool4": role.pool4,
        "tunnel": role.tunnel,
        "mtu": role.mtu,
        "wan": role.wan,
        "uplink": role.uplink,
        "probe_target": role.probe_target,
    })


def xlat464_document(role: Xlat464Role) -> dict:
    if role.side == Xlat464Role.Side.PLAT:
        return _without_empty({"role": "plat", "plat_prefix": role.node_pool6})
    return {
        "role": "clat",
        "plat_prefix": role.plat_prefix,
        "clat_prefix": role.clat_prefix,
        "clat_ipv4": role.clat_ipv4,
        "clat_ipv6": role.clat_ipv6,
        "tayga": {"ipv4_addr": role.tayga_ipv4_addr},
        "wan": role.wan,
    }


def nat64_routes(nat64: Nat64Role) -> list[dict]:
    """Routes toward one NAT64 box: its pool6 to its IPv6 address, its pool4 or mappings to its IPv4 address."""
    comment = f"NAT64 {nat64.node.name}"
    routes = []
    if nat64.ipv6_address:
        routes.append({"prefix": nat64.pool6, "next_hop": nat64.ipv6_address, "comment": f"{comment} pool6"})
    if nat64.ipv4_address:
        ipv4_prefixes = [p.prefix for p in nat64.pool4s.all()] + [m.ipv4 for m in nat64.mappings.all()]
        routes += [{"prefix": prefix, "next_hop": nat64.ipv4_address, "comment": f"{comment} pool4"}
                   for prefix in ipv4_prefixes]
    return routes


def router_document(role: UpstreamRouter) -> dict:
    routes = [route for nat64 in role.nat64_roles.select_related("node").order_by("node__name")
              for route in nat64_routes(nat64)]
    routes += [_without_empty({"prefix": r.prefix, "next_hop": r.next_hop, "name": r.name, "comment": r.comment})
               for r in role.routes.all()]
    return {"routes": routes}


BUILDERS: dict[type[NodeRole], Callable] = {
    Nat64Role: nat64_document,
    Dns64Role: dns64_document,
    Sa46tRole: sa46t_document,
    MapRole: map_document,
    DsliteRole: dslite_document,
    Xlat464Role: xlat464_document,
    UpstreamRouter: router_document,
}


def node_roles(node: GatewayNode) -> list[NodeRole]:
    """The roles this node plays, in a stable order."""
    found = [model.objects.filter(node=node).first() for model in BUILDERS]
    return [role for role in found if role is not None]


def roles_for(node: GatewayNode) -> dict:
    """{role name: role document} for build_intent; raises IntentError when a stored rule no longer computes."""
    roles = {}
    for role in node_roles(node):
        try:
            roles[role.intent_role] = BUILDERS[type(role)](role)
        except AddressingError as exc:
            raise IntentError(f"roles.{role.intent_role}: {exc}") from None
    return roles
