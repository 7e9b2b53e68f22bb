"""`manage.py send_alerts` as make run starts it: evaluates, notifies from its sender thread, and keeps evaluating
while a webhook fails; evaluators running at once raise and notify once."""
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from opsconsole.alerts.evaluation import evaluate
from opsconsole.alerts.models import Alert, ChannelKind, Kind, Notification, NotificationChannel
from opsconsole.core.processes import console_processes
from opsconsole.timeline.models import TimelineEntry

from .conftest import only_rule, silent_node
from .peers import wait_for, webhook_receiver


def test_make_run_starts_the_alert_sender():
    assert ["python", "manage.py", "send_alerts"] in [spec.argv for spec in console_processes("python", "h", 1, "v")]


@pytest.mark.django_db(transaction=True)
def test_the_command_raises_and_its_sender_delivers_while_a_broken_channel_is_retried_later():
    only_rule(Kind.NODE_UNREACHABLE, threshold=60)
    silent_node("nat64-1")
    with webhook_receiver() as receiver:
        working = NotificationChannel(name="chat", kind=ChannelKind.WEBHOOK)
        working.set_url(receiver.url("/hook"))
        working.save()
        broken = NotificationChannel(name="broken", kind=ChannelKind.WEBHOOK)
        broken.set_url("http://127.0.0.1:9/hook")  # discard port: nothing answers
        broken.save()
        call_command("send_alerts", cycles=2, interval=0.1)
        wait_for(lambda: receiver.received, what="the webhook")
    assert Alert.objects.filter(cleared_at=None).count() == 1
    assert [body["event"] for _, body in receiver.received] == ["raised"]
    failed = Notification.objects.get(channel=broken)
    assert failed.sent_at is None and failed.attempts == 1 and failed.due_at is not None


@pytest.mark.django_db(transaction=True)
def test_evaluators_running_at_the_same_moment_raise_and_notify_once():
    only_rule(Kind.NODE_UNREACHABLE, threshold=60)
    for name in ("nat64-1", "nat64-2", "dns64-1"):
        silent_node(name)
    NotificationChannel.objects.create(name="mail", kind=ChannelKind.EMAIL, addresses="noc@example.org")
    now, start, results = timezone.now(), threading.Barrier(4), []

    def evaluator():
        try:
            start.wait()
            results.append(evaluate(now).raised)
        finally:
            connection.close()

    threads = [threading.Thread(target=evaluator) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(results) == 3 and len(results) == 4
    assert Alert.objects.count() == 3
    assert Notification.objects.count() == 3
    assert TimelineEntry.objects.filter(kind=TimelineEntry.Kind.NODE).count() == 3
