"""Each kind of alert is raised from real data in the database, once, and cleared when its condition ends; raise and
clear reach the timeline."""
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from opsconsole.alerts.evaluation import clear_alert, evaluate, raise_alert
from opsconsole.alerts.conditions import Condition
from opsconsole.alerts.models import Alert, Kind
from opsconsole.certificates.issuing import server_certificate
from opsconsole.monitoring import store
from opsconsole.monitoring.live import topic_group
from opsconsole.monitoring.models import SnmpDevice
from opsconsole.monitoring.poller import Outcome
from opsconsole.monitoring.readings import Interface, Reading
from opsconsole.nodes.models import Push
from opsconsole.nodes.tasks import push_node_revision
from opsconsole.radius.models import RadPostAuth
from opsconsole.timeline.models import TimelineEntry

from tests.nodes.conftest import dns64_intent, gateway_node, sandbox_agent  # noqa: F401  (fixtures)
from tests.nodes.test_push import desire

from .conftest import heartbeat, new_node, node_sample, only_rule

pytestmark = pytest.mark.django_db


def open_subjects(kind: str) -> list[str]:
    return sorted(Alert.objects.filter(kind=kind, cleared_at=None).values_list("subject", flat=True))


def test_a_node_without_heartbeat_is_raised_once_and_cleared_when_its_agent_beats_again(client):
    only_rule(Kind.NODE_UNREACHABLE, threshold=60)
    node, token = new_node("nat64-1")
    heartbeat(client, node, token)
    now = timezone.now()
    assert evaluate(now).raised == 0

    later = now + timedelta(seconds=90)
    assert evaluate(later).raised == 1
    assert evaluate(later + timedelta(seconds=10)).raised == 0  # still down: no second alert
    assert open_subjects(Kind.NODE_UNREACHABLE) == ["nat64-1"]
    assert "nat64-1: no heartbeat for 2 min" in Alert.objects.get().summary

    heartbeat(client, node, token)
    assert evaluate(timezone.now()).cleared == 1
    assert open_subjects(Kind.NODE_UNREACHABLE) == []
    texts = list(TimelineEntry.objects.filter(kind=TimelineEntry.Kind.NODE).order_by("id").values_list("text", flat=True))
    assert len(texts) == 2 and texts[0].startswith("went down") and texts[1].startswith("came back")


def test_a_push_the_real_agent_rejects_raises_and_the_next_applied_push_clears(gateway_node, sandbox_agent):
    only_rule(Kind.PUSH_FAILED)
    sandbox_agent.start()
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:64::/96"))
    assert push_node_revision(gateway_node.pk) == Push.Status.APPLIED
    assert evaluate(timezone.now()).raised == 0

    # Validation accepts a repeated listen address; the agent's unbound-checkconf does not.
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:65::/96", listen=["::1", "::1"]))
    assert push_node_revision(gateway_node.pk) == Push.Status.FAILED
    evaluate(timezone.now())
    alert = Alert.objects.get(kind=Kind.PUSH_FAILED, cleared_at=None)
    assert alert.subject == gateway_node.name and "push of revision 2 failed: " in alert.summary
    assert "unbound" in alert.summary

    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:66::/96"))
    assert push_node_revision(gateway_node.pk) == Push.Status.APPLIED
    evaluate(timezone.now())
    assert open_subjects(Kind.PUSH_FAILED) == []


@pytest.mark.parametrize("kind, prefix, used, size", [
    (Kind.DHCP_POOL, "kea:subnet:2001:db8:1::/64", "assigned", "total"),
    (Kind.NAT64_POOL, "nat64:pool:192.0.2.0/24", "used", "size"),
])
def test_a_pool_above_its_threshold_raises_and_clears_when_use_falls(nat64_node, kind, prefix, used, size):
    only_rule(kind, threshold=80)
    now = timezone.now()
    node_sample(nat64_node, f"{prefix}:{used}", 230, now - timedelta(seconds=30))
    node_sample(nat64_node, f"{prefix}:{size}", 254, now - timedelta(seconds=30))
    evaluate(now)
    pool = prefix.split(":", 2)[2]
    assert open_subjects(kind) == [f"nat64-1 {pool}"]
    assert "91 %" in Alert.objects.get(kind=kind).summary

    node_sample(nat64_node, f"{prefix}:{used}", 100, now)
    node_sample(nat64_node, f"{prefix}:{size}", 254, now)
    evaluate(now + timedelta(seconds=1))
    assert open_subjects(kind) == []


def test_a_pool_whose_samples_stopped_coming_is_not_judged(nat64_node):
    only_rule(Kind.DHCP_POOL, threshold=80)
    then = timezone.now() - timedelta(minutes=30)
    node_sample(nat64_node, "kea:subnet:192.0.2.0/24:assigned", 250, then)
    node_sample(nat64_node, "kea:subnet:192.0.2.0/24:total", 254, then)
    assert evaluate(timezone.now()).raised == 0


def test_dns64_slow_and_wrong_come_from_the_probe_series(nat64_node):
    only_rule(Kind.DNS64_SLOW, threshold=500)
    now = timezone.now()
    node_sample(nat64_node, "probe:dns64:ms", 1200, now)
    node_sample(nat64_node, "probe:dns64:correct", 0, now)
    evaluate(now)
    assert open_subjects(Kind.DNS64_SLOW) == ["nat64-1"]

    only_rule(Kind.DNS64_WRONG)
    evaluate(now)
    assert open_subjects(Kind.DNS64_WRONG) == ["nat64-1"]
    assert open_subjects(Kind.DNS64_SLOW) == []  # its rule was disabled, which ends its alerts

    node_sample(nat64_node, "probe:dns64:correct", 1, now + timedelta(seconds=30))
    evaluate(now + timedelta(seconds=31))
    assert open_subjects(Kind.DNS64_WRONG) == []


def switch(name="core-sw1") -> SnmpDevice:
    device = SnmpDevice(name=name, address="192.0.2.10", kind=SnmpDevice.Kind.SWITCH)
    device.set_secrets(community="public")
    device.save()
    return device


def poll(device, previous, at, seconds, octets, speed_mbps=1000, up=True):
    """One poll of the switch stored as the poller stores it; OCTETS is the counter's value at this poll."""
    reading = Reading(taken_at=seconds, uptime_ticks=int(seconds * 100) + 100,
                      interfaces={"1": Interface("uplink0", octets, octets // 4, speed_mbps, up)})
    store.record_cycle([Outcome(device.pk, reading)], previous, at)


def test_an_uplink_above_half_its_speed_for_five_minutes_raises_and_clears_when_traffic_drops():
    only_rule(Kind.UPLINK_BUSY, threshold=50, duration_seconds=300, interfaces="uplink0")
    device, previous = switch(), {}
    start = timezone.now() - timedelta(minutes=7)
    octets, seconds = 0, 0.0
    per_poll_busy = int(600e6 * 30 / 8)  # 600 Mb/s of a 1 Gb/s link for 30 s
    at = start
    for step in range(8):  # 3.5 minutes busy: not long enough yet
        poll(device, previous, at, seconds, octets)
        octets, seconds, at = octets + per_poll_busy, seconds + 30, at + timedelta(seconds=30)
    assert evaluate(at - timedelta(seconds=30)).raised == 0
    for step in range(6):
        poll(device, previous, at, seconds, octets)
        octets, seconds, at = octets + per_poll_busy, seconds + 30, at + timedelta(seconds=30)
    evaluate(at - timedelta(seconds=30))
    assert open_subjects(Kind.UPLINK_BUSY) == ["core-sw1 uplink0"]

    poll(device, previous, at, seconds, octets - per_poll_busy + int(100e6 * 30 / 8))  # 100 Mb/s since the last
    evaluate(at)
    assert open_subjects(Kind.UPLINK_BUSY) == []


def test_a_link_below_its_nominal_speed_raises_and_clears_at_full_speed():
    only_rule(Kind.LINK_SLOW, threshold=1000)
    device, previous, now = switch(), {}, timezone.now()
    poll(device, previous, now - timedelta(seconds=30), 0, 0, speed_mbps=100)
    evaluate(now)
    assert open_subjects(Kind.LINK_SLOW) == ["core-sw1 uplink0"]
    poll(device, previous, now, 30, 1000, speed_mbps=1000)
    evaluate(now + timedelta(seconds=1))
    assert open_subjects(Kind.LINK_SLOW) == []


def test_an_snmp_device_that_stops_answering_raises_and_clears_when_it_answers():
    only_rule(Kind.SNMP_DOWN)
    device, previous, now = switch(), {}, timezone.now()
    store.record_cycle([Outcome(device.pk, None, "timeout")], previous, now)
    evaluate(now)
    assert open_subjects(Kind.SNMP_DOWN) == ["core-sw1"]
    poll(device, previous, now + timedelta(seconds=30), 0, 0)
    evaluate(now + timedelta(seconds=31))
    assert open_subjects(Kind.SNMP_DOWN) == []


def test_a_spike_of_radius_rejects_raises_and_clears_once_the_window_has_passed():
    only_rule(Kind.RADIUS_REJECTS, threshold=20, duration_seconds=300)
    now = timezone.now()
    for n in range(20):
        RadPostAuth.objects.create(username=f"02:00:00:00:00:{n:02x}", reply="Access-Reject",
                                   calledstationid="aa-bb-cc-dd-ee-ff:widecamp", callingstationid="",
                                   authdate=now - timedelta(seconds=n), reason="device not registered")
    RadPostAuth.objects.create(username="ok", reply="Access-Accept", calledstationid="", callingstationid="",
                               authdate=now, reason="")
    evaluate(now)
    assert open_subjects(Kind.RADIUS_REJECTS) == ["radius"]
    assert "20 RADIUS rejects in the last 5 min" in Alert.objects.get().summary
    evaluate(now + timedelta(minutes=6))
    assert open_subjects(Kind.RADIUS_REJECTS) == []


def test_the_radius_servers_certificate_expiring_raises_and_a_renewed_one_clears():
    only_rule(Kind.CERTIFICATE_EXPIRING, threshold=14)
    certificate = server_certificate()
    near_the_end = certificate.not_after - timedelta(days=10)
    evaluate(near_the_end)
    assert open_subjects(Kind.CERTIFICATE_EXPIRING) == [str(certificate)]
    certificate.revoke("reissued", now=near_the_end)
    renewed = server_certificate(near_the_end)
    assert renewed.pk != certificate.pk
    evaluate(near_the_end + timedelta(seconds=1))
    assert open_subjects(Kind.CERTIFICATE_EXPIRING) == []


def test_two_evaluators_never_raise_or_clear_the_same_alert_twice(nat64_node):
    rule = only_rule(Kind.DNS64_WRONG)
    now = timezone.now()
    condition = Condition("nat64-1", {"node": "nat64-1"}, 0)
    assert raise_alert(rule, condition, now) is True
    assert raise_alert(rule, condition, now) is False
    alert = Alert.objects.get()
    assert clear_alert(alert, now) is True
    assert clear_alert(alert, now) is False
    assert TimelineEntry.objects.filter(kind=TimelineEntry.Kind.ALERT).count() == 2
    assert raise_alert(rule, condition, now + timedelta(seconds=1)) is True  # a new episode is a new alert


def test_raise_and_clear_reach_the_alerts_topic_after_commit(nat64_node, django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(topic_group("alerts"), channel)
    only_rule(Kind.DNS64_WRONG)
    now = timezone.now()
    node_sample(nat64_node, "probe:dns64:correct", 0, now)
    with django_capture_on_commit_callbacks(execute=True):
        evaluate(now)
    node_sample(nat64_node, "probe:dns64:correct", 1, now + timedelta(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        evaluate(now + timedelta(seconds=31))

    async def two_messages():
        # One event loop for both: the layer buffers a process's channels per loop.
        return [(await layer.receive(channel))["delta"], (await layer.receive(channel))["delta"]]

    raised, cleared = async_to_sync(two_messages)()
    assert (raised["topic"], raised["kind"], raised["data"]["subject"], raised["data"]["open"]) == (
        "alerts", "raised", "nat64-1", True)
    assert (cleared["kind"], cleared["data"]["open"]) == ("cleared", False)
