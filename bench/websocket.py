"""WebSocket benchmark: 500 signed-in dashboards and 100 registrations; how long until every dashboard has each one,
beside a bare Channels echo consumer (a group message forwarded as it is) on the same server as the limit.

    .venv/bin/python bench/websocket.py [--clients 500] [--events 100] [--interval 0.25]

Throwaway: a SQLite database in a temporary directory with the WIDE camp plan, daphne serving the console plus one
echo route (an ASGI module written to that directory), and a channel-layer prefix of its own in REDIS_URL's
database (its keys deleted at the end). The clients run in a child process (autobahn on asyncio), signed in over
HTTP as a NOC person with the session cookie. Each event is a Device created in this process: its "registrations"
delta carries the moment it was sent after commit; each client notes when the JSON closing that update (after the panels' HTML)
arrives. The echo run sends the same number of group messages at the same pace to as many echo sockets.

Latency per event "to all clients" is the time until the last client has it; the last line gives its p50 and p95
for the dashboard and for the echo consumer, and the ratio of the two p95s.

The echo consumer is Channels' plain pattern: every socket a member of the group, so each message is written to Redis
once per socket and read back once per socket. The dashboard's sockets share one subscription per process
(opsconsole/dashboard/hub.py), so the dashboard can come in under this "limit"; a ratio below 1 says by how much.
"""
import argparse
import asyncio
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
# As tests/e2e/stack.py claims Redis databases (it imports models, so not before Django is set up, which needs these).
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
E2E_REDIS_DATABASES = range(2, 16)
CLAIM_KEY = "opsconsole-e2e-claim"
CLAIM_SECONDS = 1800
ECHO_GROUP = "bench-echo"
PASSWORD = secrets.token_urlsafe(16)
ECHO_ASGI = '''
"""The console's ASGI application plus /ws/echo/: a bare consumer that forwards a group's messages unchanged."""
from channels.generic.websocket import AsyncWebsocketConsumer

import opsconsole.asgi
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from opsconsole.routing import websocket_urlpatterns


class Echo(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add("%s", self.channel_name)
        await self.accept()

    async def bench_echo(self, event):
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter({
    "http": opsconsole.asgi.django_asgi_app,
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(
        [path("ws/echo/", Echo.as_asgi()), *websocket_urlpatterns]))),
})
''' % ECHO_GROUP


def claim_redis_database(token: str):
    """A Redis database number of its own, claimed as the end-to-end tests claim theirs (tests/e2e/stack.py), from
    the top of their range; released by deleting only the claim and this run's keys (never FLUSHDB: a database
    number may still be another run's by a claim that expired)."""
    import redis

    for number in reversed(E2E_REDIS_DATABASES):
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number)
        if client.set(CLAIM_KEY, token, nx=True, ex=CLAIM_SECONDS):
            return f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}", client
        client.close()
    raise SystemExit("every Redis database set aside for end-to-end runs is claimed")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- the clients' side (a child process: `websocket.py clients PORT PATH COOKIE N SINCE EVENTS`) -----------------

def run_clients(port: int, path: str, cookie: str, count: int, since: int, events: int) -> None:
    from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol

    arrivals: dict[int, list[float]] = {}  # event -> latency in seconds at each client
    done = asyncio.Event()
    received_total = [0]

    class Client(WebSocketClientProtocol):
        def onOpen(self):
            if path == "/ws/dashboard/":
                self.sendMessage(json.dumps({"since": since}).encode())
            opened.append(self)

        def onMessage(self, payload, is_binary):
            now = time.time()
            if not payload.startswith(b"{"):
                return  # the panels' HTML; the JSON after it closes the update
            message = json.loads(payload)
            if path == "/ws/dashboard/":
                sent = [(d["data"]["device"], d["at"]) for d in message.get("deltas", []) if d["kind"] == "device-added"]
            else:
                sent = [(message["event"], message["at"])]
            for event, at in sent:
                arrivals.setdefault(event, []).append(now - at)
                received_total[0] += 1
            if received_total[0] >= count * events:
                done.set()

    opened: list = []

    async def main():
        loop = asyncio.get_running_loop()
        factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}{path}", origin="http://127.0.0.1",
                                         headers={"Cookie": f"sessionid={cookie}"})
        factory.protocol = Client
        # A loaded machine takes a while to authenticate hundreds of handshakes: open them in batches, patiently.
        factory.setProtocolOptions(openHandshakeTimeout=120, closeHandshakeTimeout=10)
        for start in range(0, count, 25):
            batch = min(25, count - start)
            await asyncio.gather(*(loop.create_connection(factory, "127.0.0.1", port) for _ in range(batch)))
            deadline = time.monotonic() + 120
            while len(opened) < start + batch:
                assert time.monotonic() < deadline, f"only {len(opened)} of {count} sockets opened"
                await asyncio.sleep(0.05)
        await asyncio.sleep(1)  # every hello answered before the first event
        print("ready", flush=True)
        # Until every delivery arrived, or nothing arrived for 30 s once the events could all have been sent.
        last = [time.monotonic()]
        while not done.is_set():
            count_before = received_total[0]
            await asyncio.sleep(1)
            if received_total[0] != count_before:
                last[0] = time.monotonic()
            elif time.monotonic() - last[0] > 30 + events:
                break
        print(json.dumps({str(event): values for event, values in arrivals.items()}), flush=True)

    asyncio.run(main())


# --- the bench's side ---------------------------------------------------------------------------------------------

def start_clients(port: int, path: str, cookie: str, count: int, since: int, events: int) -> subprocess.Popen:
    clients = subprocess.Popen([sys.executable, __file__, "clients", str(port), path, cookie, str(count), str(since),
                                str(events)], stdout=subprocess.PIPE, text=True, cwd=REPOSITORY)
    line = clients.stdout.readline()
    assert line.strip() == "ready", f"the clients did not start: {line!r}"
    return clients


def results(clients: subprocess.Popen, count: int, events: int) -> tuple[list[float], list[float]]:
    """(latency of every delivery, latency until the last client had each event), in ms."""
    arrivals = json.loads(clients.stdout.readline())
    clients.wait(timeout=60)
    missing = count * events - sum(len(values) for values in arrivals.values())
    if missing:
        print(f"{missing} of {count * events} deliveries missing", flush=True)
    every = [1000 * value for values in arrivals.values() for value in values]
    to_all = [1000 * max(values) for values in arrivals.values()]
    return every, to_all


def summary(name: str, every: list[float], to_all: list[float]) -> str:
    return (f"{name}: to all clients p50 {statistics.median(to_all):.0f} ms p95 {percentile(to_all, 0.95):.0f} ms; "
            f"per delivery p50 {statistics.median(every):.0f} ms p95 {percentile(every, 0.95):.0f} ms")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "clients":
        port, path, cookie, count, since, events = sys.argv[2:8]
        run_clients(int(port), path, cookie, int(count), int(since), int(events))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between events")
    arguments = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="bench-websocket-"))
    prefix = f"bench-ws-{secrets.token_hex(6)}"
    redis_url, claim = claim_redis_database(prefix)
    os.environ.update(REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="opsconsole.settings", OPSCONSOLE_VAR_DIR=str(directory), CHANNEL_PREFIX=prefix,
        DATABASE_URL=f"sqlite:///{directory / 'bench.sqlite3'}?transaction_mode=IMMEDIATE&timeout=30",
        CELERY_TASK_ALWAYS_EAGER="true", DEBUG="true", PYTHONPATH=f"{directory}:{REPOSITORY}",
    )
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from django.core.management import call_command
    from django.utils import timezone

    from opsconsole.accounts.models import Role, User
    from opsconsole.monitoring import live
    from opsconsole.registration.models import Device, Participant
    from tests.e2e.stack import Noc, Process
    from tests.ports import free_port

    call_command("migrate", verbosity=0)
    call_command("load_plan", "wide-camp-2011", verbosity=0)
    noc_user = User(username="bench-noc", role=Role.NOC)
    noc_user.set_password(PASSWORD)
    noc_user.save()
    participant = Participant.objects.create(name="Bench Participant",
                                             active_until=timezone.now() + timedelta(days=3))
    (directory / "bench_asgi.py").write_text(ECHO_ASGI)
    port = free_port()
    server = Process("daphne", [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                                "bench_asgi:application"], directory / "daphne.log", dict(os.environ))
    layer = get_channel_layer()
    try:
        server.start(r"Listening on TCP address")
        noc = Noc(f"http://127.0.0.1:{port}", noc_user.username, PASSWORD)
        cookie = noc.client.cookies["sessionid"]
        assert "panel-recent" in noc.page("/dashboard/")

        clients = start_clients(port, "/ws/echo/", cookie, arguments.clients, 0, arguments.events)
        for event in range(arguments.events):
            async_to_sync(layer.group_send)(ECHO_GROUP, {"type": "bench.echo", "text": json.dumps(
                {"event": event, "at": time.time()})})
            time.sleep(arguments.interval)
        echo = results(clients, arguments.clients, arguments.events)
        print(summary(f"echo ({arguments.clients} sockets)", *echo), flush=True)

        clients = start_clients(port, "/ws/dashboard/", cookie, arguments.clients, live.current_seq(),
                                arguments.events)
        for event in range(arguments.events):
            Device.objects.create(participant=participant, mac=f"02:00:5e:10:{event // 256:02x}:{event % 256:02x}")
            time.sleep(arguments.interval)
        dashboard = results(clients, arguments.clients, arguments.events)
        print(summary(f"dashboard ({arguments.clients} sockets)", *dashboard), flush=True)
        noc.close()
    except BaseException:
        Path("/tmp/dash-bench-daphne.log").write_text(server.log())
        raise
    finally:
        server.stop()
        for key in claim.scan_iter(f"{prefix}*"):
            claim.delete(key)
        claim.delete(CLAIM_KEY)
        shutil.rmtree(directory, ignore_errors=True)
    print(f"{arguments.clients} clients, {arguments.events} events, delivery to all clients: "
          f"dashboard p50 {statistics.median(dashboard[1]):.0f} ms p95 {percentile(dashboard[1], 0.95):.0f} ms; "
          f"echo limit p50 {statistics.median(echo[1]):.0f} ms p95 {percentile(echo[1], 0.95):.0f} ms; "
          f"p95 ratio dashboard/echo {percentile(dashboard[1], 0.95) / percentile(echo[1], 0.95):.2f}")


if __name__ == "__main__":
    main()
