"""RADIUS work in the background: silent sessions closed, sessions of devices no longer allowed disconnected, old
answers pruned, and the day's CRL (FreeRADIUS refuses everyone once its CRL's next update has passed, so RADIUS nodes get a new one)."""
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from opsconsole.monitoring.live import publish
from opsconsole.nodes.revisions import mark_nodes_dirty
from opsconsole.registration.models import Device

from .disconnects import ask_nas, disconnect_sessions, record_answer
from .intents import radius_nodes
from .live import tell_pages_of
from .models import DisconnectRequest, RadPostAuth
from .sessions import close_stale_sessions


@shared_task(acks_late=True)
def close_silent_sessions() -> int:
    """Close them, and tell the open pages: the participants' pages and the dashboard's RADIUS topic."""
    closed = close_stale_sessions(timezone.now(), timedelta(seconds=settings.RADIUS_STALE_SESSION_SECONDS))
    if closed:
        tell_pages_of(set(closed))
        publish("radius", "sessions-closed", {"count": len(closed)})
    return len(closed)


@shared_task(acks_late=True)
def prune_answers() -> int:
    """Forget FreeRADIUS's answers (radpostauth) older than the retention: every request adds one."""
    cutoff = timezone.now() - timedelta(days=settings.RADIUS_ANSWER_RETENTION_DAYS)
    return RadPostAuth.objects.filter(authdate__lt=cutoff).delete()[0]


@shared_task(bind=True, acks_late=True)
def send_disconnect(self, request_id: int) -> str:
    """Send one Disconnect-Request; without an answer, again after 5, 10, 20, ... s, at most the configured times."""
    request = (DisconnectRequest.objects.select_related("nas")
               .filter(pk=request_id, result__in=[DisconnectRequest.Result.PENDING, DisconnectRequest.Result.NO_ANSWER])
               .first())
    if request is None:
        return "answered"
    record_answer(request, ask_nas(request, settings.RADIUS_DISCONNECT_TIMEOUT_SECONDS), timezone.now())
    if request.result == DisconnectRequest.Result.NO_ANSWER and self.request.retries < settings.RADIUS_DISCONNECT_RETRIES:
        raise self.retry(countdown=5 * 2 ** self.request.retries, max_retries=settings.RADIUS_DISCONNECT_RETRIES)
    return request.result


@shared_task(acks_late=True)
def disconnect_expired_devices() -> int:
    """Sessions of devices whose registration or participant's event has ended (removals are sent at once)."""
    expired = Device.objects.exclude(pk__in=Device.objects.unexpired()).values_list("mac", flat=True)
    return len(disconnect_sessions(expired, DisconnectRequest.Trigger.EXPIRED))


@shared_task(acks_late=True)
def refresh_crl() -> int:
    """Mark the RADIUS nodes dirty; a node whose intent did not change (same day, no revocation) gets no revision."""
    nodes = radius_nodes()
    mark_nodes_dirty(nodes, "daily CRL refresh")
    return len(nodes)
