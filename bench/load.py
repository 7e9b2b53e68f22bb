"""Mixed load at rising rates: the highest rate the console holds with p95 under 300 ms and no errors, against a bare
Django view served the same way; once with one web process and one Celery worker, once with two of each.

Run as root from the repository: .venv/bin/python bench/load.py [--step-seconds S] [--quick]. Like
bench/registration.py it builds everything throwaway (a PostgreSQL database of its own, a claimed Redis database
number, daphne and Celery workers with production settings, a sandbox agent for a DHCP node so that each registration
is rebuilt and pushed) and removes it at the end. The mix, per visit of a helpdesk desk or a participant: the desk
search as typed, a participant's page, a registration through the form, and the participant's portal page. The
dashboard WebSocket is not in the mix: this branch has no /ws/dashboard/. Each rate runs open loop (requests start
on schedule whether or not earlier ones finished), so a server that falls behind shows in the latencies.
"""
import argparse
import contextlib
import itertools
import queue
import shutil
import signal
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
FIRST_RATE, RATE_FACTOR = 1.0, 1.4
SESSIONS = 16  # of each kind: helpdesk desks and signed-in participants
SEARCHES = ("naka", "sato", "1b:63")


class Sessions:
    """Signed-in browser sessions handed out one request at a time, spread over the web processes."""

    def __init__(self, urls: list[str], desks: list[str], participants: list[str]) -> None:
        from tests.e2e.stack import Noc

        self.desks, self.participants = queue.Queue(), queue.Queue()
        for number, name in enumerate(desks):
            self.desks.put(Noc(urls[number % len(urls)], name, PASSWORD))
        for number, name in enumerate(participants):
            self.participants.put(Noc(urls[number % len(urls)], name, PASSWORD))

    @contextlib.contextmanager
    def take(self, kind: str):
        pool = self.desks if kind == "desk" else self.participants
        session = pool.get()
        try:
            yield session.client
        finally:
            pool.put(session)


class Mix:
    """The requests of one visit after another: what a desk and a participant do in the rush."""

    def __init__(self, people: list[int], vlan: int) -> None:
        self.people, self.vlan = people, vlan
        self.counter, self.lock = itertools.count(), threading.Lock()

    def next(self) -> tuple[str, Callable]:
        with self.lock:
            number = next(self.counter)
        person = self.people[number % len(self.people)]
        step = number % 10
        if step < 4:
            return "desk", lambda client: expect(client.get(f"/registration/?q={SEARCHES[number % len(SEARCHES)]}"), 200)
        if step < 6:
            return "desk", lambda client: expect(client.get(f"/registration/participants/{person}/"), 200)
        if step < 7:
            return "desk", lambda client: expect(client.post(f"/registration/participants/{person}/devices/", data={
                "mac": device_mac(0x100000 + number), "os": "linux", "vlans": str(self.vlan),
                "csrfmiddlewaretoken": client.cookies["csrftoken"]}), 302)
        return "participant", lambda client: expect(client.get("/portal/"), 200)


class Bare:
    def next(self) -> tuple[str, Callable]:
        return "desk", lambda client: expect(client.get("/bench/bare/"), 200)


def expect(response, status: int) -> None:
    if response.status_code != status:
        raise AssertionError(f"{response.request.method} {response.request.url.path}: HTTP {response.status_code}")


def at_rate(sessions: Sessions, mix, rate: float, seconds: float) -> tuple[float, list[str]]:
    """Start rate*seconds requests on schedule; p95 of (finish - scheduled start) and the errors."""
    latencies, errors, lock = [], [], threading.Lock()
    count = int(rate * seconds)
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


def highest_rate(sessions: Sessions, mix, seconds: float, label: str) -> float:
    """Rising rates until one misses p95 < 300 ms or errs; the last rate held."""
    held, rate = 0.0, FIRST_RATE
    while True:
        p95, errors = at_rate(sessions, mix, rate, seconds)
        print(f"{label}: {rate:.1f} req/s p95 {p95 * 1000:.0f} ms, {len(errors)} errors"
              + (f" (first: {errors[0]})" if errors else ""), flush=True)
        if errors or p95 >= P95_LIMIT:
            return held
        held, rate = rate, rate * RATE_FACTOR


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2_000)
    parser.add_argument("--step-seconds", type=float, default=10, help="how long each rate runs")
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
    from opsconsole.celery import app as celery_app
    from opsconsole.plan.choices import Allocation, Family, PrefixPurpose, Resolver, Scope, Transition
    from opsconsole.plan.models import Prefix, Vlan, VlanFamily
    from opsconsole.registration.models import DhcpService, Participant
    from tests.e2e.conftest import new_node
    from tests.e2e.stack import Console, NodeAgent, Process
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

    figures, servers = [], [console.server]
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
        sessions = Sessions(urls, desks, participant_names)
        label = f"{processes}+{processes}"
        mix = highest_rate(sessions, Mix(people, vlan.pk), arguments.step_seconds, f"{label} mix")
        bare = highest_rate(sessions, Bare(), arguments.step_seconds, f"{label} bare")
        print(f"{label}: mix held {mix:.1f} req/s, bare view {bare:.1f} req/s", flush=True)
        figures.append((processes, mix, bare))
    for server in servers[1:]:
        server.stop()
    return figures


if __name__ == "__main__":
    main()
