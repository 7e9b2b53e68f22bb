"""Samples of a cycle, one-minute roll-ups and retention, in the console's database."""
from datetime import datetime, timedelta, timezone

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from opsconsole.monitoring import store
from opsconsole.monitoring.models import MinuteRollup, Sample, Series, SnmpDevice
from opsconsole.monitoring.poller import Outcome
from opsconsole.monitoring.readings import Interface, Reading
from opsconsole.monitoring.tasks import roll_up_and_prune

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 8, 20, 12, 0, tzinfo=timezone.utc)


def device(name="core-sw1", **fields) -> SnmpDevice:
    switch = SnmpDevice(name=name, address="192.0.2.10", kind=SnmpDevice.Kind.SWITCH, **fields)
    switch.set_secrets(community="s3cret-community")
    switch.save()
    return switch


def series(switch, key="if:eth0:in-bps") -> Series:
    return Series.objects.create(device=switch, key=key)


def test_a_minute_rolls_up_to_its_average_minimum_maximum_and_count():
    line = series(device())
    for second, value in ((0, 10.0), (30, 30.0)):
        Sample.objects.create(series=line, at=NOON + timedelta(seconds=second), value=value)
    Sample.objects.create(series=line, at=NOON + timedelta(minutes=1, seconds=5), value=99.0)  # minute not over

    assert store.roll_up(NOON + timedelta(minutes=1, seconds=20)) == 1
    rollup = MinuteRollup.objects.get()
    assert (rollup.minute, rollup.average, rollup.minimum, rollup.maximum, rollup.count) == (NOON, 20.0, 10.0, 30.0, 2)


def test_rolling_up_again_counts_a_late_sample_without_duplicating_the_minute():
    line = series(device())
    Sample.objects.create(series=line, at=NOON + timedelta(seconds=10), value=10.0)
    store.roll_up(NOON + timedelta(minutes=1))
    Sample.objects.create(series=line, at=NOON + timedelta(seconds=40), value=50.0)  # stored after the roll-up
    store.roll_up(NOON + timedelta(minutes=2))
    rollup = MinuteRollup.objects.get(minute=NOON)
    assert (rollup.count, rollup.average) == (2, 30.0)
    assert MinuteRollup.objects.count() == 1


def test_raw_samples_live_a_day_and_rollups_thirty_days():
    line = series(device())
    Sample.objects.create(series=line, at=NOON - timedelta(hours=24, seconds=1), value=1.0)
    kept_sample = Sample.objects.create(series=line, at=NOON - timedelta(hours=23), value=2.0)
    MinuteRollup.objects.create(series=line, minute=NOON - timedelta(days=30, minutes=1), average=1, minimum=1,
                                maximum=1, count=1)
    MinuteRollup.objects.create(series=line, minute=NOON - timedelta(days=29), average=1, minimum=1, maximum=1,
                                count=1)

    assert store.prune(NOON) == (1, 1)
    assert list(Sample.objects.values_list("at", flat=True)) == [kept_sample.at]
    assert list(MinuteRollup.objects.values_list("minute", flat=True)) == [NOON - timedelta(days=29)]


def test_the_beat_task_rolls_up_then_prunes():
    line = series(device())
    recent = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=3)
    Sample.objects.create(series=line, at=recent, value=5.0)
    Sample.objects.create(series=line, at=recent - timedelta(days=2), value=5.0)
    assert roll_up_and_prune.delay().get() == "1 minute roll-ups written, 1 raw samples and 0 roll-ups expired"
    assert MinuteRollup.objects.get().minute == recent


def test_a_cycle_stores_samples_and_marks_who_answered():
    alive, dead = device("core-sw1"), device("edge-ap7")
    interfaces = {"1": Interface(name="eth0", in_octets=0, out_octets=0, speed_mbps=1000, up=True)}
    previous: dict = {}
    summary = store.record_cycle([Outcome(alive.pk, Reading(0.0, 100, interfaces)),
                                  Outcome(dead.pk, None, "No SNMP response received before timeout")], previous, NOON)

    assert (summary.answered, summary.unreachable, summary.samples) == (1, 1, 3)
    assert dict(Sample.objects.values_list("series__key", "value")) == {
        "uptime-s": 1.0, "if:eth0:up": 1.0, "if:eth0:speed-mbps": 1000.0}
    alive.refresh_from_db()
    dead.refresh_from_db()
    assert (alive.state, dead.state) == (SnmpDevice.State.UP, SnmpDevice.State.UNREACHABLE)
    assert dead.last_error == "No SNMP response received before timeout" and dead.last_polled_at == NOON
    assert set(previous) == {alive.pk}


def test_each_poll_result_reaches_the_monitoring_group_after_commit(django_capture_on_commit_callbacks):
    alive, dead = device("core-sw1"), device("edge-ap7")
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("monitoring", channel)
    interfaces = {"1": Interface(name="eth0", in_octets=0, out_octets=0, speed_mbps=None, up=False)}
    with django_capture_on_commit_callbacks(execute=True) as on_commit:
        store.record_cycle([Outcome(alive.pk, Reading(0.0, 100, interfaces)), Outcome(dead.pk, None, "timeout")],
                           {}, NOON)
    assert len(on_commit) == 1  # sent once the cycle's transaction commits, never before

    async def two_messages():
        # One event loop for both: the layer buffers a process's channels per loop.
        return [await layer.receive(channel), await layer.receive(channel)]

    first, second = async_to_sync(two_messages)()
    assert first == {"type": "monitoring.poll", "device": alive.pk, "state": "up", "at": NOON.timestamp(),
                     "values": {"uptime-s": 1.0, "if:eth0:up": 0.0}}
    assert second == {"type": "monitoring.poll", "device": dead.pk, "state": "unreachable", "at": NOON.timestamp(),
                      "values": {}}
