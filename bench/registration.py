"""Registration-rush benchmark: helpdesk registrations over HTTP until the real Kea serves them, and search throughput.

Run as root from the repository: .venv/bin/python bench/registration.py [--participants N --registrations N
--seconds S] [--quick]. Everything is throwaway and removed at the end, also on Ctrl-C or failure: a PostgreSQL
database of its own on 127.0.0.1:5432 (what production runs, see docker-compose.yml; its row locks, unlike SQLite's
file lock, let daphne and the Celery workers write at the same time), a temporary directory, a Redis database number
claimed like the end-to-end tests claim one, daphne and Celery workers with production settings (DEBUG off), and
kea-dhcp4 in a network namespace configured by a production-mode agent through Kea's control socket.
"""
import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

import psycopg

REPOSITORY = Path(__file__).resolve().parents[1]
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
PASSWORD = "bench-helpdesk-password"
DESKS = 8  # helpdesk sessions that register and then search, unless --desks says otherwise
KEA_POLL_SECONDS = 0.1
KEA_WAIT_SECONDS = 120
PERFDHCP_SAMPLE = 3
FIRST_NAMES = ("Aiko", "Daisuke", "Emi", "Haruto", "Kenji", "Mai", "Naoki", "Rin", "Sota", "Yui", "Alice", "Bob")
LAST_NAMES = ("Tanaka", "Suzuki", "Sato", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato")
AFFILIATIONS = ("WIDE", "Keio", "Tokyo", "NAIST", "JAIST", "IIJ", "NTT", "KDDI")
# A name fragment (matches about a fifth of everyone) and a MAC fragment (matches every registered device),
# each capped at the page's 25 results: the two searches a desk types in the rush.
SEARCHES = ("naka", "1b:63:00")
# The bare view lives in a urlconf written to the temporary directory; the server loads it through these settings.
SITE_SETTINGS = 'from opsconsole.settings import *  # noqa: F403\nROOT_URLCONF = "regbench_urls"\n'
SITE_URLS = '''from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("opsconsole.urls"))]
'''


def device_mac(number: int) -> str:
    return f"00:1b:63:{number >> 16 & 0xFF:02x}:{number >> 8 & 0xFF:02x}:{number & 0xFF:02x}"


@contextlib.contextmanager
def postgres_database(prefix: str = "regbench") -> Iterator[str]:
    """A fresh database, dropped (connections and all) on the way out."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def kea_reservations(socket_path: Path) -> set[str]:
    """The hw-addresses of the reservations in Kea's running configuration (`config-get` on its control socket)."""
    with socket.socket(socket.AF_UNIX) as kea:
        kea.settimeout(10)
        kea.connect(str(socket_path))
        kea.sendall(b'{"command": "config-get"}')
        answer = b""
        while chunk := kea.recv(1 << 16):  # Kea closes the connection after its answer
            answer += chunk
    subnets = json.loads(answer)["arguments"]["Dhcp4"].get("subnet4", [])
    return {reservation["hw-address"] for subnet in subnets for reservation in subnet.get("reservations", [])}


def watch_kea(socket_path: Path, expected: set[str], served: dict[str, float], stop: threading.Event) -> None:
    """Record into SERVED when each expected MAC first shows up in Kea's running configuration."""
    # config-get for every MAC, not a DHCP exchange: it times every registration to KEA_POLL_SECONDS, where
    # perfdhcp needs a second or two per MAC; a sample gets a real exchange afterwards (check_leases).
    while not stop.is_set() and len(served) < len(expected):
        present = kea_reservations(socket_path) & expected
        now = time.time()
        for mac in present - served.keys():
            served[mac] = now
        stop.wait(KEA_POLL_SECONDS)


def register(desks: list, jobs: list[tuple[int, str, int]], seconds: float, committed: dict[str, float]) -> float:
    """Each desk posts its share of JOBS (participant, MAC, VLAN) on an even schedule over SECONDS; the commit time of
    each is when its 302 arrives. The browser then follows the redirect, so the participant page is loaded too."""
    started, progress, answers, halt = time.monotonic(), threading.Lock(), [], threading.Event()

    def desk_loop(number: int) -> None:
        desk = desks[number]
        for index in range(number, len(jobs), len(desks)):
            if halt.wait(max(0.0, started + index * seconds / len(jobs) - time.monotonic())):
                return
            participant, mac, vlan = jobs[index]
            path = f"/registration/participants/{participant}/"
            posted = time.time()
            desk.submit(f"{path}devices/", {"mac": mac, "os": "linux", "vlans": str(vlan), "label": "laptop"})
            with progress:
                committed[mac] = time.time()
                answers.append(committed[mac] - posted)
                if len(committed) % max(1, len(jobs) // 10) == 0:
                    print(f"registering {len(committed)}/{len(jobs)} ({time.monotonic() - started:.1f} s)", flush=True)
            desk.page(path)

    with ThreadPoolExecutor(len(desks)) as pool:
        futures = [pool.submit(desk_loop, number) for number in range(len(desks))]
        try:
            for future in futures:
                future.result()
        finally:
            halt.set()  # on a failed desk or Ctrl-C the others stop too, rather than finish their schedule
    print(f"registration POST answered in p50 {percentile(answers, 50):.2f} s p95 {percentile(answers, 95):.2f} s",
          flush=True)
    return time.monotonic() - started


class Load(NamedTuple):
    per_second: float
    server_cpu_ms: float  # the web server's CPU time per request: steadier than the rate on a shared machine


def server_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process PID so far (proc(5): fields 14 and 15 of /proc/PID/stat, in ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(desks: list, paths: list[str], seconds: float, server_pid: int) -> Load:
    """GET PATHS round robin from every desk at once for SECONDS; every answer must be 200."""
    for desk in desks:
        desk.page(paths[0])  # warm up connections and caches
    deadline = time.monotonic() + seconds

    def hammer(number: int) -> int:
        done = 0
        while time.monotonic() < deadline:
            desks[number].page(paths[(number + done) % len(paths)])
            done += 1
        return done

    started, cpu_before = time.monotonic(), server_cpu_seconds(server_pid)
    with ThreadPoolExecutor(len(desks)) as pool:
        total = sum(pool.map(hammer, range(len(desks))))
    elapsed, cpu = time.monotonic() - started, server_cpu_seconds(server_pid) - cpu_before
    return Load(total / elapsed, cpu * 1000 / total)


def percentile(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--registrations", type=int, default=1_000)
    parser.add_argument("--seconds", type=float, default=60, help="spread the registrations over this many seconds")
    parser.add_argument("--search-seconds", type=float, default=10,
                        help="load time on the search page, and again on the bare view")
    parser.add_argument("--search-rounds", type=int, default=5,
                        help="alternate search and bare view this many times, splitting the load time between them")
    parser.add_argument("--desks", type=int, default=DESKS, help="helpdesk sessions registering (and searching) at once")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers (solo pool each; production runs -c 2)")
    parser.add_argument("--quick", action="store_true", help="1,000 participants, 100 registrations in 10 s")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.participants, arguments.registrations, arguments.seconds, arguments.search_seconds = 1_000, 100, 10, 8
        arguments.search_rounds = 4
    assert arguments.registrations <= arguments.participants, "one registration per participant"
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up on kill as on Ctrl-C
    with contextlib.ExitStack() as cleanup:
        directory = Path(tempfile.mkdtemp(prefix="regbench-"))  # short: unix socket paths are limited to 107 bytes
        cleanup.callback(shutil.rmtree, directory, ignore_errors=True)
        figures = run(arguments, directory, cleanup)
        print("stopping and cleaning up", flush=True)
    latencies, missing, search, bare = figures
    never = f" ({missing} of {arguments.registrations} not in Kea within {KEA_WAIT_SECONDS} s)" if missing else ""
    print(f"registration->kea p50 {percentile(latencies, 50):.2f} s p95 {percentile(latencies, 95):.2f} s{never}; "
          f"daphne CPU per request: search {search.server_cpu_ms:.2f} ms vs bare {bare.server_cpu_ms:.2f} ms "
          f"(ratio {bare.server_cpu_ms / search.server_cpu_ms:.2f}); search {search.per_second:.0f} req/s vs bare "
          f"{bare.per_second:.0f} req/s (medians of the rounds), ratio {search.per_second / bare.per_second:.2f}")


def run(arguments: argparse.Namespace, directory: Path, cleanup: contextlib.ExitStack) -> tuple:
    """Set everything up under CLEANUP, run both measurements, return (latencies, missing, search load, bare load)."""
    bench_site(directory, cleanup)
    from django.core.management import call_command
    from django.db import connections

    from opsconsole.celery import app as celery_app
    from tests.e2e.netns import ip, namespaces, veth
    from tests.e2e.stack import Console, Noc, wait_until
    from tests.e2e.test_kea_registration import CLIENT_ADDRESS, SERVER_ADDRESS

    cleanup.callback(connections.close_all)  # before the database is dropped
    print("migrating a fresh PostgreSQL database", flush=True)
    call_command("migrate", verbosity=0)
    console = Console(directory / "console")
    cleanup.callback(console.stop)
    # The processes share this dict: run them as production does (docker-compose.yml), DEBUG off, plain HTTP.
    console.env.update(DEBUG="false", LOG_LEVEL="INFO", SECURE_COOKIES="false", SECURE_SSL_REDIRECT="false")
    celery_app.conf.broker_url = console.redis.url  # before this process queues its first push
    print(f"starting daphne and {arguments.workers} Celery worker(s)", flush=True)
    console.server.start(r"Listening on TCP address")
    for _ in range(arguments.workers):
        console.start_worker()

    server_ns, client_ns = cleanup.enter_context(namespaces("regk", "regc"))
    veth(server_ns, "srv0", client_ns, "cl0")
    ip("-n", server_ns, "addr", "add", SERVER_ADDRESS, "dev", "srv0")
    ip("-n", client_ns, "addr", "add", CLIENT_ADDRESS, "dev", "cl0")
    socket_path = directory / "kea4.sock"
    kea = start_kea(directory, server_ns, socket_path)
    cleanup.callback(kea.stop)
    node, vlan = dhcp_node(directory, socket_path, console.url, cleanup)
    wait_until(lambda: converged(node), 60, f"Kea configured by the agent\n{console.logs()}", pause=0.2)

    participants = load_participants(arguments.participants)
    desks = [Noc(console.url, user, PASSWORD) for user in helpdesk_users(arguments.desks)]
    for desk in desks:
        cleanup.callback(desk.close)
    step = len(participants) // arguments.registrations
    jobs = [(participants[n * step], device_mac(n), vlan) for n in range(arguments.registrations)]
    latencies, missing = registration_latencies(desks, jobs, arguments.seconds, socket_path)
    report_pushes(node)
    check_leases(client_ns, [mac for _participant, mac, _vlan in jobs])

    rounds = arguments.search_rounds
    print(f"search: {len(desks)} sessions for {arguments.search_seconds:.0f} s each on the search page and a bare view, "
          f"in {rounds} alternating rounds", flush=True)
    searches, bares = [], []
    for number in range(1, rounds + 1):
        # Alternating keeps a slow spell of the shared machine from landing on one side only.
        searches.append(load(desks, [f"/registration/?q={query}" for query in SEARCHES], arguments.search_seconds / rounds,
                             console.server.popen.pid))
        bares.append(load(desks, ["/bench/bare/"], arguments.search_seconds / rounds, console.server.popen.pid))
        print(f"round {number}: search page {searches[-1].per_second:.1f} req/s ({searches[-1].server_cpu_ms:.2f} ms "
              f"daphne CPU each), bare view {bares[-1].per_second:.1f} req/s ({bares[-1].server_cpu_ms:.2f} ms), "
              f"ratio {searches[-1].per_second / bares[-1].per_second:.2f}", flush=True)
    return latencies, missing, median_load(searches), median_load(bares)


def median_load(rounds: list[Load]) -> Load:
    return Load(statistics.median(each.per_second for each in rounds),
                statistics.median(each.server_cpu_ms for each in rounds))


def bench_site(directory: Path, cleanup: contextlib.ExitStack, prefix: str = "regbench") -> None:
    """Django set up, for this process and the servers it starts, on a fresh PostgreSQL database (dropped by CLEANUP)
    and the settings plus the bare view written to DIRECTORY/site."""
    database = cleanup.enter_context(postgres_database(prefix))
    (directory / "site").mkdir()
    (directory / "site" / "regbench_settings.py").write_text(SITE_SETTINGS)
    (directory / "site" / "regbench_urls.py").write_text(SITE_URLS)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="regbench_settings", OPSCONSOLE_VAR_DIR=str(directory), DATABASE_URL=database,
        PYTHONPATH=os.pathsep.join(filter(None, [str(directory / "site"), os.environ.get("PYTHONPATH")])),
        CELERY_TASK_ALWAYS_EAGER="false", SECRET_KEY=secrets.token_urlsafe(40), LOG_LEVEL="WARNING",
    )
    sys.path[:0] = [str(directory / "site"), str(REPOSITORY)]
    import django

    django.setup()


def start_kea(directory: Path, namespace: str, socket_path: Path):
    """kea-dhcp4 in NAMESPACE with no subnets, serving srv0; the agent's first push gives it the registration VLAN."""
    from tests.e2e.stack import Process

    etc, run = directory / "etc", directory / "run"
    for path in (etc, run, directory / "leases"):
        path.mkdir()
    (etc / "kea-dhcp4.conf").write_text(json.dumps({"Dhcp4": {
        "interfaces-config": {"interfaces": ["srv0"]},
        "control-socket": {"socket-type": "unix", "socket-name": str(socket_path)},
        "lease-database": {"type": "memfile", "persist": False}}}))
    kea = Process("kea", ["ip", "netns", "exec", namespace, "env", f"KEA_PIDFILE_DIR={run}",
                                f"KEA_LOCKFILE_DIR={run}", "kea-dhcp4", "-c", str(etc / "kea-dhcp4.conf")],
                        directory / "kea.log")
    kea.start(r"DHCP4_STARTED")
    return kea


def dhcp_node(directory: Path, socket_path: Path, console_url: str, cleanup: contextlib.ExitStack) -> tuple:
    """The DHCP node with its production-mode agent (started, stopped by CLEANUP) and the registration VLAN 40 on
    192.0.2.0/24; returns the node and the VLAN's pk."""
    from opsconsole.nodes.local import agent_toml
    from opsconsole.nodes.models import GatewayNode
    from opsconsole.plan.choices import Allocation, Family, PrefixPurpose, Resolver, Scope, Transition
    from opsconsole.plan.models import Prefix, Vlan, VlanFamily
    from opsconsole.registration.models import DhcpService
    from tests.e2e.stack import Process
    from tests.ports import free_port
    from tests.e2e.test_kea_registration import agent_services

    vlan = Vlan.objects.create(vid=40, name="nowep", purpose="registration rush benchmark")
    VlanFamily.objects.create(vlan=vlan, family=Family.IPV4, scope=Scope.GLOBAL, resolver=Resolver.PLAIN,
                              allocation=Allocation.DHCPV4_REGISTRATION, transition=Transition.SA46T)
    Prefix.objects.create(vlan=vlan, network="192.0.2.0/24", purpose=PrefixPurpose.CLIENTS)
    node = GatewayNode(name="dhcp-bench", agent_url=f"http://127.0.0.1:{free_port()}")
    node.issue_credentials()
    node.save()
    # No console_url: the agent sends no heartbeats, as in the end-to-end test; pushes alone drive it.
    toml = agent_toml(node, directory / "agent", console_url="", mode="production")
    (directory / "agent" / "agent.toml").write_text(toml + agent_services(directory / "etc", socket_path))
    agent = Process("agent", [sys.executable, "-m", "gateways.agent", "--config", str(directory / "agent" / "agent.toml")],
                          directory / "agent.log")
    cleanup.callback(agent.stop)
    agent.start(r"listening on")
    print(f"DHCP node with a production agent, Kea in a namespace; console at {console_url}", flush=True)
    DhcpService.objects.create(node=node, interfaces={"40": "srv0"}, control_socket4=str(socket_path),
                               lease_directory=str(directory / "leases"), serve_dhcp6=False)
    return node, vlan.pk


def converged(node) -> bool:
    node.refresh_from_db()
    return node.desired_revision_id is not None and node.applied_revision_id == node.desired_revision_id


def load_participants(count: int) -> list[int]:
    from django.db import connection
    from django.utils import timezone

    from opsconsole.registration.models import Participant

    print(f"loading {count} participants", flush=True)
    ends = timezone.now() + timedelta(days=5)
    people = [
        Participant(name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n // len(FIRST_NAMES) % len(LAST_NAMES)]} {n}",
                    affiliation=AFFILIATIONS[n % len(AFFILIATIONS)], email=f"p{n}@example.org", active_until=ends)
        for n in range(count)
    ]
    for person in people:  # bulk_create skips save(), which fills the search column
        person.search_text = person.searchable_text()
    Participant.objects.bulk_create(people, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does a minute after such a load; the planner needs the figures
    return list(Participant.objects.order_by("pk").values_list("pk", flat=True))


def helpdesk_users(count: int) -> list[str]:
    from opsconsole.accounts.models import Role, User

    names = [f"desk-{number}" for number in range(1, count + 1)]
    for name in names:
        user = User(username=name, role=Role.HELPDESK, email=f"{name}@example.org")
        user.set_password(PASSWORD)
        user.save()
    return names


def registration_latencies(desks: list, jobs: list, seconds: float, socket_path: Path) -> tuple:
    """Seconds from each registration's commit to Kea running with its reservation; and how many never made it."""
    expected = {mac for _participant, mac, _vlan in jobs}
    committed: dict[str, float] = {}
    served: dict[str, float] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=watch_kea, args=(socket_path, expected, served, stop), daemon=True)
    watcher.start()
    try:
        print(f"registering {len(jobs)} devices over {seconds:.0f} s from {len(desks)} helpdesk sessions", flush=True)
        took = register(desks, jobs, seconds, committed)
        print(f"registered {len(committed)} in {took:.1f} s; waiting for Kea", flush=True)
        deadline = time.monotonic() + KEA_WAIT_SECONDS
        while len(served) < len(expected) and time.monotonic() < deadline and watcher.is_alive():
            print(f"waiting for Kea: {len(served)}/{len(expected)} reservations running", flush=True)
            time.sleep(1)
    finally:
        stop.set()
        watcher.join()
    print(f"Kea runs {len(served)}/{len(expected)} of the registrations", flush=True)
    # A reservation seen before its 302 arrived counts as zero: the commit came first, the answer was still on its way.
    latencies = [max(0.0, served[mac] - committed[mac]) for mac in served if mac in committed]
    return latencies, len(expected) - len(latencies)


def report_pushes(node) -> None:
    """How far the console coalesced: revisions recorded against pushes actually sent to the agent."""
    from django.db.models import Count

    by_status = dict(node.pushes.values_list("status").annotate(count=Count("pk")).values_list("status", "count"))
    print(f"revisions recorded: {node.revisions.count()}; pushes sent: {sum(by_status.values())} {by_status}", flush=True)


def check_leases(client_ns: str, macs: list[str]) -> None:
    """A real DORA exchange for a few registered MACs: being in the running configuration means being served."""
    from tests.e2e.test_kea_registration import lease_for

    sample = [macs[0], macs[len(macs) // 2], macs[-1]][:PERFDHCP_SAMPLE]
    leased = sum(lease_for(client_ns, mac) for mac in sample)
    print(f"perfdhcp: {leased}/{len(sample)} sampled registered MACs got a lease", flush=True)
    assert leased == len(sample), "Kea holds a reservation but gave no lease"


if __name__ == "__main__":
    main()
