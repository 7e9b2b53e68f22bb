"""`manage.py snmp_poller`: the long-running SNMP poller that `make run` and docker-compose start beside the worker."""
import asyncio
import logging
import time

from asgiref.sync import sync_to_async
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections
from django.utils import timezone

from opsconsole.monitoring import store
from opsconsole.monitoring.poller import Engines, poll_all
from opsconsole.monitoring.readings import Reading

log = logging.getLogger("opsconsole.monitoring.poller")


@sync_to_async
def in_database(function, *args):
    """Run FUNCTION in the one thread that holds the poller's connection, checked and recycled as a request's is."""
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


class Command(BaseCommand):
    help = "Poll every SNMP device in the inventory every --interval seconds, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0, help="seconds from one cycle's start to the next")
        parser.add_argument("--budget", type=float, default=10.0, help="seconds one device's poll may take")
        parser.add_argument("--concurrency", type=int, default=200, help="devices polled at the same moment")
        parser.add_argument("--cycles", type=int, default=0, help="stop after this many cycles (0: never)")

    def handle(self, *args, interval, budget, concurrency, cycles, **options):
        if budget >= interval:
            raise CommandError("The budget must be shorter than the interval, or a dead device delays the next cycle.")
        asyncio.run(self.run(interval, budget, concurrency, cycles))

    async def run(self, interval: float, budget: float, concurrency: int, cycles: int) -> None:
        engines = Engines()
        previous: dict[int, Reading] = {}
        cycle = 0
        try:
            while not cycles or cycle < cycles:
                cycle += 1
                started, at = time.monotonic(), timezone.now()
                try:
                    outcomes = await poll_all(engines, await in_database(store.targets), budget, concurrency)
                    summary = await in_database(store.record_cycle, outcomes, previous, at)
                except Exception as exc:  # noqa: BLE001
                    # The database or Redis comes back; the poller keeps its previous readings meanwhile.
                    log.error("cycle %d failed: %s", cycle, exc)
                else:
                    if summary.devices:  # an empty inventory would only add a line to make run's terminal every cycle
                        log.info("cycle %d: %d devices, %d answered, %d unreachable, %d samples in %.2f s", cycle,
                                 summary.devices, summary.answered, summary.unreachable, summary.samples,
                                 time.monotonic() - started)
                if not cycles or cycle < cycles:
                    await asyncio.sleep(max(0.0, started + interval - time.monotonic()))
        finally:
            engines.close()
            await sync_to_async(connections.close_all)()
