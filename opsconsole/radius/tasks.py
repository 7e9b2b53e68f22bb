"""RADIUS work in the background: sessions whose NAS fell silent are closed."""
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .sessions import close_stale_sessions


@shared_task(acks_late=True)
def close_silent_sessions() -> int:
    return close_stale_sessions(timezone.now(), timedelta(seconds=settings.RADIUS_STALE_SESSION_SECONDS))
