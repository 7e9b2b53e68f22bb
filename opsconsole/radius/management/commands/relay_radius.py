"""`relay_radius`: tell open helpdesk pages about the answers and sessions FreeRADIUS writes (like healthchecks'
sendalerts, a loop that `make run` and compose start beside the worker)."""
import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from opsconsole.radius.live import RadiusRelay

log = logging.getLogger("opsconsole.radius.relay")


class Command(BaseCommand):
    help = "Relay FreeRADIUS's new radpostauth and radacct rows to open participant pages, until stopped."

    def handle(self, *args, **options):
        relay = None
        while True:
            try:
                if relay is None:
                    relay = RadiusRelay()
                    log.info("relaying answers after %d and sessions after %d", relay.last_answer, relay.last_session)
                answers, sessions, participants = relay.cycle()
                if answers or sessions:
                    log.info("relayed %d answers and %d sessions to %d participant pages", answers, sessions,
                             len(participants))
            except (DatabaseError, OSError) as error:
                # The database or Redis is away for a moment (a restart, a migrate): try again next cycle.
                log.warning("relay cycle failed: %s", error)
                close_old_connections()
            time.sleep(settings.RADIUS_RELAY_SECONDS)
