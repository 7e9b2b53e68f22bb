"""The console's state as Prometheus metrics, read fresh from the database at each scrape."""
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from opsconsole.alerts import readings
from opsconsole.alerts.conditions import percent
from opsconsole.alerts.models import Alert, Kind
from opsconsole.monitoring.models import SnmpDevice
from opsconsole.nodes.models import GatewayNode, NodeState, with_last_push
from opsconsole.radius.sessions import session_counts


class ConsoleCollector(Collector):
    def __init__(self, now: datetime):
        self.now = now

    def collect(self):
        yield from self.nodes()
        yield from self.pools("dhcp", "DHCP", readings.dhcp_pools(self.now), "subnet")
        yield from self.pools("nat64", "NAT64", readings.nat64_pools(self.now), "pool")
        yield from self.dns64()
        yield from self.snmp()
        sessions = GaugeMetricFamily("opsconsole_radius_sessions", "Open RADIUS accounting sessions per SSID.",
                                     labels=["ssid"])
        for ssid, count in session_counts()["ssid"]:
            sessions.add_metric([ssid], count)
        yield sessions
        alerts = GaugeMetricFamily("opsconsole_alerts_open", "Open alerts per kind.", labels=["kind"])
        open_counts = {kind: 0 for kind in Kind.values}
        for kind in Alert.objects.filter(cleared_at=None).values_list("kind", flat=True):
            open_counts[kind] = open_counts.get(kind, 0) + 1
        for kind, count in open_counts.items():
            alerts.add_metric([kind], count)
        yield alerts

    def nodes(self):
        up = GaugeMetricFamily("opsconsole_node_up", "1 when the node's agent sent a recent heartbeat.",
                               labels=["node"])
        state = GaugeMetricFamily("opsconsole_node_state", "The node's sync state: 1 for its current state.",
                                  labels=["node", "state"])
        age = GaugeMetricFamily("opsconsole_node_heartbeat_age_seconds", "Seconds since the node's last heartbeat.",
                                labels=["node"])
        for node in with_last_push(GatewayNode.objects.select_related("desired_revision")):
            current = node.state(self.now)
            up.add_metric([node.name], 0 if current == NodeState.UNREACHABLE else 1)
            for value in NodeState.values:
                state.add_metric([node.name, value], 1 if value == current else 0)
            if node.last_heartbeat_at is not None:
                age.add_metric([node.name], (self.now - node.last_heartbeat_at).total_seconds())
        yield from (up, state, age)

    def pools(self, name: str, label: str, pools, pool_label: str):
        used = GaugeMetricFamily(f"opsconsole_{name}_pool_used", f"Addresses in use in each {label} pool.",
                                 labels=["node", pool_label])
        size = GaugeMetricFamily(f"opsconsole_{name}_pool_size", f"Addresses in each {label} pool.",
                                 labels=["node", pool_label])
        ratio = GaugeMetricFamily(f"opsconsole_{name}_pool_use_ratio", f"Share of each {label} pool in use (0-1).",
                                  labels=["node", pool_label])
        for pool in pools:
            used.add_metric([pool.node, pool.pool], pool.used)
            size.add_metric([pool.node, pool.pool], pool.size)
            if (share := percent(pool.used, pool.size)) is not None:
                ratio.add_metric([pool.node, pool.pool], share / 100)
        yield from (used, size, ratio)

    def dns64(self):
        correct = GaugeMetricFamily("opsconsole_dns64_probe_correct",
                                    "1 when the node's DNS64 probe got the RFC 6052 answer.", labels=["node"])
        for probe in readings.probes("probe:dns64:correct", self.now):
            correct.add_metric([probe.node], probe.value)
        seconds = GaugeMetricFamily("opsconsole_dns64_probe_seconds", "Answer time of the node's DNS64 probe.",
                                    labels=["node"])
        for probe in readings.probes("probe:dns64:ms", self.now):
            seconds.add_metric([probe.node], probe.value / 1000)
        yield from (correct, seconds)

    def snmp(self):
        up = GaugeMetricFamily("opsconsole_snmp_device_up", "1 when the SNMP device answered its last poll.",
                               labels=["device"])
        for name, state in SnmpDevice.objects.filter(enabled=True).values_list("name", "state"):
            up.add_metric([name], 1 if state == SnmpDevice.State.UP else 0)
        rates = GaugeMetricFamily("opsconsole_interface_bits_per_second",
                                  "Newest rate of each interface of SNMP devices and nodes.",
                                  labels=["owner", "interface", "direction"])
        for owner, key, value in readings.latest_values("if:", self.now, (":in-bps", ":out-bps")):
            interface, _, part = key[len("if:"):].rpartition(":")
            rates.add_metric([owner, interface, part.removesuffix("-bps")], value)
        yield from (up, rates)
