"""A heartbeat's daemon statistics and probe results land as node series: gauges as they are, counters as rates,
bad reports refused naming the field, deltas published by topic after commit."""
import json
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from opsconsole.monitoring.live import topic_group
from opsconsole.monitoring.models import Sample
from opsconsole.monitoring.node_stats import latest_node_values, rates
from opsconsole.nodes.models import GatewayNode

pytestmark = pytest.mark.django_db(transaction=True)
RUNNING_HASH = "sha256:" + "ab" * 32


@pytest.fixture
def node_and_token():
    node = GatewayNode(name="gw-1", agent_url="http://127.0.0.1:9")
    _secret, token = node.issue_credentials()
    node.save()
    return node, token


def beat(client, token, **report):
    body = {"revision": 1, "hash": RUNNING_HASH, "services": {}, "counters": {}, "refused": [], **report}
    return client.post("/api/nodes/gw-1/heartbeat/", json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def values(node) -> dict[str, float]:
    return {key: value for found, key, value, _ in latest_node_values("") if found == node}


def test_gauges_and_probes_are_stored_and_counters_need_a_second_beat(client, node_and_token):
    node, token = node_and_token
    stats = {"gauges": {"kea:subnet:192.0.2.0/24:assigned": 85, "kea:subnet:192.0.2.0/24:total": 100},
             "counters": {"dns:queries": 1000, "if:eth0:in-bytes": 5000}, "errors": {"tayga": "no map"}}
    probes = {"values": {"probe:dns64:correct": 1, "probe:dns64:ms": 12.5}, "errors": {}}
    assert beat(client, token, stats=stats, probes=probes).status_code == 200
    assert values(node) == {"kea:subnet:192.0.2.0/24:assigned": 85, "kea:subnet:192.0.2.0/24:total": 100,
                            "probe:dns64:correct": 1, "probe:dns64:ms": 12.5}
    node.refresh_from_db()
    assert node.last_heartbeat["stats"]["errors"] == {"tayga": "no map"}

    GatewayNode.objects.filter(pk=node.pk).update(last_heartbeat_at=timezone.now() - timedelta(seconds=10))
    stats["counters"] = {"dns:queries": 1500, "if:eth0:in-bytes": 6000}
    assert beat(client, token, stats=stats).status_code == 200
    now = values(node)
    assert now["dns:queries-per-s"] == pytest.approx(50, rel=0.05)
    assert now["if:eth0:in-bps"] == pytest.approx(800, rel=0.05)  # bytes to bits, like the SNMP series
    assert Sample.objects.filter(series__node=node, series__key="kea:subnet:192.0.2.0/24:assigned").count() == 2


def test_rates_skip_a_reset_counter_and_average_the_recursion_time_of_the_interval():
    previous = {"dns:servfail": 40, "dns:queries": 1000, "dns:recursion-seconds": 10.0, "dns:recursive-replies": 100}
    current = {"dns:servfail": 3, "dns:queries": 1300, "dns:recursion-seconds": 13.0, "dns:recursive-replies": 130,
               "nft:sa46t_out:bytes": 10}
    assert rates(previous, current, 30) == {"dns:queries-per-s": 10, "dns:recursion-ms": pytest.approx(100)}
    assert rates(previous, current, 0) == {}


@pytest.mark.parametrize("report, field", [
    ({"stats": []}, "stats must be an object"),
    ({"stats": {"gauges": {"kea:subnet:x:total": "100"}}}, "stats.gauges.kea:subnet:x:total is not a number"),
    ({"stats": {"counters": {"bad key!": 1}}}, "stats.counters has a key that is not a series name"),
    ({"stats": {"gauges": {"a": True}}}, "stats.gauges.a is not a number"),
    ({"stats": {"gauges": {"a": 1e300}}}, "stats.gauges.a is not a number"),
    ({"stats": {"gauges": {f"k{i}": 1 for i in range(2001)}}}, "stats.gauges must be an object of at most 2000"),
    ({"stats": {"errors": {"kea": "x" * 501}}}, "stats.errors must map"),
    ({"stats": {"extra": {}}}, "stats must be an object"),
    ({"probes": {"values": {"probe:dns64:ms": None}}}, "probes.values.probe:dns64:ms is not a number"),
    ({"probes": {"gauges": {}}}, "probes must be an object with values and errors"),
])
def test_a_bad_report_is_refused_naming_the_field(client, node_and_token, report, field):
    _node, token = node_and_token
    response = beat(client, token, **report)
    assert response.status_code == 400
    assert response.json()["reason"].startswith(field)
    assert not Sample.objects.exists()


def test_nan_is_refused(client, node_and_token):
    _node, token = node_and_token
    body = '{"revision": 1, "hash": "", "stats": {"gauges": {"a": NaN}}}'
    response = client.post("/api/nodes/gw-1/heartbeat/", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (response.status_code, response.json()["reason"]) == (400, "NaN is not a number")


async def receive_two(layer, channel) -> list[dict]:
    return [(await layer.receive(channel))["delta"], (await layer.receive(channel))["delta"]]


def test_deltas_are_published_by_topic(client, node_and_token):
    _node, token = node_and_token
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    for topic in ("dhcp", "dns64"):
        async_to_sync(layer.group_add)(topic_group(topic), channel)
    try:
        beat(client, token, stats={"gauges": {"kea:subnet:192.0.2.0/24:total": 100, "if:eth0:up": 1}},
             probes={"values": {"probe:dns64:correct": 0}})
        received = async_to_sync(receive_two)(layer, channel)
    finally:
        for topic in ("dhcp", "dns64"):
            async_to_sync(layer.group_discard)(topic_group(topic), channel)
    by_topic = {message["topic"]: message["data"] for message in received}
    assert set(by_topic) == {"dhcp", "dns64"}, received
    assert by_topic["dhcp"]["values"] == {"kea:subnet:192.0.2.0/24:total": 100}
    assert by_topic["dns64"]["values"] == {"probe:dns64:correct": 0}
    assert by_topic["dhcp"]["node"] == "gw-1"


def test_the_panels_show_pool_use_with_stork_levels_and_dns64_health(client, node_and_token):
    from django.template.loader import render_to_string

    from opsconsole.monitoring.panels import panels

    _node, token = node_and_token
    beat(client, token, stats={"gauges": {
        "kea:subnet:192.0.2.0/24:assigned": 85, "kea:subnet:192.0.2.0/24:total": 100,
        "kea:subnet:198.51.100.0/24:assigned": 95, "kea:subnet:198.51.100.0/24:total": 100,
        "kea:subnet:203.0.113.0/24:assigned": 3, "kea:subnet:203.0.113.0/24:total": 100,
        "nat64:pool:198.51.100.0/24:used": 200, "nat64:pool:198.51.100.0/24:size": 254}},
        probes={"values": {"probe:dns64:correct": 0, "probe:dns64:ms": 31}})
    registered = {panel.name: panel for panel in panels(public_only=True)}
    assert {"dhcp-pools", "nat64-pools", "dns64-health"} <= set(registered)

    def shown(name):
        panel = registered[name]
        return render_to_string(panel.template, panel.context())

    dhcp = shown("dhcp-pools")
    assert '<span class="badge bad" data-level="bad">95 %</span>' in dhcp
    assert '<span class="badge warn" data-level="warn">85 %</span>' in dhcp
    assert '<span class="badge ok" data-level="ok">3 %</span>' in dhcp
    assert dhcp.index("198.51.100.0/24") < dhcp.index("192.0.2.0/24")  # fullest first
    assert '<span class="badge warn" data-level="warn">79 %</span>' in shown("nat64-pools")
    dns64 = shown("dns64-health")
    assert "wrong or no answer" in dns64 and "31 ms" in dns64 and "100 %" in dns64  # the hour's probe failures


def test_the_node_page_says_what_the_agent_could_not_measure(client, noc_client, node_and_token):
    _node, token = node_and_token
    beat(client, token, stats={"gauges": {}, "errors": {"unbound": "unbound-control: exit 1: connection refused"}},
         probes={"values": {"probe:nat64:ok": 0}, "errors": {"nat64": "curl: (7) Failed to connect"}})
    page = noc_client.get("/nodes/gw-1/").content.decode()
    assert "unbound: unbound-control: exit 1: connection refused" in page
    assert "probe nat64: curl: (7) Failed to connect" in page
