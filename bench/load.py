"""Mixed load at rising rates: the highest rate the console holds with p95 under 300 ms and no errors, against a bare
Django view served the same way; once with one web process and one Celery worker, once with two of each.

Run as root from the repository: .venv/bin/python bench/load.py [--step-seconds S] [--quick]. Like
bench/registration.py it builds everything throwaway (a PostgreSQL database of its own, a claimed Redis database
number, daphne and Celery workers with production settings, a sandbox agent for a DHCP node so that each registration
is rebuilt and pushed) and removes it at the end. The mix, per visit of a helpdesk desk or a participant: the desk
search as typed, a participant's page, a registration through the form, the participant's portal page, and over the
REST API with a personal token a participant search, a device list and a registration. NOC dashboards stay open on
/ws/dashboard/ for the whole run and receive the registrations' deltas; a socket that closes is an error. Each rate
runs open loop (requests start on schedule whether or not earlier ones finished), so a server that falls behind shows
in the latencies.
"""
import argparse
import asyncio
import contextlib
import itertools
import json
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPOSITORY)]

from bench.registration import (  # noqa: E402  (the repository is on the path only now)
    PASSWORD, bench_site, device_mac, helpdesk_users, load_participants, percentile,
)

P95_LIMIT = 0.300
FIRST_RATE, RATE_FACTOR = 4.0, 1.4
MIN_REQUESTS = 40  # a rate runs at least this many requests, or its p95 says little
SESSIONS = 16  # of each kind: helpdesk desks, signed-in participants and API tokens
DASHBOARDS = 8  # NOC dashboards open on /ws/dashboard/, spread over the web processes
SEARCHES = ("naka", "sato", "1b:63")


class Sessions:
    """Signed-in browser sessions handed out one request at a time, spread over the web processes."""

    def __init__(self, urls: list[str], desks: list[str], participants: list[str], tokens: list[str]) -> None:
        import httpx

        from tests.e2e.stack import Noc

        self.pools = {"desk": queue.Queue(), "participant": queue.Queue(), "api": queue.Queue()}
        for number, name in enumerate(desks):
            self.pools["desk"].put(Noc(urls[number % len(urls)], name, PASSWORD).client)
        for number, name in enumerate(participants):
            self.pools["participant"].put(Noc(urls[number % len(urls)], name, PASSWORD).client)
        for number, token in enumerate(tokens):
            self.pools["api"].put(httpx.Client(base_url=urls[number % len(urls)], timeout=30,
                                               headers={"Authorization": f"Bearer {token}"}))

    @contextlib.contextmanager
    def take(self, kind: str):
        client = self.pools[kind].get()
        try:
            yield client
        finally:
            self.pools[kind].put(client)

    def close(self) -> None:
        for pool in self.pools.values():
            while not pool.empty():
                pool.get().close()


class Mix:
    """The requests of one visit after another: what a desk and a participant do in the rush."""

    def __init__(self, people: list[int], vlan: int, vid: int) -> None:
        self.people, self.vlan, self.vid = people, vlan, vid
        self.counter, self.lock = itertools.count(), threading.Lock()

    def next(self) -> tuple[str, Callable]:
        with self.lock:
            number = next(self.counter)
        person = self.people[number % len(self.people)]
        newcomer = self.people[number // 12 % len(self.people)]  # registrations spread evenly, under the device limit
        search = SEARCHES[number % len(SEARCHES)]
        step = number % 12
        if step < 4:
            return "desk", lambda client: expect(client.get(f"/registration/?q={search}"), 200)
        if step < 6:
            return "desk", lambda client: expect(client.get(f"/registration/participants/{person}/"), 200)
        if step < 7:
            return "desk", lambda client: expect(client.post(f"/registration/participants/{newcomer}/devices/", data={
                "mac": device_mac(0x100000 + number), "os": "linux", "vlans": str(self.vlan),
                "csrfmiddlewaretoken": client.cookies["csrftoken"]}), 302)
        if step < 9:
            return "participant", lambda client: expect(client.get("/portal/"), 200)
        if step < 10:
            return "api", lambda client: expect(client.get("/api/v1/participants/", params={"search": search}), 200)
        if step < 11:
            return "api", lambda client: expect(client.get("/api/v1/devices/", params={"participant": person}), 200)
        return "api", lambda client: expect(client.post("/api/v1/devices/", json={
            "participant": newcomer, "mac": device_mac(0x200000 + number), "os": "linux", "vlans": [self.vid]}), 201)


class Bare:
    def next(self) -> tuple[str, Callable]:
        return "desk", lambda client: expect(client.get("/bench/bare/"), 200)


class Dashboards:
    """NOC dashboards held open on /ws/dashboard/ by a child process (autobahn on asyncio: daphne's setup has claimed
    txaio for Twisted in this one), which reports a socket that closes and, at the end, the messages received."""

    def __init__(self, urls: list[str], cookies: list[str]) -> None:
        pairs = [f"{url}={cookie}" for url, cookie in zip(itertools.cycle(urls), cookies)]
        self.child = subprocess.Popen([sys.executable, __file__, "dashboards", *pairs], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, cwd=REPOSITORY)
        self.lost: list[str] = []
        self.received = 0
        line = self.child.stdout.readline()
        assert line.strip() == "ready", f"the dashboards did not open: {line!r}"
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        for line in self.child.stdout:
            if line.startswith("received "):
                self.received = int(line.split()[1])
            else:
                self.lost.append(line.strip())

    def closed(self) -> list[str]:
        lost, self.lost = self.lost, []
        return lost

    def close(self) -> None:
        self.child.stdin.close()  # the child closes its sockets, says how many messages came, and exits
        self.child.wait(timeout=30)
        self.reader.join(timeout=10)


def hold_dashboards(pairs: list[str]) -> None:
    """The child's side: open every URL=COOKIE's dashboard, say "ready", report closures until stdin closes."""
    from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol

    received, sockets, closing = [0], [], []

    class Dashboard(WebSocketClientProtocol):
        def onOpen(self):
            self.sendMessage(json.dumps({"since": 0}).encode())  # the page's hello; it is sent what it missed
            sockets.append(self)

        def onMessage(self, payload, is_binary):
            received[0] += 1

        def onClose(self, was_clean, code, reason):
            if not closing:
                print(f"dashboard socket closed: {code} {reason}", flush=True)

    async def main():
        loop = asyncio.get_running_loop()
        for pair in pairs:
            url, cookie = pair.split("=", 1)
            host, port = url.removeprefix("http://").split(":")
            factory = WebSocketClientFactory(f"ws://{host}:{port}/ws/dashboard/", origin=url,
                                             headers={"Cookie": f"sessionid={cookie}"})
            factory.protocol = Dashboard
            factory.setProtocolOptions(openHandshakeTimeout=60)
            await loop.create_connection(factory, host, int(port))
        deadline = time.monotonic() + 60
        while len(sockets) < len(pairs):
            assert time.monotonic() < deadline, f"only {len(sockets)} of {len(pairs)} dashboards opened"
            await asyncio.sleep(0.05)
        print("ready", flush=True)
        await loop.run_in_executor(None, sys.stdin.read)
        closing.append(True)
        for socket in sockets:
            socket.sendClose()
        await asyncio.sleep(0.5)
        print(f"received {received[0]}", flush=True)

    asyncio.run(main())


def expect(response, status: int) -> None:
    if response.status_code != status:
        raise AssertionError(f"{response.request.method} {response.request.url.path}: HTTP {response.status_code}")


def at_rate(sessions: Sessions, mix, rate: float, seconds: float) -> tuple[float, list[str]]:
    """Start rate*seconds requests (at least MIN_REQUESTS) on schedule; p95 of (finish - scheduled start) and the
    errors."""
    latencies, errors, lock = [], [], threading.Lock()
    count = max(MIN_REQUESTS, int(rate * seconds))
    started = time.monotonic()

    def one(index: int) -> None:
        due = started + index / rate
        time.sleep(max(0.0, due - time.monotonic()))
        kind, request = mix.next()
        try:
            with sessions.take(kind) as client:
                request(client)
        except Exception as error:  # noqa: BLE001 - every failure counts as an error of this rate
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
        with lock:
            latencies.append(time.monotonic() - due)

    with ThreadPoolExecutor(2 * SESSIONS) as pool:
        list(pool.map(one, range(count)))
    return percentile(latencies, 95), errors


def highest_rate(sessions: Sessions, mix, seconds: float, label: str, dashboards: "Dashboards") -> float:
    """Rising rates until one misses p95 < 300 ms or errs (a dashboard closing counts); the last rate held."""
    at_rate(sessions, mix, FIRST_RATE, seconds)  # not counted: fresh processes fill their caches and pools
    held, rate = 0.0, FIRST_RATE
    while True:
        p95, errors = at_rate(sessions, mix, rate, seconds)
        errors += dashboards.closed()
        print(f"{label}: {rate:.1f} req/s p95 {p95 * 1000:.0f} ms, {len(errors)} errors"
              + (f" (first: {errors[0]})" if errors else ""), flush=True)
        if errors or p95 >= P95_LIMIT:
            return held
        held, rate = rate, rate * RATE_FACTOR


def main() -> None:
    if sys.argv[1:2] == ["dashboards"]:
        hold_dashboards(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2_000)
    parser.add_argument("--step-seconds", type=float, default=6, help="how long each rate runs (at least)")
    parser.add_argument("--quick", action="store_true", help="500 participants, 4 s a rate")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.participants, arguments.step_seconds = 500, 4
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up on kill as on Ctrl-C
    with contextlib.ExitStack() as cleanup:
        directory = Path(tempfile.mkdtemp(prefix="loadbench-"))
        cleanup.callback(shutil.rmtree, directory, ignore_errors=True)
        figures = run(arguments, directory, cleanup)
        print("stopping and cleaning up", flush=True)
    print("; ".join(f"{processes} web + {processes} worker: mix {mix:.1f} req/s, bare {bare:.1f} req/s, "
                    f"ratio {mix / bare if bare else 0:.2f}" for processes, mix, bare in figures))


def run(arguments: argparse.Namespace, directory: Path, cleanup: contextlib.ExitStack) -> list[tuple]:
    bench_site(directory, cleanup, "loadbench")
    from django.core.management import call_command
    from django.db import connections

    from opsconsole.accounts.models import Role, User
    from opsconsole.api.models import ApiToken
    from opsconsole.celery import app as celery_app
    from opsconsole.plan.choices import Allocation, Family, PrefixPurpose, Resolver, Scope, Transition
    from opsconsole.plan.models import Prefix, Vlan, VlanFamily
    from opsconsole.registration.models import DhcpService, Participant
    from tests.e2e.conftest import new_node
    from tests.e2e.stack import Console, NodeAgent, Noc, Process
    from tests.ports import free_port

    cleanup.callback(connections.close_all)  # before the database is dropped
    print("migrating a fresh PostgreSQL database", flush=True)
    call_command("migrate", verbosity=0)
    vlan = Vlan.objects.create(vid=40, name="nowep", purpose="load benchmark")
    VlanFamily.objects.create(vlan=vlan, family=Family.IPV4, scope=Scope.GLOBAL, resolver=Resolver.PLAIN,
                              allocation=Allocation.DHCPV4_REGISTRATION, transition=Transition.SA46T)
    Prefix.objects.create(vlan=vlan, network="10.40.0.0/16", purpose=PrefixPurpose.CLIENTS)
    people = load_participants(arguments.participants)
    participant_names = []
    for number, pk in enumerate(people[:SESSIONS]):
        user = User(username=f"guest-{number}", role=Role.PARTICIPANT, email=f"guest-{number}@example.org")
        user.set_password(PASSWORD)
        user.save()
        Participant.objects.filter(pk=pk).update(user=user)
        participant_names.append(user.username)
    desks = helpdesk_users(SESSIONS)
    tokens = [ApiToken.issue(User.objects.get(username=name), "load benchmark")[1] for name in desks]
    nocs = []
    for number in range(DASHBOARDS):
        user = User(username=f"noc-{number}", role=Role.NOC, email=f"noc-{number}@example.org")
        user.set_password(PASSWORD)
        user.save()
        nocs.append(user.username)

    console = Console(directory / "console")
    cleanup.callback(console.stop)
    console.env.update(DEBUG="false", LOG_LEVEL="INFO", SECURE_COOKIES="false", SECURE_SSL_REDIRECT="false")
    celery_app.conf.broker_url = console.redis.url
    node = new_node("load-dhcp")
    (directory / "agent").mkdir()
    agent = NodeAgent(node, directory / "agent", console.url, "sandbox")
    cleanup.callback(agent.stop)
    agent.start()
    DhcpService.objects.create(node=node, interfaces={"40": "srv0"}, serve_dhcp6=False,
                               control_socket4=str(directory / "kea4.sock"), lease_directory=str(directory / "leases"))

    figures, servers, mix = [], [console.server], Mix(people, vlan.pk, vlan.vid)  # one Mix: every MAC new
    for processes in (1, 2):
        while len(servers) < processes:
            port = free_port()
            servers.append(Process(f"daphne {len(servers) + 1}", [
                sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "opsconsole.asgi:application",
            ], directory / f"daphne-{port}.log", console.env))
            servers[-1].port = port
        for server in servers:
            if not server.running:
                server.start(r"Listening on TCP address")
        while len(console.workers) < processes:
            console.start_worker()
        urls = [console.url] + [f"http://127.0.0.1:{server.port}" for server in servers[1:]]
        print(f"{processes} web process(es), {processes} worker(s): {', '.join(urls)}", flush=True)
        sessions = Sessions(urls, desks, participant_names, tokens)
        signed_in = [Noc(url, name, PASSWORD) for url, name in zip(itertools.cycle(urls), nocs)]
        dashboards = Dashboards(urls, [noc.client.cookies["sessionid"] for noc in signed_in])
        label = f"{processes}+{processes}"
        try:
            held = highest_rate(sessions, mix, arguments.step_seconds, f"{label} mix", dashboards)
            bare = highest_rate(sessions, Bare(), arguments.step_seconds, f"{label} bare", dashboards)
        finally:
            dashboards.close()
            sessions.close()
            for noc in signed_in:
                noc.close()
        print(f"{label}: mix held {held:.1f} req/s, bare view {bare:.1f} req/s; {DASHBOARDS} dashboards open "
              f"throughout received {dashboards.received} messages", flush=True)
        figures.append((processes, held, bare))
    for server in servers[1:]:
        server.stop()
    return figures


if __name__ == "__main__":
    main()
