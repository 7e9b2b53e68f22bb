"""The reverse zones of every address the plan hands out, as the reverse_dns role of the reverse DNS node.

Enumerated: each IPv4 client pool in full (one $GENERATE per /24), its router, and the transition nodes' own
addresses; in IPv6, the nodes' addresses and the addresses registered devices were seen using (the agents'
neighbour tables).

Not enumerated: SLAAC and privacy addresses. A host picks its own 64-bit interface identifier, so a /64 holds 2^64
candidates that no zone can list, and a wildcard PTR would give every address one name that no forward lookup
confirms (services that demand reverse records check that it does). Such an address gets a name once the console
has seen a registered device use it, at the node's next rebuild; until then it gets NXDOMAIN.
"""
from __future__ import annotations

import ipaddress
import json
import zlib
from collections import defaultdict

from django.utils import timezone

from gateways.intent import IntentError
from gateways.render import render_intent
from opsconsole.nodes.intents import build_intent
from opsconsole.plan.choices import Allocation, Family, PrefixPurpose
from opsconsole.plan.models import Prefix
from opsconsole.registration.models import Device, NeighbourEntry
from opsconsole.transition.models import Dns64Role, Nat64Role
from opsconsole.transition.validators import words

from .models import ReverseDnsService

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_label(address: Address) -> str:
    """A DNS label naming an address: v4-192-0-2-7, v6-2001-0db8-...-0007 (exploded, so no label ends in -)."""
    if address.version == 4:
        return "v4-" + str(address).replace(".", "-")
    return "v6-" + address.exploded.replace(":", "-")


def zone_of(address: Address) -> str:
    """The /24 in-addr.arpa or /64 ip6.arpa zone an address falls in."""
    labels = address.reverse_pointer.split(".")
    return ".".join(labels[1:] if address.version == 4 else labels[16:])


def _pools(prefixes: list[Prefix], domain: str) -> tuple[dict[str, list[dict]], list[tuple[Address, str]]]:
    """$GENERATE lines per /24 zone for each DHCPv4 pool (see registration/intents.py: the router is the first
    host, the pool every other host), and the routers' own records."""
    generated: dict[str, list[dict]] = defaultdict(list)
    routers = []
    for prefix in prefixes:
        network = ipaddress.ip_network(prefix.network)
        rows = {row.family: row.allocation for row in prefix.vlan.families.all()}
        if network.version != 4 or rows.get(Family.IPV4) not in Allocation.IPV4_ONLY or network.num_addresses < 4:
            continue
        routers.append((network[1], f"gw-vlan{prefix.vlan.vid}.{domain}"))
        first, last = network[2], network[-2]
        for block in network.subnets(new_prefix=24) if network.prefixlen < 24 else [network.supernet(new_prefix=24)]:
            low, high = max(first, block[0]), min(last, block[-1])
            if low <= high:
                stem = "v4-" + "-".join(str(low).split(".")[:3])
                generated[zone_of(low)].append({"first": int(str(low).split(".")[3]),
                                                "last": int(str(high).split(".")[3]),
                                                "name": f"{stem}-$.{domain}"})
    return generated, routers


def _node_addresses(domain: str) -> list[tuple[Address, str]]:
    found = []
    for role in Nat64Role.objects.select_related("node"):
        found += [(ipaddress.ip_address(a), f"{role.node.name}.{domain}") for a in (role.ipv6_address, role.ipv4_address) if a]
    for role in Dns64Role.objects.select_related("node"):
        found += [(ipaddress.ip_address(a), f"{role.node.name}.{domain}") for a in words(role.listen)
                  if not ipaddress.ip_address(a).is_unspecified]
    return found


def _device_addresses(networks: list, domain: str) -> list[tuple[Address, str]]:
    macs = set(Device.objects.unexpired(timezone.now()).values_list("mac", flat=True))
    seen = {ipaddress.ip_address(ip) for ip, mac in NeighbourEntry.objects.values_list("ip", "mac") if mac in macs}
    return [(ip, f"{address_label(ip)}.{domain}") for ip in sorted(seen, key=lambda a: (a.version, a))
            if ip.version == 6 and any(ip in network for network in networks)]


def reverse_zones(domain: str) -> list[dict]:
    """Every zone with its PTR records and pools; each zone's serial follows its content, so it changes with it
    (no secondary transfers these zones, and a primary reloads a changed file)."""
    prefixes = list(Prefix.objects.filter(purpose=PrefixPurpose.CLIENTS).select_related("vlan")
                    .prefetch_related("vlan__families"))
    networks = [ipaddress.ip_network(p.network) for p in prefixes]
    generated, routers = _pools(prefixes, domain)
    records: dict[str, dict[Address, str]] = defaultdict(dict)
    for address, name in routers + _node_addresses(domain) + _device_addresses(networks, domain):
        records[zone_of(address)].setdefault(address, name)
    zones = []
    for name in sorted(set(generated) | set(records)):
        content = {"name": name, "generate": generated.get(name, []),
                   "ptr": [{"address": str(a), "name": n} for a, n in sorted(records.get(name, {}).items())]}
        serial = zlib.crc32(json.dumps(content, sort_keys=True).encode()) % (2**31 - 1) + 1
        zones.append({**content, "serial": serial})
    return zones


def reverse_dns_role(service: ReverseDnsService) -> dict:
    return {"nameserver": service.nameserver, "hostmaster": service.hostmaster, "listen": words(service.listen),
            "port": service.port, "zones": reverse_zones(service.forward_domain)}


def roles_for(node) -> dict:
    service = ReverseDnsService.objects.filter(node=node).first()
    if service is None:
        return {}
    role = reverse_dns_role(service)
    return {"reverse_dns": role} if role["zones"] else {}


def reverse_zone_files() -> list[dict]:
    """Each reverse DNS node's zone files, exactly as the node renders them, or why they cannot be rendered."""
    nodes = []
    for service in ReverseDnsService.objects.select_related("node").order_by("node__name"):
        try:
            files = [f for f in render_intent(build_intent(service.node)) if f.path.endswith(".zone")]
            nodes.append({"service": service, "files": files, "problem": ""})
        except IntentError as error:
            nodes.append({"service": service, "files": [], "problem": str(error)})
    return nodes
