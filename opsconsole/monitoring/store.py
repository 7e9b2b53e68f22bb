"""The poller's side in the database: its targets, the samples of each cycle, roll-ups and retention."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.db import transaction
from django.db.models import Avg, Count, Max, Min
from django.db.models.functions import TruncMinute

from . import poller
from .live import broadcast_polls
from .models import VENDOR_DIR, MinuteRollup, Sample, Series, SnmpDevice
from .readings import Reading, VendorTable, load_vendor_tables, samples

RAW_KEPT = timedelta(hours=24)
ROLLUPS_KEPT = timedelta(days=30)
# A cycle stamps its samples with its start and stores them up to one budget later: the last minutes are rolled up
# again on every run, so a sample that lands late still counts, and a beat that stopped for a while catches up.
CATCH_UP = timedelta(minutes=15)


@cache
def vendor_tables(vendor: str) -> tuple[VendorTable, ...]:
    return tuple(load_vendor_tables((VENDOR_DIR / f"{vendor}.yaml").read_text())) if vendor else ()


def target(device: SnmpDevice) -> poller.Target:
    if device.version == SnmpDevice.Version.V2C:
        auth = poller.v2c(device.secret("community_encrypted"))
    else:
        auth = poller.v3(device.v3_user, device.auth_protocol, device.secret("auth_key_encrypted"),
                         device.priv_protocol, device.secret("priv_key_encrypted"))
    return poller.Target(device.pk, device.address, device.port, auth, vendor_tables(device.vendor))


def targets() -> list[poller.Target]:
    return [target(device) for device in SnmpDevice.objects.filter(enabled=True)]


@dataclass(frozen=True)
class CycleSummary:
    devices: int
    answered: int
    unreachable: int
    samples: int


def series_ids(device_id: int, keys: list[str]) -> dict[str, int]:
    return owned_series_ids(keys, device_id=device_id)


def owned_series_ids(keys: list[str], **owner: int) -> dict[str, int]:
    """{key: series id} of the series of one owner (device_id= or node_id=), created where missing."""
    known = dict(Series.objects.filter(**owner, key__in=keys).values_list("key", "id"))
    missing = [key for key in keys if key not in known]
    if missing:
        Series.objects.bulk_create([Series(**owner, key=key) for key in missing], ignore_conflicts=True)
        known.update(Series.objects.filter(**owner, key__in=missing).values_list("key", "id"))
    return known


@transaction.atomic
def record_cycle(outcomes: list[poller.Outcome], previous: dict[int, Reading], at: datetime) -> CycleSummary:
    """Store one cycle's samples stamped `at` and each device's state, and broadcast them once committed;
    `previous` is updated for the next cycle."""
    rows, deltas = [], []
    for outcome in outcomes:
        if outcome.reading is None:
            SnmpDevice.objects.filter(pk=outcome.device_id).update(
                state=SnmpDevice.State.UNREACHABLE, last_polled_at=at, last_error=outcome.error[:200])
            deltas.append({"device": outcome.device_id, "state": SnmpDevice.State.UNREACHABLE.value,
                           "at": at.timestamp(), "values": {}})
            continue
        values = samples(previous.get(outcome.device_id), outcome.reading)
        previous[outcome.device_id] = outcome.reading
        ids = series_ids(outcome.device_id, [key for key, _ in values])
        rows.extend(Sample(series_id=ids[key], at=at, value=value) for key, value in values)
        deltas.append({"device": outcome.device_id, "state": SnmpDevice.State.UP.value, "at": at.timestamp(),
                       "values": dict(values)})
    answered = [outcome.device_id for outcome in outcomes if outcome.reading is not None]
    SnmpDevice.objects.filter(pk__in=answered).update(state=SnmpDevice.State.UP, last_polled_at=at, last_error="")
    Sample.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    for gone in previous.keys() - {outcome.device_id for outcome in outcomes}:
        del previous[gone]
    broadcast_polls(deltas)
    return CycleSummary(len(outcomes), len(answered), len(outcomes) - len(answered), len(rows))


def roll_up(now: datetime) -> int:
    """Roll the raw samples of the last CATCH_UP minutes up into MinuteRollup (idempotent); returns the rows written.

    A fixed window, not "since the latest roll-up": finding that would scan every roll-up, the key leads with the
    series. Beat runs this every minute, so each minute is rolled up several times and a late sample still counts.
    """
    end = now.replace(second=0, microsecond=0)
    minutes = (Sample.objects.filter(at__gte=end - CATCH_UP, at__lt=end)
               .annotate(minute=TruncMinute("at")).values("series_id", "minute")
               .annotate(average=Avg("value"), minimum=Min("value"), maximum=Max("value"), count=Count("value"))
               .order_by())
    rollups = [MinuteRollup(**row) for row in minutes]
    MinuteRollup.objects.bulk_create(rollups, batch_size=2000, update_conflicts=True, unique_fields=["series", "minute"],
                                     update_fields=["average", "minimum", "maximum", "count"])
    return len(rollups)


def prune(now: datetime) -> tuple[int, int]:
    """Drop raw samples older than a day and roll-ups older than 30 days; returns both counts."""
    raw, _ = Sample.objects.filter(at__lt=now - RAW_KEPT).delete()
    rolled, _ = MinuteRollup.objects.filter(minute__lt=now - ROLLUPS_KEPT).delete()
    return raw, rolled
