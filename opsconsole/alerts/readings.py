"""What the rules read from the database: heartbeats, pushes, the newest samples of node and SNMP series, RADIUS
answers and certificates, as the plain values of conditions.py."""
from collections import defaultdict
from datetime import datetime, timedelta

from functools import reduce
from operator import or_

from django.db.models import Min, OuterRef, Q, Subquery

from opsconsole.certificates.models import CertificateAuthority, IssuedCertificate
from opsconsole.certificates.models import Kind as CertificateKind
from opsconsole.monitoring.models import Sample, Series, SnmpDevice
from opsconsole.nodes.models import GatewayNode, Push, with_last_push
from opsconsole.radius.models import RadPostAuth

from .conditions import Expiry, Heartbeat, LastPush, Link, PoolUse, Probe, Traffic

# A sample older than this says nothing about now: its node or device stopped reporting, which other rules catch.
FRESH = timedelta(minutes=5)
# How far before a sustained window's start to look for the reading that covers its beginning.
COVER = timedelta(minutes=5)
REJECTED = (Push.Status.FAILED, Push.Status.REFUSED)


def heartbeats() -> list[Heartbeat]:
    nodes = GatewayNode.objects.annotate(set_up_at=Min("revisions__created_at"))
    return [Heartbeat(*row) for row in nodes.values_list("name", "last_heartbeat_at", "set_up_at")]


def last_pushes() -> list[LastPush]:
    return [LastPush(node.name, node.last_push.revision.number, node.last_push.status in REJECTED,
                     node.last_push.error)
            for node in with_last_push(GatewayNode.objects.all()) if node.last_push is not None]


def latest_values(prefix: str, now: datetime, suffixes: tuple[str, ...] = ()) -> list[tuple[str, str, float]]:
    """(owner, key, value) of the newest fresh sample of every series whose key starts with PREFIX (and ends with
    one of SUFFIXES, if given); the owner is the node's or the SNMP device's name."""
    newest = Sample.objects.filter(series=OuterRef("pk"), at__gt=now - FRESH, at__lte=now).order_by("-at")
    series = Series.objects.filter(key__startswith=prefix)
    if suffixes:
        series = series.filter(reduce(or_, (Q(key__endswith=suffix) for suffix in suffixes)))
    rows = (series.annotate(value=Subquery(newest.values("value")[:1])).filter(value__isnull=False)
            .values_list("node__name", "device__name", "key", "value"))
    return [(node or device, key, value) for node, device, key, value in rows]


def _split(key: str, prefix: str) -> tuple[str, str]:
    """ "kea:subnet:2001:db8::/64:assigned" -> ("2001:db8::/64", "assigned"): names may hold colons, the last
    part never does."""
    name, _, part = key[len(prefix):].rpartition(":")
    return name, part


def pools(prefix: str, used_part: str, size_part: str, now: datetime) -> list[PoolUse]:
    parts: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for owner, key, value in latest_values(prefix, now, (f":{used_part}", f":{size_part}")):
        name, part = _split(key, prefix)
        parts[(owner, name)][part] = value
    return [PoolUse(owner, name, values[used_part], values[size_part])
            for (owner, name), values in sorted(parts.items()) if used_part in values and size_part in values]


def dhcp_pools(now: datetime) -> list[PoolUse]:
    return pools("kea:subnet:", "assigned", "total", now)


def nat64_pools(now: datetime) -> list[PoolUse]:
    return pools("nat64:pool:", "used", "size", now)


def probes(key: str, now: datetime) -> list[Probe]:
    return [Probe(owner, value) for owner, found, value in latest_values(key, now) if found == key]


def links(now: datetime) -> list[Link]:
    parts: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for owner, key, value in latest_values("if:", now, (":speed-mbps", ":up")):
        name, part = _split(key, "if:")
        parts[(owner, name)][part] = value
    return [Link(owner, name, values.get("speed-mbps"), values.get("up") == 1.0)
            for (owner, name), values in sorted(parts.items()) if "up" in values]


def busy_traffic(now: datetime, duration: timedelta, threshold: float, interfaces: tuple[str, ...]) -> list[Traffic]:
    """The rates over DURATION of the interfaces whose newest use is above THRESHOLD percent: only those can have
    been busy for the whole window, so only their history is read."""
    speeds = {(owner, _split(key, "if:")[0]): value for owner, key, value in latest_values("if:", now, (":speed-mbps",))}
    candidates: set[tuple[str, str]] = set()
    for owner, key, value in latest_values("if:", now, (":in-bps", ":out-bps")):
        name = _split(key, "if:")[0]
        speed = speeds.get((owner, name))
        if speed and (not interfaces or name in interfaces) and 100.0 * value / (speed * 1_000_000) > threshold:
            candidates.add((owner, name))
    traffic = []
    for owner, name in sorted(candidates):
        series = Series.objects.filter(key__in=[f"if:{name}:in-bps", f"if:{name}:out-bps"])
        series = series.filter(node__name=owner) | series.filter(device__name=owner)
        rates: dict[datetime, dict[str, float]] = defaultdict(dict)
        for key, at, value in (Sample.objects.filter(series__in=series, at__gte=now - duration - COVER, at__lte=now)
                               .values_list("series__key", "at", "value")):
            rates[at][_split(key, "if:")[1]] = value
        traffic.append(Traffic(owner, name, speeds[(owner, name)], tuple(
            (at, values.get("in-bps", 0.0), values.get("out-bps", 0.0)) for at, values in sorted(rates.items()))))
    return traffic


def unreachable_devices() -> list[str]:
    return list(SnmpDevice.objects.filter(enabled=True, state=SnmpDevice.State.UNREACHABLE)
                .values_list("name", flat=True))


def radius_rejects(now: datetime, window: timedelta) -> int:
    return RadPostAuth.objects.filter(reply="Access-Reject", authdate__gt=now - window, authdate__lte=now).count()


def certificates(now: datetime, days: float) -> list[Expiry]:
    """The RADIUS servers' certificates and the console's CA; a participant's device certificate ends with their
    event by design, so it is no alert."""
    found = [Expiry(str(certificate), certificate.not_after) for certificate in
             IssuedCertificate.objects.valid(now).filter(kind=CertificateKind.SERVER,
                                                         not_after__lte=now + timedelta(days=days))]
    authority = CertificateAuthority.objects.filter(pk=1).first()
    if authority is not None:
        found.append(Expiry(authority.name, authority.x509().not_valid_after_utc))
    return found
