"""Stores the IP-to-MAC bindings a gateway agent reports, so the portal can tell which device is asking."""
import ipaddress
from datetime import timedelta

from django.utils import timezone

from .mac import MacError, normalise_mac
from .models import NeighbourEntry

# Far longer than the portal trusts an entry (NEIGHBOUR_FRESH); older ones only fill the table.
NEIGHBOUR_MAX_AGE = timedelta(hours=1)


def record_neighbours(node, entries: list[dict]) -> int:
    """Upsert the node's {"ip", "mac"} entries (from its heartbeat) in bulk; bad entries are skipped.

    Returns how many were kept. Heartbeats arrive every few seconds from every node: no query per entry.
    """
    now = timezone.now()
    rows: dict[str, NeighbourEntry] = {}
    for entry in entries:
        try:
            mac = normalise_mac(str(entry.get("mac", "")))
            ip = str(ipaddress.ip_address(str(entry["ip"])))
        except (MacError, KeyError, AttributeError, ValueError):
            continue
        rows[ip] = NeighbourEntry(node=node, ip=ip, mac=mac, seen_at=now)
    if rows:
        NeighbourEntry.objects.bulk_create(rows.values(), update_conflicts=True, unique_fields=["node", "ip"],
                                           update_fields=["mac", "seen_at"])
    NeighbourEntry.objects.filter(node=node, seen_at__lt=now - NEIGHBOUR_MAX_AGE).delete()
    return len(rows)
