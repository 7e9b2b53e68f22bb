"""The pure rules: readings in, conditions out."""
from datetime import datetime, timedelta, timezone

from opsconsole.alerts import conditions
from opsconsole.alerts.conditions import Heartbeat, Link, LastPush, PoolUse, Probe, Thresholds, Traffic

NOW = datetime(2026, 8, 20, 12, 0, tzinfo=timezone.utc)


def test_a_node_is_unreachable_from_the_threshold_on_and_a_node_never_heard_from_since_its_set_up_is_too():
    beats = [Heartbeat("fresh", NOW - timedelta(seconds=59)), Heartbeat("stale", NOW - timedelta(seconds=60)),
             Heartbeat("silent", None, NOW - timedelta(minutes=5)), Heartbeat("new", None, NOW - timedelta(seconds=5)),
             Heartbeat("unconfigured", None, None)]
    found = conditions.node_unreachable(beats, Thresholds(60), NOW)
    assert [(c.subject, c.value, c.facts["seconds"]) for c in found] == [("stale", 60.0, 60.0), ("silent", 300.0, None)]


def test_only_a_rejected_push_is_a_failed_push():
    pushes = [LastPush("a", 3, True, "unbound-checkconf: syntax error"), LastPush("b", 4, False, "")]
    [found] = conditions.push_failed(pushes)
    assert found.subject == "a" and found.facts["error"] == "unbound-checkconf: syntax error"


def test_a_pool_at_the_threshold_alerts_and_an_empty_pool_never_divides_by_zero():
    pools = [PoolUse("dhcp", "192.0.2.0/24", 80, 100), PoolUse("dhcp", "198.51.100.0/24", 79, 100),
             PoolUse("dhcp", "203.0.113.0/24", 0, 0)]
    found = conditions.pool_full(pools, Thresholds(80))
    assert [(c.subject, c.value) for c in found] == [("dhcp 192.0.2.0/24", 80.0)]


def test_dns64_slow_and_wrong():
    assert [c.subject for c in conditions.dns64_slow([Probe("a", 900), Probe("b", 20)], Thresholds(500))] == ["a"]
    assert [c.subject for c in conditions.dns64_wrong([Probe("a", 1), Probe("b", 0)])] == ["b"]


def test_sustained_needs_a_reading_covering_the_start_of_the_window():
    since = NOW - timedelta(minutes=5)
    above = [(since + timedelta(seconds=30 * step), 60.0) for step in range(11)]
    assert not conditions.sustained_above(above, 50, since - timedelta(seconds=1))  # no reading that old
    assert conditions.sustained_above(above, 50, since)
    assert not conditions.sustained_above(above[1:], 50, since)  # began less than five minutes ago
    dip = above[:5] + [(above[5][0], 40.0)] + above[6:]
    assert not conditions.sustained_above(dip, 50, since)


def test_an_uplink_busy_in_either_direction_for_the_whole_duration_alerts():
    rule = Thresholds(50, timedelta(minutes=5), ("uplink0",))
    start = NOW - timedelta(minutes=6)
    rates = tuple((start + timedelta(seconds=30 * step), 100e6, 600e6) for step in range(13))
    busy = Traffic("core", "uplink0", 1000, rates)
    other = Traffic("core", "access1", 1000, rates)
    [found] = conditions.uplink_busy([busy, other], rule, NOW)
    assert found.subject == "core uplink0" and round(found.value) == 60


def test_a_slow_link_alerts_only_while_it_is_up():
    links = [Link("sw", "ge0", 100, True), Link("sw", "ge1", 100, False), Link("sw", "ge2", 1000, True)]
    assert [c.subject for c in conditions.link_slow(links, Thresholds(1000))] == ["sw ge0"]


def test_radius_rejects_spike_is_one_alert_for_the_service():
    rule = Thresholds(20, timedelta(minutes=5))
    assert conditions.rejects_spike(19, rule) == []
    assert [c.subject for c in conditions.rejects_spike(20, rule)] == ["radius"]


def test_a_certificate_within_the_threshold_in_days_is_expiring():
    found = conditions.expiring([conditions.Expiry("server", NOW + timedelta(days=13)),
                                 conditions.Expiry("ca", NOW + timedelta(days=400))], Thresholds(14), NOW)
    assert [c.subject for c in found] == ["server"]
