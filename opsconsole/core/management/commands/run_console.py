"""`make run`: prepare the database and demo data, then run web, worker, beat, the RADIUS relay, the SNMP poller, the
alert sender and a local sandbox agent per demo node."""
import functools
import os
import shutil
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from opsconsole.accounts.demo import ensure_demo_logins
from opsconsole.core.processes import ProcessGroup, console_processes, run_forwarding_signals, run_until_interrupted
from opsconsole.core.services import ServiceUnavailable, accepts_connections, private_redis, require_redis
from opsconsole.nodes.local import local_agent_specs
from opsconsole.radius.demo import demo_radius
from opsconsole.registration.demo import ensure_demo_registration


class Command(BaseCommand):
    help = "Set up the demo console and run every process it needs until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--plan", default="wide-camp-2011")

    def handle(self, *args, host, port, plan, **options):
        try:
            require_redis(settings.REDIS_URL)
        except ServiceUnavailable as exc:
            # The embedded default, as SQLite is for the database; a Redis that REDIS_URL names is never replaced.
            if "REDIS_URL" in os.environ or not shutil.which("redis-server"):
                self.stderr.write(str(exc))
                sys.exit(1)
            sys.exit(self.run_beside_private_redis(host, port, plan))
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_plan", plan)
        logins = ensure_demo_logins()
        call_command("load_demo_nodes", plan)
        for line in ensure_demo_registration():
            self.stdout.write(line + " created")
        agents = local_agent_specs(console_url=f"http://{host}:{port}")

        specs = console_processes(sys.executable, host, port, str(settings.VAR_DIR)) + agents
        radius = self.demo_radius()
        if radius is not None:
            specs.append(radius.process)
        url = f"http://{host}:{port}/"

        def announce():
            self.stdout.write(self.style.SUCCESS(f"\nConsole: {url}   (Ctrl-C stops everything)"))
            self.stdout.write("Demo logins:")
            for username, password, role in logins:
                self.stdout.write(f"  {role:<12} {username} / {password}")
            if radius is not None:
                self.stdout.write(f"RADIUS MAC authentication, try: {radius.try_line}")
            self.stdout.write(f"Request log: {settings.VAR_DIR / 'access.log'}\n")

        web_answers = functools.partial(accepts_connections, host, port)
        sys.exit(run_until_interrupted(ProcessGroup(specs), announce, ready=web_answers))

    def demo_radius(self):
        """FreeRADIUS on loopback for the demo plan's MAC-authentication SSID, when it is installed."""
        if not shutil.which("freeradius"):
            return None
        try:
            return demo_radius(settings.VAR_DIR / "radius")
        except OSError as exc:
            self.stdout.write(f"FreeRADIUS not started: {exc} (Debian's /etc/freeradius is for root and freerad).")
            return None

    def run_beside_private_redis(self, host: str, port: int, plan: str) -> int:
        """Start a private Redis under var/redis/ and run the console again as a child given its URL: settings,
        the Celery broker and the channel layer read REDIS_URL once, when a process starts."""
        try:
            with private_redis(settings.VAR_DIR / "redis") as url:
                default = urlsplit(settings.REDIS_URL)
                self.stdout.write(f"No Redis answers at {default.hostname}:{default.port or 6379}: started a private "
                                  f"Redis at {urlsplit(url).netloc} under {settings.VAR_DIR / 'redis'}, "
                                  "stopped with the console.")
                self.stdout.flush()
                argv = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_console",
                        "--host", host, "--port", str(port), "--plan", plan]
                return run_forwarding_signals(argv, dict(os.environ, REDIS_URL=url))
        except ServiceUnavailable as exc:
            self.stderr.write(str(exc))
            return 1
