"""A registration rush, half through the helpdesk pages and half through the REST API, while everything behind the
console fails once: the Celery worker is killed, Redis restarts, one agent stops and another is black-holed,
PostgreSQL drops every connection. Afterwards each registration is stored once, every node runs its newest revision,
and the real Kea and FreeRADIUS serve every MAC. A client that got an error was told to retry (503 with Retry-After),
and its retry was accepted."""
import contextlib
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg
import pytest
from django.db import connections
from django.utils import timezone

from bench.fanout import BlackHole
from bench.registration import device_mac, kea_reservations, start_kea
from gateways.agentconfig import kea_service
from opsconsole.accounts.models import Role, User
from opsconsole.api.models import ApiToken
from opsconsole.plan.models import Vlan
from opsconsole.radius.models import Nas
from opsconsole.registration.models import Device, DhcpService, Participant
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import new_node
from tests.e2e.netns import ip, namespaces, veth
from tests.e2e.stack import Console, NodeAgent, Noc, PrivateRedis, converged, database_url, wait_until
from tests.e2e.test_kea_registration import CLIENT_ADDRESS, SERVER_ADDRESS, lease_for
from tests.freeradius import radclient, running_freeradius
from tests.registration.conftest import nowep_vlan  # noqa: F401  (the registration VLAN 40, 192.0.2.0/24)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REGISTRATIONS = 1_000
DESKS = 8  # every other one a page session, the rest API scripts
RETRIES = 20
CONVERGE_SECONDS = 180
RADIUS_SAMPLE = 100
RADIUS_CLIENTS = 4  # access points asking at once
NAS_ID, NAS_SECRET = 9301, "rush-ap-secret"
BSSID, SSID = "02-00-5E-10-00-13", "widecamp-nowep"


@dataclass
class Outcome:
    """Every answer one registration got, in order."""
    answers: list[str] = field(default_factory=list)
    accepted: bool = False


class PageDesk:
    """A helpdesk session registering with the participant page's form, CSRF token and all, as the browser does."""

    def __init__(self, console_url: str, user: User, vlan: Vlan) -> None:
        self.noc, self.vlan = Noc(console_url, user.username, PASSWORD), vlan

    def register(self, participant: int, mac: str) -> httpx.Response:
        return self.noc.client.post(f"/registration/participants/{participant}/devices/", data={
            "mac": mac, "os": "linux", "vlans": str(self.vlan.pk), "label": "laptop",
            "csrfmiddlewaretoken": self.noc.client.cookies["csrftoken"]})

    @staticmethod
    def accepted(response: httpx.Response) -> bool:
        return response.status_code == 302

    def close(self) -> None:
        self.noc.close()


class ApiDesk:
    """A helpdesk script registering through the REST API with its owner's personal token."""

    def __init__(self, console_url: str, user: User, vlan: Vlan) -> None:
        token = ApiToken.issue(user, "rush script")[1]
        self.client = httpx.Client(base_url=console_url, timeout=30, headers={"Authorization": f"Bearer {token}"})
        self.vlan = vlan

    def register(self, participant: int, mac: str) -> httpx.Response:
        return self.client.post("/api/v1/devices/", json={
            "participant": participant, "mac": mac, "os": "linux", "vlans": [self.vlan.vid], "label": "laptop"})

    @staticmethod
    def accepted(response: httpx.Response) -> bool:
        return response.status_code in (200, 201)  # 200: a retry answered with the device the first try stored

    def close(self) -> None:
        self.client.close()


def register_until_accepted(desk: PageDesk | ApiDesk, job: tuple[int, str], outcome: Outcome) -> None:
    """Send the registration; on a 503 wait as long as Retry-After says and send the same request again."""
    for _attempt in range(RETRIES):
        try:
            response = desk.register(*job)
        except httpx.TransportError as error:
            outcome.answers.append(f"{type(error).__name__}: {error}")
            return
        if desk.accepted(response):
            outcome.answers.append(str(response.status_code))
            outcome.accepted = True
            return
        retry_after = response.headers.get("Retry-After", "")
        outcome.answers.append(f"{response.status_code} Retry-After={retry_after!r} {response.text[:200]!r}")
        if response.status_code != 503 or not retry_after.isdigit():
            return
        time.sleep(int(retry_after))


@dataclass
class Fault:
    after: int  # registrations accepted before it strikes
    name: str
    strike: Callable[[], None]


def sabotage(faults: list[Fault], progress: Callable[[], int], done: threading.Event, struck: list[str]) -> None:
    for fault in faults:
        while progress() < fault.after and not done.is_set():
            time.sleep(0.05)
        fault.strike()
        struck.append(f"{fault.name} at {progress()}")


class Phases:
    """How long each part of the test took, printed at its end: where a slow run spends its time."""

    def __init__(self) -> None:
        self.started, self.seconds = time.monotonic(), []

    def done(self, name: str) -> None:
        self.seconds.append((name, time.monotonic() - self.started - sum(took for _name, took in self.seconds)))

    def __str__(self) -> str:
        return "; ".join(f"{name}: {took:.0f} s" for name, took in self.seconds)


def drop_database_connections() -> int:
    """pg_terminate_backend for every other connection to the test database, and to no other database."""
    with psycopg.connect(database_url(), autocommit=True) as admin:
        return admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]


def agent_port(agent: NodeAgent) -> int:
    return httpx.URL(agent.node.agent_url).port


def participants(count: int) -> list[int]:
    ends = timezone.now() + timedelta(days=3)
    people = [Participant(name=f"Rush Person {n}", affiliation="WIDE", email=f"rush{n}@example.org", active_until=ends)
              for n in range(count)]
    for person in people:  # bulk_create skips save(), which fills the search column
        person.search_text = person.searchable_text()
    Participant.objects.bulk_create(people)
    return list(Participant.objects.order_by("pk").values_list("pk", flat=True))


def test_a_rush_through_every_fault_loses_and_duplicates_nothing(nowep_vlan, tmp_path):  # noqa: F811
    directory = Path(tempfile.mkdtemp(prefix="rush-"))  # short: unix socket paths are limited to 107 bytes
    (directory / "redis").mkdir()
    nas = Nas(pk=NAS_ID, name="rush ap", address="127.0.0.1")
    nas.set_secret(NAS_SECRET)
    nas.save()
    nas.ssids.set(nowep_vlan.ssids.all())
    phases = Phases()
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, directory, ignore_errors=True)
        console = Console(tmp_path / "console", PrivateRedis(directory / "redis"))
        cleanup.callback(console.stop)
        console.start()

        server_ns, client_ns = cleanup.enter_context(namespaces("rushk", "rushc"))
        veth(server_ns, "srv0", client_ns, "cl0")
        ip("-n", server_ns, "addr", "add", SERVER_ADDRESS, "dev", "srv0")
        ip("-n", client_ns, "addr", "add", CLIENT_ADDRESS, "dev", "cl0")
        socket_path = directory / "kea4.sock"
        cleanup.callback(start_kea(directory, server_ns, socket_path).stop)
        kea = kea_service(directory / "etc", str(socket_path))
        agents = {}
        for name, mode, services in [
            ("rush-kea", "production", {"kea": {"directory": str(directory / "etc"), "reload": kea.reload,
                                                "health": kea.health, "teardown": kea.teardown}}),
            ("rush-stopped", "sandbox", None), ("rush-holed", "sandbox", None),
        ]:
            node = new_node(name)
            (tmp_path / name).mkdir()
            agent = agents[name] = NodeAgent(node, tmp_path / name, console.url, mode, services)
            cleanup.callback(agent.stop)
            agent.start()
            DhcpService.objects.create(node=node, interfaces={"40": "srv0"}, serve_dhcp6=False,
                                       control_socket4=str(socket_path if name == "rush-kea" else directory / name),
                                       lease_directory=str(directory / "leases"))
        for name, agent in agents.items():
            wait_until(lambda: converged(agent.node, agent), CONVERGE_SECONDS, f"{name} configured\n{console.logs()}",
                       pause=0.3)
        radius = cleanup.enter_context(running_freeradius([{"id": NAS_ID, "name": "rush ap", "address": "127.0.0.1"}],
                                                          {NAS_ID: NAS_SECRET}))
        hole = BlackHole()
        cleanup.callback(hole.remove)

        people = participants(REGISTRATIONS)
        jobs = [(people[n], device_mac(0x1300 + n)) for n in range(REGISTRATIONS)]
        desks = [(PageDesk, ApiDesk)[n % 2](console.url, make_user(f"rush-desk-{n}", Role.HELPDESK), nowep_vlan)
                 for n in range(DESKS)]
        for desk in desks:
            cleanup.callback(desk.close)
        outcomes = {mac: Outcome() for _participant, mac in jobs}
        phases.done("console, Kea, agents and FreeRADIUS started and converged; participants and desks made")

        def replace_worker() -> None:
            console.worker.kill()
            console.start_worker()

        faults = [
            Fault(100, "Celery worker killed and replaced", replace_worker),
            Fault(250, "Redis restarted", console.redis.restart),
            Fault(400, "agent stopped", agents["rush-stopped"].stop),
            Fault(450, "agent black-holed", lambda: hole.drop([str(agent_port(agents["rush-holed"]))])),
            Fault(550, "PostgreSQL connections dropped", drop_database_connections),
            Fault(800, "PostgreSQL connections dropped again", drop_database_connections),
        ]
        struck: list[str] = []
        done = threading.Event()

        def progress() -> int:
            return sum(outcome.accepted for outcome in outcomes.values())

        def desk_loop(number: int) -> None:
            for job in jobs[number::DESKS]:
                register_until_accepted(desks[number], job, outcomes[job[1]])

        saboteur = threading.Thread(target=sabotage, args=(faults, progress, done, struck), daemon=True)
        saboteur.start()
        with ThreadPoolExecutor(DESKS) as pool:
            list(pool.map(desk_loop, range(DESKS)))
        done.set()
        saboteur.join(timeout=60)
        phases.done("rush")
        connections.close_all()  # this process's connection was dropped with the others

        agents["rush-stopped"].start()
        hole.remove()
        retried = {mac: outcome.answers for mac, outcome in outcomes.items() if len(outcome.answers) > 1}
        retried_by = Counter(type(desks[n % DESKS]).__name__ for n, (_person, mac) in enumerate(jobs) if mac in retried)
        print(f"{REGISTRATIONS} registrations from {DESKS} desks; told to retry: {dict(retried_by)}; "
              f"faults: {'; '.join(struck)}; {phases}")

        assert [entry.rsplit(" at ", 1)[0] for entry in struck] == [fault.name for fault in faults], struck
        assert {mac: outcome.answers for mac, outcome in outcomes.items() if not outcome.accepted} == {}
        for answers in retried.values():
            assert all(answer.startswith("503 Retry-After='5' 'The console lost its database or queue for a moment.")
                       for answer in answers[:-1]), answers
        stored = list(Device.objects.values_list("mac", "participant_id"))
        assert sorted(stored) == sorted((mac, participant) for participant, mac in jobs)

        for name, agent in agents.items():
            wait_until(lambda: converged(agent.node, agent), CONVERGE_SECONDS,
                       f"{name} runs its newest revision\n{agent.process.log()[-2000:]}\n{console.logs()}", pause=0.2)
        phases.done("every node converged after the rush")
        macs = [mac for _participant, mac in jobs]
        assert set(macs) - kea_reservations(socket_path) == set()
        for mac in (macs[0], macs[-1]):
            assert lease_for(client_ns, mac), f"Kea gave {mac} no lease"

        def radius_answer(mac: str) -> str:
            return radclient("127.0.0.1", radius.port, NAS_SECRET, {
                "User-Name": mac, "Calling-Station-Id": mac, "Called-Station-Id": f"{BSSID}:{SSID}"}).code

        sample = macs[::REGISTRATIONS // RADIUS_SAMPLE]
        with ThreadPoolExecutor(RADIUS_CLIENTS) as pool:
            answers = dict(zip(sample, pool.map(radius_answer, sample)))
        assert {mac: code for mac, code in answers.items() if code != "Access-Accept"} == {}, "\n".join(radius.log[-40:])
        phases.done("Kea and FreeRADIUS checked")
    phases.done("stopped")
    print(phases)
