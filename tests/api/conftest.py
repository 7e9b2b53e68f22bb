"""API fixtures: a personal token per role, and a client that sends it as a script would."""
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from opsconsole.alerts.models import Alert, AlertRule, ChannelKind, NotificationChannel
from opsconsole.api.models import ApiToken
from opsconsole.certificates.models import IssuedCertificate, Kind
from opsconsole.diagnostics.models import DiagnosticResult, EventDomain
from opsconsole.guides.models import Guide
from opsconsole.metrics.models import ScrapeToken
from opsconsole.monitoring.models import SnmpDevice
from opsconsole.nodes.models import ConfigRevision, GatewayNode, Push
from opsconsole.radius.models import Nas, RadAcct
from opsconsole.registration.models import Device
from opsconsole.support.models import TroubleReport
from opsconsole.survey.models import Question
from opsconsole.timeline.models import TimelineEntry
from tests.registration.conftest import nowep_vlan, other, participant  # noqa: F401  (fixtures the API tests use)


class ApiClient:
    """The Django test client speaking JSON with `Authorization: Bearer <token>` (no token: anonymous)."""

    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def __call__(self, method: str, url: str, body=None, **headers):
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        data = json.dumps(body) if body is not None else None
        return getattr(self.client, method.lower())(url, data=data, content_type="application/json", **headers)

    def get(self, url: str, **headers):
        return self("get", url, **headers)


def token_for(user) -> str:
    return ApiToken.issue(user, f"{user.username}'s script")[1]


@pytest.fixture(autouse=True)
def no_earlier_self_tests_counted():
    """The self-test's hourly limit per address is counted in the shared cache, which outlives a test run."""
    cache.delete("selftest-results:127.0.0.1")


@pytest.fixture
def api(client):
    """api(user) -> that user's API client; api(None) -> anonymous."""
    return lambda user: ApiClient(client, token_for(user) if user is not None else None)


@pytest.fixture
def noc_api(api, noc_user):
    return api(noc_user)


@pytest.fixture
def helpdesk_api(api, helpdesk_user):
    return api(helpdesk_user)


@pytest.fixture
def participant_api(api, participant_user):
    return api(participant_user)



@pytest.fixture
def world(nowep_vlan, participant, other):
    """One of each thing the API serves: Carol (the participant_user) and Dave each with a device, certificate and
    session; a node with a revision and a push; a NAS and an SNMP device; an open alert of the DHCP pool rule, a
    webhook channel, a timeline note, each participant's trouble report, a setup guide, a scrape token, an event domain, an AAAA diagnostic with a workaround, and the survey's first question."""
    now = timezone.now()
    things = {"vlan": nowep_vlan, "participant": participant, "other": other}
    for who, mac in (("participant", "00:1b:63:00:00:42"), ("other", "00:1b:63:00:00:43")):
        device = things[f"{who}_device"] = Device.objects.create(participant=things[who], mac=mac, label=f"{who} laptop")
        device.vlans.set([nowep_vlan])
        things[f"{who}_certificate"] = IssuedCertificate.objects.create(
            kind=Kind.CLIENT, serial=mac.replace(":", ""), subject=f"CN={mac}", participant=things[who], device=device,
            device_mac=mac, certificate="-----BEGIN CERTIFICATE-----", not_before=now, not_after=now + timedelta(days=3))
        things[f"{who}_session"] = RadAcct.objects.create(
            acctsessionid=mac, acctuniqueid=mac, username=mac, nasipaddress="192.0.2.2", acctstarttime=now,
            calledstationid="00-11-22-33-44-55:widecamp-nowep", callingstationid=mac, acctterminatecause="",
            framedipaddress="192.0.2.50", framedipv6address="2001:db8:40::50")
    node = things["node"] = GatewayNode(name="nat64-a", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    revision = things["revision"] = ConfigRevision.objects.create(
        node=node, number=1, intent={"schema": 1}, content_hash="sha256:00", created_by="alice-noc", reason="first")
    node.desired_revision = revision
    node.save()
    things["push"] = Push.objects.create(node=node, revision=revision, status=Push.Status.APPLIED)
    nas = things["nas"] = Nas(name="ap-hall", address="192.0.2.2")
    nas.set_secret("nas-shared-secret")
    nas.save()
    snmp = things["snmp"] = SnmpDevice(name="sw-core", address="192.0.2.3", kind=SnmpDevice.Kind.SWITCH)
    snmp.set_secrets(community="snmp-community-secret")
    snmp.save()
    rule = things["rule"] = AlertRule.objects.get(kind="dhcp-pool")
    things["alert"] = Alert.objects.create(
        rule=rule, kind=rule.kind, subject="nat64-a/camp", value=91, raised_at=now, notified_at=now,
        facts={"pool": "camp", "node": "nat64-a", "percent": 91, "used": 91, "size": 100})
    channel = things["channel"] = NotificationChannel(name="noc-chat", kind=ChannelKind.WEBHOOK)
    channel.set_url("https://chat.example.org/hooks/webhook-path-secret")
    channel.save()
    things["note"] = TimelineEntry.objects.create(kind=TimelineEntry.Kind.NOTE, text="uplink 2 patched",
                                                  subject="hall", author="alice-noc", at=now)
    for who in ("participant", "other"):
        things[f"{who}_report"] = TroubleReport.objects.create(participant=things[who], what_happened="no IPv4",
                                                               device=things[f"{who}_device"])
    things["guide"] = Guide.objects.create(slug="macos-wired-dns64", os="macos", topic="dns64",
                                           title_en="DNS64 on a wired port", body_en="Open System Settings.")
    scrape_token = things["scrape_token"] = ScrapeToken(name="prometheus-1")
    scrape_token.issue()
    scrape_token.save()
    things["event_domain"] = EventDomain.objects.create(name="camp.example.org")
    things["diagnostic"] = DiagnosticResult.objects.create(
        kind="aaaa", subject="www.servfail.example", verdict="error-code", ok=False, actor_label="bob-helpdesk",
        details={"a": ["192.0.2.80"], "aaaa": [], "workaround": True})
    things["question"] = Question.objects.first()
    return things

