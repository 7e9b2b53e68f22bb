"""Stores the IP-to-MAC bindings a gateway agent reports, so the portal can tell which device is asking."""
from django.db import transaction
from django.utils import timezone

from .mac import MacError, normalise_mac
from .models import NeighbourEntry


def record_neighbours(node, entries: list[dict]) -> int:
    """Upsert the node's {"ip", "mac"} entries (from its heartbeat); bad entries are skipped; returns how many were kept."""
    now = timezone.now()
    kept = 0
    with transaction.atomic():
        for entry in entries:
            try:
                mac = normalise_mac(str(entry.get("mac", "")))
                ip = str(entry["ip"])
            except (MacError, KeyError, AttributeError):
                continue
            NeighbourEntry.objects.update_or_create(node=node, ip=ip, defaults={"mac": mac, "seen_at": now})
            kept += 1
    return kept
