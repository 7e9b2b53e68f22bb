"""The alerts page for NOC and helpdesk; rules and channels for the NOC only, every change audited, a webhook's URL
never shown again; the dashboard's open-alerts panel."""
import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from opsconsole.alerts.evaluation import evaluate
from opsconsole.alerts.models import AlertRule, ChannelKind, Kind, NotificationChannel
from opsconsole.audit.models import AuditEntry
from opsconsole.monitoring.panels import panels

from .conftest import only_rule, silent_node

pytestmark = pytest.mark.django_db
WEBHOOK = "https://chat.example.org/hooks/xoxb-very-secret-path"


def raise_node_alert():
    only_rule(Kind.NODE_UNREACHABLE, threshold=60)
    silent_node("nat64-1")
    evaluate(timezone.now())


def test_helpdesk_sees_open_alerts_but_neither_channels_nor_rule_links(helpdesk_client):
    raise_node_alert()
    page = helpdesk_client.get("/alerts/").content.decode()
    assert "nat64-1: no heartbeat received yet" in page
    assert "Notification channels" not in page and "/alerts/rules/" not in page


def test_a_participant_may_not_open_the_alerts_page(participant_client):
    assert participant_client.get("/alerts/").status_code == 403


def test_helpdesk_may_not_change_a_rule(helpdesk_client):
    rule = AlertRule.objects.get(kind=Kind.DHCP_POOL)
    response = helpdesk_client.post(f"/alerts/rules/{rule.pk}/", {"threshold": "1", "repeat_minutes": "0"})
    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.threshold == 80


def test_the_noc_sets_a_threshold_and_the_change_is_audited(noc_client):
    rule = AlertRule.objects.get(kind=Kind.DHCP_POOL)
    response = noc_client.post(f"/alerts/rules/{rule.pk}/", {"threshold": "90", "duration_seconds": "0",
                                                             "interfaces": "", "repeat_minutes": "30",
                                                             "enabled": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.threshold, rule.repeat_minutes) == (90, 30)
    entry = AuditEntry.objects.filter(object_type="alerts.AlertRule").latest("id")
    assert entry.actor_label == "alice-noc" and entry.before["threshold"] == 80 and entry.after["threshold"] == 90


def test_a_negative_threshold_is_refused(noc_client):
    rule = AlertRule.objects.get(kind=Kind.DHCP_POOL)
    response = noc_client.post(f"/alerts/rules/{rule.pk}/", {"threshold": "-5", "duration_seconds": "0",
                                                             "repeat_minutes": "30"})
    assert response.status_code == 400


def test_a_webhook_url_is_stored_encrypted_and_shown_only_by_its_host(noc_client):
    response = noc_client.post("/alerts/channels/new/", {"name": "noc-chat", "kind": "webhook", "url": WEBHOOK,
                                                          "enabled": "on"})
    assert response.status_code == 302
    channel = NotificationChannel.objects.get()
    assert channel.url == WEBHOOK and "very-secret" not in channel.url_encrypted
    page = noc_client.get("/alerts/").content.decode()
    assert "https://chat.example.org/…" in page and "very-secret" not in page
    entry = AuditEntry.objects.filter(object_type="alerts.NotificationChannel").latest("id")
    assert "very-secret" not in str(entry.after) and entry.after["url_encrypted"] == "(secret)"


def test_a_webhook_channel_needs_its_url_and_an_email_channel_its_addresses(noc_client):
    assert noc_client.post("/alerts/channels/new/", {"name": "a", "kind": "webhook"}).status_code == 400
    assert noc_client.post("/alerts/channels/new/", {"name": "b", "kind": "email", "addresses": "not-an-address"}
                           ).status_code == 400
    assert noc_client.post("/alerts/channels/new/", {"name": "c", "kind": "email", "addresses": "noc@example.org",
                                                     "enabled": "on"}).status_code == 302
    assert list(NotificationChannel.objects.values_list("name", "kind")) == [("c", ChannelKind.EMAIL)]


def test_the_open_alerts_panel_is_registered_for_staff_only_and_lists_open_alerts():
    raise_node_alert()
    panel = next(panel for panel in panels() if panel.name == "open-alerts")
    assert panel.public is False and panel not in panels(public_only=True) and panel.topics == ("alerts",)
    html = render_to_string(panel.template, panel.context())
    assert "nat64-1: no heartbeat received yet" in html and 'data-open-alerts="1"' in html
