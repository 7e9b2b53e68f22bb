"""Notifications reach a real webhook receiver and a real SMTP server on loopback; a failing peer is retried later;
a webhook's URL is shown and logged by its host only."""
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.alerts.delivery import deliver_due
from opsconsole.alerts.evaluation import evaluate
from opsconsole.alerts.models import Alert, AlertRule, ChannelKind, Kind, Notification, NotificationChannel

from .conftest import only_rule, silent_node
from .peers import smtp_server, webhook_receiver

pytestmark = pytest.mark.django_db
SECRET_PATH = "/hooks/T024BE7LD/B0123456/s3cretPathToken"


def webhook_channel(url: str) -> NotificationChannel:
    channel = NotificationChannel(name="noc-chat", kind=ChannelKind.WEBHOOK)
    channel.set_url(url)
    channel.save()
    return channel


def silent_node_alert(**rule) -> None:
    """A node set up an hour ago that never sent a heartbeat: its alert holds now and for the next hour."""
    only_rule(Kind.NODE_UNREACHABLE, threshold=60, **rule)
    silent_node("nat64-1")


def test_raise_and_clear_reach_the_webhook_as_chat_json():
    silent_node_alert()
    with webhook_receiver() as receiver:
        webhook_channel(receiver.url(SECRET_PATH))
        now = timezone.now()
        evaluate(now)
        assert deliver_due(now) == (1, 0)
        path, body = receiver.received[0]
        assert path == SECRET_PATH
        assert body["text"] == "[ALERT] node unreachable: nat64-1: no heartbeat received yet"
        assert body["event"] == "raised" and body["alert"]["kind"] == "node-unreachable"
        assert body["alert"]["subject"] == "nat64-1" and body["url"].endswith("/alerts/")

        AlertRule.objects.filter(kind=Kind.NODE_UNREACHABLE).update(enabled=False)  # its alerts end
        evaluate(now)
        assert deliver_due(now) == (1, 0)
        assert receiver.received[1][1]["text"].startswith("[CLEARED] node unreachable: nat64-1")
        assert receiver.received[1][1]["alert"]["cleared_at"] is not None
    assert deliver_due(now) == (0, 0)  # each sent once


def test_an_alert_reaches_a_real_smtp_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    silent_node_alert()
    with smtp_server() as (port, mailbox):
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        NotificationChannel.objects.create(name="noc-mail", kind=ChannelKind.EMAIL, addresses="noc@example.org, duty@example.org")
        now = timezone.now()
        evaluate(now)
        assert deliver_due(now) == (1, 0)
    [(sender, recipients, content)] = mailbox.messages
    assert sender == settings.DEFAULT_FROM_EMAIL and recipients == ["noc@example.org", "duty@example.org"]
    assert "Subject: [ALERT] node unreachable: nat64-1: no heartbeat received yet" in content
    assert "/alerts/" in content


def test_a_failing_webhook_is_retried_later_and_its_secret_path_is_never_logged(caplog):
    silent_node_alert()
    caplog.set_level(logging.INFO)
    with webhook_receiver() as receiver:
        receiver.status = 502
        webhook_channel(receiver.url(SECRET_PATH))
        now = timezone.now()
        evaluate(now)
        assert deliver_due(now) == (0, 1)
        notification = Notification.objects.get()
        assert notification.attempts == 1 and notification.sent_at is None and notification.due_at > now
        assert notification.last_error == f"HTTP 502 from http://127.0.0.1:{receiver.port}/…"
        assert deliver_due(now + timedelta(seconds=5)) == (0, 0)  # not yet due again

        receiver.status = 200
        assert deliver_due(now + timedelta(seconds=31)) == (1, 0)
        notification.refresh_from_db()
        assert notification.sent_at is not None and notification.attempts == 2 and notification.due_at is None
    assert len(receiver.received) == 2
    assert "s3cretPathToken" not in caplog.text and "failed (attempt 1)" in caplog.text


def test_a_failing_channel_shows_why_on_the_alerts_page_without_its_secret(noc_client):
    silent_node_alert()
    webhook_channel(f"http://127.0.0.1:9{SECRET_PATH}")  # discard port: nothing answers
    now = timezone.now()
    evaluate(now)
    deliver_due(now)
    page = noc_client.get("/alerts/").content.decode()
    assert "failing" in page and "ConnectError" in page and "http://127.0.0.1:9/…" in page
    assert "s3cretPathToken" not in page


def test_an_unreachable_webhook_fails_without_naming_its_url(caplog):
    silent_node_alert()
    with webhook_receiver() as receiver:
        closed = receiver.url(SECRET_PATH)
    webhook_channel(closed)  # nothing listens there any more
    now = timezone.now()
    evaluate(now)
    assert deliver_due(now) == (0, 1)
    error = Notification.objects.get().last_error
    assert error.startswith("ConnectError") and "s3cretPathToken" not in error
    assert "s3cretPathToken" not in caplog.text


def test_an_open_alert_is_notified_again_each_repeat_interval_and_only_then():
    silent_node_alert(repeat_minutes=10)
    with webhook_receiver() as receiver:
        webhook_channel(receiver.url("/hook"))
        start = timezone.now()
        for minutes, repeated in ((0, 0), (5, 0), (10, 1), (12, 0), (20, 1)):
            assert evaluate(start + timedelta(minutes=minutes)).repeated == repeated, minutes
        assert deliver_due(start + timedelta(minutes=20)) == (3, 0)
    assert [body["text"].split("]")[0] for _, body in receiver.received] == ["[ALERT", "[STILL OPEN", "[STILL OPEN"]
    assert Alert.objects.count() == 1


def test_a_disabled_channel_is_not_notified():
    silent_node_alert()
    with webhook_receiver() as receiver:
        channel = webhook_channel(receiver.url("/hook"))
        channel.enabled = False
        channel.save()
        evaluate(timezone.now())
        assert deliver_due() == (0, 0)
    assert receiver.received == []
