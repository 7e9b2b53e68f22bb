"""/metrics in the Prometheus exposition format, read by prometheus_client's own parser; only with a scrape token
the NOC issued or from an allowed address."""
import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from opsconsole.alerts.evaluation import evaluate
from opsconsole.alerts.models import Kind
from opsconsole.audit.models import AuditEntry
from opsconsole.metrics.models import ScrapeToken
from opsconsole.monitoring import store
from opsconsole.monitoring.models import SnmpDevice
from opsconsole.monitoring.poller import Outcome
from opsconsole.monitoring.readings import Interface, Reading
from opsconsole.radius.models import RadAcct
from tests.alerts.conftest import heartbeat, new_node, node_sample, only_rule, silent_node

pytestmark = pytest.mark.django_db


def issue_token(noc_client) -> str:
    page = noc_client.post("/metrics/tokens/", {"name": "prometheus-1"}).content.decode()
    token = page.split('<code id="issued-token">')[1].split("</code>")[0]
    assert len(token) > 30
    return token


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def network_state(client):
    now = timezone.now()
    node, token = new_node("nat64-1")
    heartbeat(client, node, token)
    silent_node("dns64-2")
    node_sample(node, "kea:subnet:192.0.2.0/24:assigned", 200, now)
    node_sample(node, "kea:subnet:192.0.2.0/24:total", 250, now)
    node_sample(node, "nat64:pool:198.51.100.0/24:used", 10, now)
    node_sample(node, "nat64:pool:198.51.100.0/24:size", 254, now)
    node_sample(node, "probe:dns64:correct", 1, now)
    node_sample(node, "probe:dns64:ms", 42, now)
    switch = SnmpDevice(name="core-sw1", address="192.0.2.10", kind=SnmpDevice.Kind.SWITCH)
    switch.set_secrets(community="public")
    switch.save()
    previous = {}
    for seconds, octets in ((0, 0), (30, 375_000_000)):  # 100 Mb/s in, 25 Mb/s out
        reading = Reading(seconds, seconds * 100 + 100, {"1": Interface("uplink0", octets, octets // 4, 1000, True)})
        store.record_cycle([Outcome(switch.pk, reading)], previous, now)
    RadAcct.objects.create(acctsessionid="1", acctuniqueid="u1", username="02:00:00:00:00:01", nasipaddress="192.0.2.20",
                           acctstarttime=now, calledstationid="AA-BB-CC-DD-EE-FF:widecamp-nowep",
                           callingstationid="02:00:00:00:00:01", acctterminatecause="")
    only_rule(Kind.NODE_UNREACHABLE, threshold=60)
    evaluate(now)


def test_a_scrape_with_the_token_is_parsed_by_prometheus_client(noc_client, client):
    token = issue_token(noc_client)
    network_state(client)
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain; version=")
    found = samples(response.content.decode())
    assert found[("opsconsole_node_up", (("node", "nat64-1"),))] == 1
    assert found[("opsconsole_node_up", (("node", "dns64-2"),))] == 0
    assert found[("opsconsole_node_state", (("node", "dns64-2"), ("state", "unreachable")))] == 1
    assert found[("opsconsole_dhcp_pool_use_ratio", (("node", "nat64-1"), ("subnet", "192.0.2.0/24")))] == 0.8
    assert found[("opsconsole_nat64_pool_used", (("node", "nat64-1"), ("pool", "198.51.100.0/24")))] == 10
    assert found[("opsconsole_dns64_probe_correct", (("node", "nat64-1"),))] == 1
    assert found[("opsconsole_dns64_probe_seconds", (("node", "nat64-1"),))] == 0.042
    assert found[("opsconsole_snmp_device_up", (("device", "core-sw1"),))] == 1
    assert found[("opsconsole_interface_bits_per_second",
                  (("direction", "in"), ("interface", "uplink0"), ("owner", "core-sw1")))] == 100e6
    assert found[("opsconsole_radius_sessions", (("ssid", "widecamp-nowep"),))] == 1
    assert found[("opsconsole_alerts_open", (("kind", "node-unreachable"),))] == 1
    assert found[("opsconsole_alerts_open", (("kind", "dhcp-pool"),))] == 0
    assert ScrapeToken.objects.get().last_used_at is not None


def test_without_a_token_or_with_a_wrong_one_or_a_session_the_scrape_is_refused(noc_client):
    issue_token(noc_client)
    client = Client()  # anonymous
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token").status_code == 401
    assert noc_client.get("/metrics").status_code == 401  # a person's session is no scrape token


def test_an_allowed_address_scrapes_without_a_token_and_any_other_is_refused(client, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["192.0.2.0/28", "2001:db8:53::1"]
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="2001:db8:53::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.17").status_code == 401
    assert client.get("/metrics", REMOTE_ADDR="2001:db8:53::2").status_code == 401


def test_a_token_is_shown_once_stored_hashed_audited_and_managed_by_the_noc_only(noc_client, helpdesk_user):
    helpdesk_client = Client()
    helpdesk_client.force_login(helpdesk_user)
    token = issue_token(noc_client)
    stored = ScrapeToken.objects.get()
    assert token not in stored.token_hash
    assert token not in noc_client.get("/metrics/tokens/").content.decode()
    entry = AuditEntry.objects.filter(object_type="metrics.ScrapeToken").latest("id")
    assert entry.actor_label == "alice-noc" and entry.after["token_hash"] == "(secret)"
    assert helpdesk_client.get("/metrics/tokens/").status_code == 403
    assert helpdesk_client.post(f"/metrics/tokens/{stored.pk}/delete/").status_code == 403
    assert noc_client.post(f"/metrics/tokens/{stored.pk}/delete/").status_code == 302
    assert not ScrapeToken.objects.exists()
