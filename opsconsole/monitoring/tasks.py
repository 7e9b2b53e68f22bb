"""Beat's share of monitoring: one-minute roll-ups and retention, away from the poller's event loop."""

from celery import shared_task
from django.utils import timezone

from . import store



@shared_task(acks_late=True)
def roll_up_and_prune() -> str:
    """Idempotent: a roll-up is recomputed from raw samples and written over, so a redelivery does no harm."""
    now = timezone.now()
    rolled = store.roll_up(now)
    raw, old = store.prune(now)
    return f"{rolled} minute roll-ups written, {raw} raw samples and {old} roll-ups expired"
