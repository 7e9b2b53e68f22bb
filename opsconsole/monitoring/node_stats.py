"""Gateway nodes' own statistics and probe results, as their agents report them with each heartbeat: node series.

Gauges and probe results are stored as they come; counters become per-second rates between two successive
heartbeats (see `rates`).
"""
import math
from datetime import datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery

from opsconsole.nodes.models import GatewayNode

from .live import publish
from .models import Sample, Series
from .store import owned_series_ids

# Unbound's recursion time is an average over the daemon's life; the console averages each interval from its totals.
RECURSION_TOTALS = ("dns:recursion-seconds", "dns:recursive-replies")
# Which live topic a series belongs to, by its key's start; the rest go to "nodes".
TOPICS = (("kea:", "dhcp"), ("nat64:", "nat64"), ("probe:nat64:", "nat64"), ("dns:", "dns64"),
          ("probe:dns64:", "dns64"))


def rate_key(counter: str) -> tuple[str, float]:
    """The series a counter's rate is stored in, and the factor from counter units per second to the series' unit."""
    if counter.endswith("-bytes"):  # interface counters: bits per second, like the SNMP series
        return counter.removesuffix("-bytes") + "-bps", 8.0
    return counter + "-per-s", 1.0


def rates(previous: dict[str, float], current: dict[str, float], seconds: float) -> dict[str, float]:
    """Per-second rates of the counters between two heartbeats `seconds` apart.

    A counter lower than before was reset (the daemon restarted, the ruleset was reloaded): it has no rate this
    time, as the interval's true count is unknown. The recursion time is the interval's average, in ms."""
    if seconds <= 0:
        return {}
    grown = {key: value - previous[key] for key, value in current.items()
             if key in previous and value >= previous[key]}
    found = {}
    for key, delta in grown.items():
        if key not in RECURSION_TOTALS:
            series, factor = rate_key(key)
            found[series] = delta * factor / seconds
    spent, replies = (grown.get(key) for key in RECURSION_TOTALS)
    if spent is not None and replies:
        found["dns:recursion-ms"] = spent / replies * 1000
    return found


def topic_of(key: str) -> str:
    return next((topic for start, topic in TOPICS if key.startswith(start)), "nodes")


def samples_of(beat: dict, previous: dict, seconds: float | None) -> dict[str, float]:
    """Every series value one heartbeat yields, given the heartbeat before it (`seconds` earlier, None if none)."""
    stats, probes = beat.get("stats", {}), beat.get("probes", {})
    values = {**stats.get("gauges", {}), **probes.get("values", {})}
    if seconds is not None:
        values.update(rates(previous.get("stats", {}).get("counters", {}), stats.get("counters", {}), seconds))
    return {key: float(value) for key, value in values.items() if math.isfinite(value)}


@transaction.atomic
def record_heartbeat(node: GatewayNode, beat: dict, previous: dict, previous_at: datetime | None,
                     at: datetime) -> dict[str, float]:
    """Store one heartbeat's samples stamped `at` and publish them by topic once committed; returns them."""
    seconds = (at - previous_at).total_seconds() if previous_at else None
    values = samples_of(beat, previous or {}, seconds)
    if not values:
        return values
    ids = owned_series_ids(list(values), node_id=node.pk)
    Sample.objects.bulk_create([Sample(series_id=ids[key], at=at, value=value) for key, value in values.items()],
                               ignore_conflicts=True)
    by_topic: dict[str, dict[str, float]] = {}
    for key, value in values.items():
        by_topic.setdefault(topic_of(key), {})[key] = value
    for topic, chosen in by_topic.items():
        publish(topic, "node-stats", {"node": node.name, "at": at.timestamp(), "values": chosen})
    return values


def latest_node_values(prefix: str) -> list[tuple[GatewayNode, str, float, datetime]]:
    """(node, key, value, at) of the newest sample of every node series whose key starts with `prefix`."""
    newest = Sample.objects.filter(series=OuterRef("pk")).order_by("-at")
    series = (Series.objects.filter(node__isnull=False, key__startswith=prefix).select_related("node")
              .annotate(value=Subquery(newest.values("value")[:1]), at=Subquery(newest.values("at")[:1]))
              .filter(at__isnull=False).order_by("node__name", "key"))
    return [(row.node, row.key, row.value, row.at) for row in series]


def store_heartbeat(sender, node: GatewayNode, beat: dict, previous: dict | None = None,
                    previous_at: datetime | None = None, **kwargs) -> None:
    """Receiver of opsconsole.nodes.live.heartbeat_received."""
    if "stats" in beat or "probes" in beat:
        record_heartbeat(node, beat, previous or {}, previous_at, node.last_heartbeat_at)
