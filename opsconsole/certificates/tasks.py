"""Time passing revokes certificates too: a participant's event ending must not leave their devices on EAP-TLS."""
from celery import shared_task

from .issuing import revoke_for_ended_events


@shared_task(acks_late=True)
def revoke_certificates_of_ended_events() -> int:
    return revoke_for_ended_events()
