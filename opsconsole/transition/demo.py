"""The transition nodes of the two demo plans (WIDE camp 2011 autumn, Interop Tokyo 2013 ShowNet) and their loader.

Values the reports give are used as they are; where a report is silent (SA46T and 4rd prefixes, TAYGA's
internal pool, the conference-hall NAT64 pool) documentation or clearly illustrative ranges stand in.
"""
import ipaddress
from dataclasses import dataclass, field

from django.db import models, transaction

from opsconsole.nodes.models import GatewayNode

from .models import (
    DsliteB4,
    DsliteRole,
    Dns64Role,
    MapDomain,
    MapRole,
    Nat64Pool4,
    Nat64Role,
    Sa46tRole,
    StaticRoute,
    UpstreamRouter,
    Xlat464Role,
)

FIRST_AGENT_PORT = 9101

Row = tuple[type[models.Model], dict, list]  # model, field values, rows under it


@dataclass(frozen=True)
class DemoNode:
    name: str
    description: str
    roles: list[Row] = field(default_factory=list)


def _wide_nat64(member: int, host: int, pool4: str) -> DemoNode:
    return DemoNode(f"wide-nat64-{member}", f"WIDE camp NAT64 box {member} of 3 (2001:200:0:ff81::{host})", [
        (Nat64Role, {"implementation": "tayga", "pool6": "2001:200:0:ff99::/96",
                     "ipv6_address": f"2001:200:0:ff81::{host}", "ipv4_address": f"203.178.158.{host}",
                     "tayga_ipv4_addr": "192.168.255.1", "tayga_dynamic_pool": "192.168.240.0/21",
                     "member_index": member, "member_count": 3},
         [(Nat64Pool4, {"prefix": pool4}, [])]),
    ])


WIDE_4RD = {"name": "wide-4rd", "variant": "4rd", "rule_ipv6": "2001:db8:4d00::/40", "rule_ipv4": "203.0.113.0/24",
            "ea_len": 12, "psid_offset": 4, "br_address": "2001:db8:4d00::1"}
SHOWNET_MAP_E = {"name": "shownet-map-e", "variant": "map-e", "rule_ipv6": "2001:3e8:6000::/56",
                 "rule_ipv4": "130.129.255.92/30", "ea_len": 8, "psid_offset": 4,
                 "br_address": "2001:3e8:0:2900::1", "br_anycast": True}


def _sa46t(name: str, ipv4: str, networks: str) -> DemoNode:
    return DemoNode(f"wide-sa46t-{name}", f"WIDE camp SA46T ({name} side)", [
        (Sa46tRole, {"prefix": "2001:db8:46::/64", "plane_id": 0, "ipv4_address": ipv4, "networks": networks,
                     "uplink": "eth0"}, []),
    ])


def _map_node(name: str, description: str, domain: str, side: str, prefix: str = "") -> DemoNode:
    return DemoNode(name, description, [
        (MapRole, {"domain": domain, "side": side, "end_user_prefix": prefix, "wan": "eth0",
                   "uplink": "eth1" if side == "br" else ""}, []),
    ])


def _plat_pool4() -> list[Row]:
    first, last = ipaddress.ip_address("70.0.0.1"), ipaddress.ip_address("70.0.0.50")
    return [(Nat64Pool4, {"prefix": str(p)}, []) for p in ipaddress.summarize_address_range(first, last)]


PLANS: dict[str, tuple[list[dict], list[DemoNode]]] = {
    "wide-camp-2011": ([WIDE_4RD], [
        _wide_nat64(1, 37, "203.178.159.24/30"),
        _wide_nat64(2, 38, "203.178.159.28/30"),
        _wide_nat64(3, 39, "203.178.159.32/30"),
        DemoNode("wide-dns64", "WIDE camp DNS64 (BIND) on 2001:200:0:ff80::5", [
            (Dns64Role, {"implementation": "bind", "prefix": "2001:200:0:ff99::/96", "clients": "any",
                         "mapped": "any", "recursive_only": True, "listen": "2001:200:0:ff80::5"}, []),
        ]),
        _sa46t("camp", "192.0.2.1", "192.0.2.0/25"),
        _sa46t("backbone", "198.51.100.1", "198.51.100.0/24"),
        _map_node("wide-4rd-br", "WIDE camp 4rd BR (vyatta, Fujisawa NOC)", "wide-4rd", "br"),
        _map_node("wide-4rd-ce", "WIDE camp 4rd CE (SEIL)", "wide-4rd", "ce", "2001:db8:4d12:3400::/56"),
        DemoNode("wide-backbone-router", "WIDE backbone router: static routes to the NAT64 boxes", [
            (UpstreamRouter, {"nat64_nodes": ["wide-nat64-1", "wide-nat64-2", "wide-nat64-3"]}, [
                (StaticRoute, {"prefix": "2001:db8:46::/64", "next_hop": "2001:200:0:ff81::46",
                               "name": "sa46t", "comment": "SA46T prefix toward the camp"}, []),
            ]),
        ]),
    ]),
    "interop-shownet-2013": ([SHOWNET_MAP_E], [
        _map_node("shownet-map-br-asr", "ShowNet MAP-E BR (Cisco ASR9000), anycast", "shownet-map-e", "br"),
        _map_node("shownet-map-br-fx", "ShowNet MAP-E BR (Furukawa FX5000), anycast", "shownet-map-e", "br"),
        _map_node("shownet-map-ce", "ShowNet MAP-E CE (SEIL/x86)", "shownet-map-e", "ce", "2001:3e8:6000:42::/64"),
        DemoNode("shownet-dslite-aftr", "ShowNet DS-Lite AFTR", [
            (DsliteRole, {"side": "aftr", "aftr_address": "2001:db8:a10:a10::99", "pool4": "203.0.113.8/29",
                          "wan": "eth0", "uplink": "eth1"},
             [(DsliteB4, {"address": "2001:db8:192:168::1", "networks": "192.168.1.0/24"}, [])]),
        ]),
        DemoNode("shownet-plat", "ShowNet 464XLAT PLAT", [
            (Nat64Role, {"implementation": "jool", "pool6": "2001:10:10:10:10:10::/96"}, _plat_pool4()),
            (Xlat464Role, {"side": "plat"}, []),
        ]),
        DemoNode("shownet-nat64-dns64", "ShowNet conference hall NAT64/DNS64 (pool4 illustrative)", [
            (Nat64Role, {"implementation": "jool", "pool6": "64:ff9b::/96"},
             [(Nat64Pool4, {"prefix": "130.129.255.96/29"}, [])]),
            (Dns64Role, {"implementation": "unbound", "prefix": "64:ff9b::/96", "listen": "::"}, []),
        ]),
    ]),
}


def agent_ports() -> dict[str, int]:
    """Every demo node's agent port, numbered across both plans so they never collide."""
    names = [node.name for _, nodes in PLANS.values() for node in nodes]
    return {name: FIRST_AGENT_PORT + i for i, name in enumerate(names)}


def _saved(model: type[models.Model], lookup: dict, values: dict) -> models.Model:
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    for key, value in values.items():
        setattr(instance, key, value)
    instance.full_clean()
    instance.save()
    return instance


def _load_row(model: type[models.Model], owner: dict, values: dict, rows: list[Row]) -> None:
    values = dict(values)
    nat64_nodes = values.pop("nat64_nodes", [])
    if "domain" in values:
        values["domain"] = MapDomain.objects.get(name=values["domain"])
    # A role is found by its node; a row under it by all its values, so loading twice changes nothing.
    lookup, values = (owner, values) if "node" in owner else ({**owner, **values}, {})
    instance = _saved(model, lookup, values)
    if nat64_nodes:
        instance.nat64_roles.set(Nat64Role.objects.filter(node__name__in=nat64_nodes))
    for child, child_values, grandchildren in rows:
        _load_row(child, {"role": instance}, child_values, grandchildren)


@transaction.atomic
def load_plan(plan: str) -> list[tuple[GatewayNode, tuple[str, str] | None]]:
    """Create or update the plan's nodes and roles; return each node with its credentials if it was new."""
    domains, nodes = PLANS[plan]
    for domain in domains:
        _saved(MapDomain, {"name": domain["name"]}, {k: v for k, v in domain.items() if k != "name"})
    ports = agent_ports()
    loaded = []
    for demo in nodes:
        node = GatewayNode.objects.filter(name=demo.name).first()
        credentials = None
        if node is None:
            node = GatewayNode(name=demo.name)
            credentials = node.issue_credentials()
        node.description = demo.description
        node.agent_url = f"http://127.0.0.1:{ports[demo.name]}"
        node.full_clean()
        node.save()
        for model, values, rows in demo.roles:
            _load_row(model, {"node": node}, values, rows)
        loaded.append((node, credentials))
    return loaded
