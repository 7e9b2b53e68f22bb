"""The dashboard panels fed by the nodes' own statistics: DHCP pool use, NAT64 pool use, DNS64 health.

They show per-subnet, per-pool and per-node aggregates only (no client, no address of anyone), so the public
wall view may show them too."""
from collections import defaultdict
from datetime import timedelta

from django.db.models import Avg
from django.utils import timezone

from .models import Sample
from .node_stats import latest_node_values
from .panels import Panel, register

# As Stork colours Kea's pools.
DHCP_WARNING, DHCP_CRITICAL = 80, 90
NAT64_WARNING, NAT64_CRITICAL = 75, 90
DNS64_SLOW_MS = 500
FAILURE_WINDOW = timedelta(hours=1)


def level(percent: float, warning: float, critical: float) -> str:
    """The badge class of a use percentage."""
    return "bad" if percent >= critical else "warn" if percent >= warning else "ok"


def _pool_rows(prefix: str, used_name: str, size_name: str, warning: float, critical: float) -> list[dict]:
    """One row per node and pool from the series `<prefix><cidr>:<used_name>` and `...:<size_name>`."""
    pools: dict[tuple, dict] = defaultdict(dict)
    for node, key, value, at in latest_node_values(prefix):
        cidr, _, quantity = key.removeprefix(prefix).rpartition(":")
        pools[(node.name, cidr)][quantity] = value
        pools[(node.name, cidr)]["at"] = max(at, pools[(node.name, cidr)].get("at", at))
    rows = []
    for (node, cidr), values in pools.items():
        used, size = values.get(used_name), values.get(size_name)
        if used is None or not size:
            continue
        percent = 100 * used / size
        rows.append({"node": node, "pool": cidr, "used": int(used), "size": int(size), "percent": percent,
                     "level": level(percent, warning, critical), "at": values["at"]})
    return sorted(rows, key=lambda row: (-row["percent"], row["node"], row["pool"]))


def dhcp_context() -> dict:
    return {"pools": _pool_rows("kea:subnet:", "assigned", "total", DHCP_WARNING, DHCP_CRITICAL),
            "warning": DHCP_WARNING, "critical": DHCP_CRITICAL}


def nat64_context() -> dict:
    sessions = [{"node": node.name, "sessions": int(value), "at": at}
                for node, _, value, at in latest_node_values("nat64:sessions")]
    return {"pools": _pool_rows("nat64:pool:", "used", "size", NAT64_WARNING, NAT64_CRITICAL),
            "sessions": sessions, "warning": NAT64_WARNING}


def dns64_context() -> dict:
    """Per node: the probe's last answer time and correctness, its failure rate over the last hour, and the
    resolver's own signs of DNS64 trouble (SERVFAIL share, NODATA answers, recursion time, full request lists)."""
    nodes: dict[str, dict] = defaultdict(dict)
    for prefix in ("probe:dns64:", "dns:"):
        for node, key, value, at in latest_node_values(prefix):
            nodes[node.name][key] = value
            nodes[node.name]["at"] = max(at, nodes[node.name].get("at", at))
    since = timezone.now() - FAILURE_WINDOW
    correct_share = dict(Sample.objects.filter(series__key="probe:dns64:correct", at__gte=since)
                         .values("series__node__name").annotate(share=Avg("value"))
                         .values_list("series__node__name", "share"))
    rows = []
    for name, values in sorted(nodes.items()):
        queries, servfail = values.get("dns:queries-per-s"), values.get("dns:servfail-per-s")
        correct, ms = values.get("probe:dns64:correct"), values.get("probe:dns64:ms")
        share = correct_share.get(name)
        rows.append({
            "node": name, "at": values["at"], "ms": ms, "correct": correct,
            "probe_failures": None if share is None else 100 * (1 - share),
            "servfail_percent": 100 * servfail / queries if queries and servfail is not None else None,
            "nodata_per_s": values.get("dns:nodata-per-s"), "aaaa_per_s": values.get("dns:aaaa-queries-per-s"),
            "recursion_ms": values.get("dns:recursion-ms"),
            "exceeded_per_s": values.get("dns:requestlist-exceeded-per-s"),
            "level": "bad" if correct == 0 else "warn" if ms is not None and ms >= DNS64_SLOW_MS else "ok",
        })
    return {"nodes": rows, "slow_ms": DNS64_SLOW_MS}


def register_panels() -> None:
    register(Panel("dhcp-pools", "monitoring/panels/dhcp_pools.html", dhcp_context, ("dhcp",), order=30,
                   public=True))
    register(Panel("nat64-pools", "monitoring/panels/nat64_pools.html", nat64_context, ("nat64",), order=40,
                   public=True))
    register(Panel("dns64-health", "monitoring/panels/dns64_health.html", dns64_context, ("dns64",), order=50,
                   public=True))
