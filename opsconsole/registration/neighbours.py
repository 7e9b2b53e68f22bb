"""Stores the IP-to-MAC bindings a gateway agent reports, so the portal can tell which device is asking."""
import ipaddress
import logging
from datetime import timedelta

from django.utils import timezone

from opsconsole.plan.models import Prefix

from .mac import MacError, normalise_mac
from .models import DhcpService, NeighbourEntry

log = logging.getLogger(__name__)


def served_networks(node) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The prefixes of the VLANs the node serves as their DHCP node: the only addresses it can vouch for."""
    service = DhcpService.objects.filter(node=node).first()
    if service is None:
        return []
    return [ipaddress.ip_network(network, strict=False)
            for network in Prefix.objects.filter(vlan__in=service.served_vlans()).values_list("network", flat=True)]


# Far longer than the portal trusts an entry (NEIGHBOUR_FRESH); older ones only fill the table.
NEIGHBOUR_MAX_AGE = timedelta(hours=1)


def record_neighbours(node, entries: list[dict]) -> int:
    """Upsert the node's {"ip", "mac"} entries (from its heartbeat) in bulk; bad entries are skipped.

    The portal's "register this device" trusts these bindings, so a node may report only addresses inside the
    VLANs it serves; the rest are dropped with one log line. Returns how many were kept. Heartbeats arrive
    every few seconds from every node: no query per entry.
    """
    now = timezone.now()
    networks = served_networks(node)
    rows: dict[str, NeighbourEntry] = {}
    foreign = 0
    for entry in entries:
        try:
            mac = normalise_mac(str(entry.get("mac", "")))
            ip = ipaddress.ip_address(str(entry["ip"]))
        except (MacError, KeyError, AttributeError, ValueError):
            continue
        if not any(ip in network for network in networks):
            foreign += 1
            continue
        rows[str(ip)] = NeighbourEntry(node=node, ip=str(ip), mac=mac, seen_at=now)
    if foreign:
        log.warning("node %s reported %d neighbours outside the VLANs it serves; dropped them", node.name, foreign)
    if rows:
        NeighbourEntry.objects.bulk_create(rows.values(), update_conflicts=True, unique_fields=["node", "ip"],
                                           update_fields=["mac", "seen_at"])
    NeighbourEntry.objects.filter(node=node, seen_at__lt=now - NEIGHBOUR_MAX_AGE).delete()
    return len(rows)
