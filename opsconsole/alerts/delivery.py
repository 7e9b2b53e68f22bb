"""Sending notifications: webhooks (JSON chat bridges accept) and e-mail, each claimed by a conditional UPDATE,
retried with growing pauses when the peer fails, never naming a webhook's URL beyond its host."""
import logging
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import ChannelKind, Notification, shown_url

log = logging.getLogger(__name__)
# Longer than one attempt can take; a claim older than this belonged to a sender that died.
CLAIM = timedelta(seconds=60)
WEBHOOK_SECONDS = 10
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=30)
ATTEMPTS = 10
BATCH = 100


class DeliveryFailed(Exception):
    """The message did not reach its channel; the text never holds the webhook's URL."""


def backoff(attempt: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** (attempt - 1), LONGEST_WAIT)


def headline(notification: Notification) -> str:
    alert = notification.alert
    state = {Notification.Event.RAISED: _("ALERT"), Notification.Event.REPEAT: _("STILL OPEN"),
             Notification.Event.CLEARED: _("CLEARED")}[notification.event]
    return f"[{state}] {alert.get_kind_display()}: {alert.summary}"


def webhook_body(notification: Notification) -> dict:
    """{"text": ...} as Slack and Mattermost incoming webhooks take it, and the alert's fields for other bridges."""
    alert = notification.alert
    return {
        "text": headline(notification),
        "event": notification.event,
        "alert": {
            "id": alert.pk, "kind": alert.kind, "subject": alert.subject, "summary": alert.summary,
            "value": alert.value, "raised_at": alert.raised_at.isoformat(),
            "cleared_at": alert.cleared_at.isoformat() if alert.cleared_at else None,
        },
        "url": settings.SITE_URL.rstrip("/") + reverse("alerts:list"),
    }


def send_webhook(notification: Notification) -> None:
    url = notification.channel.url
    try:
        response = httpx.post(url, json=webhook_body(notification), timeout=WEBHOOK_SECONDS)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{exc.__class__.__name__}: {str(exc).replace(url, shown_url(url))}"[:300]) from None
    if response.status_code >= 300:
        raise DeliveryFailed(f"HTTP {response.status_code} from {shown_url(url)}")


def send_email(notification: Notification) -> None:
    body = webhook_body(notification)
    lines = [body["text"], "", f"{_('Raised')}: {timezone.localtime(notification.alert.raised_at):%Y-%m-%d %H:%M:%S %Z}"]
    if notification.alert.cleared_at:
        lines.append(f"{_('Cleared')}: {timezone.localtime(notification.alert.cleared_at):%Y-%m-%d %H:%M:%S %Z}")
    lines += ["", body["url"]]
    message = EmailMessage(subject=body["text"][:200], body="\n".join(lines), from_email=settings.DEFAULT_FROM_EMAIL,
                           to=notification.channel.recipients)
    try:
        message.send()
    except OSError as exc:  # smtplib's errors are OSErrors, as are refused and timed-out connections
        raise DeliveryFailed(f"{exc.__class__.__name__}: {exc}"[:300]) from None


SENDERS = {ChannelKind.WEBHOOK: send_webhook, ChannelKind.EMAIL: send_email}


def deliver_due(now: datetime | None = None) -> tuple[int, int]:
    """Send every notification due by NOW; returns (sent, failed). A failure is retried later, never waited for."""
    sent = failed = 0
    now = now or timezone.now()
    due = Notification.objects.filter(due_at__lte=now).order_by("due_at")
    for notification in due.select_related("alert", "channel")[:BATCH]:
        if not Notification.objects.filter(pk=notification.pk, due_at=notification.due_at).update(due_at=now + CLAIM):
            continue  # another sender claimed it
        attempt = notification.attempts + 1
        try:
            with translation.override(settings.LANGUAGE_CODE):
                SENDERS[notification.channel.kind](notification)
        except DeliveryFailed as exc:
            failed += 1
            retry_at = now + backoff(attempt) if attempt < ATTEMPTS else None
            log.warning("notification %d to %s failed (attempt %d%s): %s", notification.pk, notification.channel,
                        attempt, "" if retry_at else ", giving up", exc)
            Notification.objects.filter(pk=notification.pk).update(attempts=attempt, due_at=retry_at,
                                                                   last_error=str(exc)[:300])
        else:
            sent += 1
            Notification.objects.filter(pk=notification.pk).update(attempts=attempt, due_at=None, last_error="",
                                                                   sent_at=timezone.now())
    return sent, failed
