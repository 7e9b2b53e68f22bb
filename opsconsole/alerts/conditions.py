"""Which alerts hold right now: pure functions from a rule's thresholds and the readings to conditions.

No Django and no I/O: evaluation.py gathers the readings from the database and raises or clears alerts.
Each condition names its subject (a node, a pool, an interface), unique within its rule, so an alert is raised
once per subject and cleared when that subject's condition is gone.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Condition:
    """FACTS fill the kind's sentence, which the console words in the reader's language (see models.SUMMARIES)."""
    subject: str
    facts: dict
    value: float | None = None


@dataclass(frozen=True)
class Thresholds:
    threshold: float
    duration: timedelta = timedelta(0)
    interfaces: tuple[str, ...] = ()  # empty: every interface

    def watches(self, interface: str) -> bool:
        return not self.interfaces or interface in self.interfaces


@dataclass(frozen=True)
class Heartbeat:
    """A node's last heartbeat; a node never heard from counts from when it was set up (its first revision)."""
    node: str
    last_at: datetime | None
    set_up_at: datetime | None = None


@dataclass(frozen=True)
class LastPush:
    node: str
    revision: int
    failed: bool
    error: str


@dataclass(frozen=True)
class PoolUse:
    node: str
    pool: str
    used: float
    size: float


@dataclass(frozen=True)
class Probe:
    node: str
    value: float


@dataclass(frozen=True)
class Link:
    device: str
    interface: str
    speed_mbps: float | None
    up: bool


@dataclass(frozen=True)
class Traffic:
    """One interface's rates, oldest first: (poll time, inbound b/s, outbound b/s)."""
    device: str
    interface: str
    speed_mbps: float | None
    rates: tuple[tuple[datetime, float, float], ...]


@dataclass(frozen=True)
class Expiry:
    subject: str
    not_after: datetime


def node_unreachable(beats: Iterable[Heartbeat], rule: Thresholds, now: datetime) -> list[Condition]:
    """A node whose agent has not beaten for `threshold` seconds, or has never beaten that long after the node was set
    up; a node without any revision yet has nothing to run and is not expected to beat."""
    found = []
    for beat in beats:
        since = beat.last_at or beat.set_up_at
        if since is None:
            continue
        age = (now - since).total_seconds()
        if age >= rule.threshold:
            facts = {"node": beat.node, "seconds": age if beat.last_at else None}
            found.append(Condition(beat.node, facts, age))
    return found


def push_failed(pushes: Iterable[LastPush]) -> list[Condition]:
    """A node whose latest push the agent rejected (its checker failed, or it refused)."""
    return [Condition(push.node, {"node": push.node, "revision": push.revision, "error": push.error[:200]})
            for push in pushes if push.failed]


def percent(used: float, size: float) -> float | None:
    return 100.0 * used / size if size > 0 else None


def pool_full(pools: Iterable[PoolUse], rule: Thresholds) -> list[Condition]:
    """A pool used at `threshold` percent or more."""
    found = []
    for pool in pools:
        used = percent(pool.used, pool.size)
        if used is not None and used >= rule.threshold:
            found.append(Condition(f"{pool.node} {pool.pool}", {"node": pool.node, "pool": pool.pool, "percent": used,
                                                               "used": pool.used, "size": pool.size}, used))
    return found


def dns64_slow(probes: Iterable[Probe], rule: Thresholds) -> list[Condition]:
    return [Condition(probe.node, {"node": probe.node, "ms": probe.value}, probe.value)
            for probe in probes if probe.value >= rule.threshold]


def dns64_wrong(probes: Iterable[Probe]) -> list[Condition]:
    """The probe's answer was not the RFC 6052 address under the node's prefix (its series holds 1 or 0)."""
    return [Condition(probe.node, {"node": probe.node}, probe.value) for probe in probes if probe.value < 1]


def sustained_above(rates: Iterable[tuple[datetime, float]], threshold: float, since: datetime) -> bool:
    """Above THRESHOLD for the whole time from SINCE: the last reading at or before SINCE and every later one are
    above it. Without a reading that old the interval is not covered, so it does not hold."""
    covering = [value for at, value in rates if at >= since]
    earlier = [value for at, value in rates if at <= since]
    if not earlier:
        return False
    return earlier[-1] > threshold and all(value > threshold for value in covering)


def uplink_busy(traffic: Iterable[Traffic], rule: Thresholds, now: datetime) -> list[Condition]:
    """An uplink above `threshold` percent of its speed, in either direction, for `duration`."""
    found = []
    for line in traffic:
        if not rule.watches(line.interface) or not line.speed_mbps or not line.rates:
            continue
        capacity = line.speed_mbps * 1_000_000
        use = [(at, 100.0 * max(inbound, outbound) / capacity) for at, inbound, outbound in line.rates]
        if sustained_above(use, rule.threshold, now - rule.duration):
            found.append(Condition(f"{line.device} {line.interface}", {
                "device": line.device, "interface": line.interface, "percent": use[-1][1],
                "threshold": rule.threshold, "minutes": rule.duration.total_seconds() / 60}, use[-1][1]))
    return found


def link_slow(links: Iterable[Link], rule: Thresholds) -> list[Condition]:
    """An up link that negotiated less than its nominal speed (`threshold`, Mb/s); a down link is not slow."""
    return [Condition(f"{link.device} {link.interface}", {"device": link.device, "interface": link.interface,
                                                          "speed": link.speed_mbps, "nominal": rule.threshold},
                      link.speed_mbps)
            for link in links
            if link.up and link.speed_mbps is not None and rule.watches(link.interface)
            and link.speed_mbps < rule.threshold]


def devices_down(unreachable: Iterable[str]) -> list[Condition]:
    return [Condition(device, {"device": device}) for device in unreachable]


def rejects_spike(rejects: int, rule: Thresholds) -> list[Condition]:
    """`threshold` RADIUS rejects or more within `duration`: one alert for the whole RADIUS service."""
    if rejects < rule.threshold:
        return []
    return [Condition("radius", {"rejects": rejects, "minutes": rule.duration.total_seconds() / 60}, rejects)]


def expiring(certificates: Iterable[Expiry], rule: Thresholds, now: datetime) -> list[Condition]:
    """A certificate that ends within `threshold` days."""
    found = []
    for certificate in certificates:
        days = (certificate.not_after - now).total_seconds() / 86400
        if days <= rule.threshold:
            found.append(Condition(certificate.subject, {"certificate": certificate.subject, "days": max(days, 0.0)},
                                   days))
    return found
