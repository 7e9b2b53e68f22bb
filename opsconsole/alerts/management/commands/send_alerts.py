"""`manage.py send_alerts`: the long-running alert evaluator and sender that `make run` and docker-compose start."""
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.utils import timezone

from opsconsole.alerts.delivery import deliver_due
from opsconsole.alerts.evaluation import evaluate

log = logging.getLogger("opsconsole.alerts")


def in_database(function, *args):
    """Run FUNCTION with a connection checked and recycled as a request's is; its failure is logged, not raised,
    because the database or a peer comes back and the loop must outlive it."""
    close_old_connections()
    try:
        return function(*args)
    except Exception as exc:  # noqa: BLE001
        log.error("%s failed: %s", function.__name__, exc)
        return None
    finally:
        close_old_connections()


def deliver() -> None:
    sent_failed = in_database(deliver_due)
    if sent_failed and any(sent_failed):
        log.info("notifications: %d sent, %d failed (retried later)", *sent_failed)


class Command(BaseCommand):
    help = "Evaluate the alert rules every --interval seconds and send their notifications, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=10.0, help="seconds from one cycle's start to the next")
        parser.add_argument("--cycles", type=int, default=0, help="stop after this many cycles (0: never)")

    def handle(self, *args, interval, cycles, **options):
        # Sending runs beside evaluation, so a webhook that hangs delays its own retries, never the next evaluation.
        sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alert-sender")
        sending: Future | None = None
        cycle = 0
        try:
            while not cycles or cycle < cycles:
                cycle += 1
                started = time.monotonic()
                summary = in_database(evaluate, timezone.now())
                if summary is not None and (summary.raised or summary.cleared or summary.repeated):
                    log.info("cycle %d: %d raised, %d cleared, %d repeated, %d open", cycle, summary.raised,
                             summary.cleared, summary.repeated, summary.open)
                if sending is None or sending.done():
                    sending = sender.submit(deliver)
                if not cycles or cycle < cycles:
                    time.sleep(max(0.0, started + interval - time.monotonic()))
        finally:
            sender.shutdown(wait=True)
            connections.close_all()
