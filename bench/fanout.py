"""Fan-out benchmark: seconds from one committed change to 100 agents running it, against a signed no-op to all 100,
then the same change with 5 agents black-holed: how long the healthy ones take.

Run as root: .venv/bin/python bench/fanout.py [--agents N] [--workers N] [--black-holed N]
Everything is throwaway: a SQLite database and agent directories under a temporary directory, a Redis database
number of its own, daphne, Celery workers and beat and the agents as child processes, and an nftables table that
drops the black-holed agents' packets, all removed at the end.
"""
import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
PREFIXES = ("2001:db8:64::/96", "2001:db8:46::/96", "2001:db8:47::/96")
PING_THREADS = 8


def applied_at(log: str, content_hash: str) -> float | None:
    """When an agent's log says it applied CONTENT_HASH, as a Unix time (the log stamps local time to the ms)."""
    for line in log.splitlines():
        if f"({content_hash}): applied" in line:
            return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (solo pool each)")
    parser.add_argument("--black-holed", type=int, default=5, help="agents whose port drops every packet")
    arguments = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="fanout-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="opsconsole.settings", OPSCONSOLE_VAR_DIR=str(directory),
        DATABASE_URL=f"sqlite:///{directory / 'bench.sqlite3'}?transaction_mode=IMMEDIATE&timeout=30",
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.core.management import call_command

    from tests.e2e.stack import Console

    call_command("migrate", verbosity=0)
    from opsconsole.celery import app as celery_app

    console = Console(directory / "console")
    celery_app.conf.broker_url = console.redis.url  # before this process queues its first push
    agents = []
    black_hole = BlackHole()
    try:
        console.server.start(r"Listening on TCP address")
        for _ in range(arguments.workers):
            console.start_worker()
        console.beat.start(r"beat: Starting")  # reconcile retries what an agent did not answer, as in production
        start_agents(directory, arguments.agents, agents)
        fanout = change_every_node(agents, PREFIXES[1])
        baseline = ping_every_agent(agents)
        # Spread over the list, so their pushes are queued among the healthy ones'.
        dropped = agents[::len(agents) // arguments.black_holed][:arguments.black_holed]
        black_hole.drop([agent.node.agent_url.rsplit(":", 1)[1] for agent in dropped])
        healthy = [agent for agent in agents if agent not in dropped]
        with_black_holes = change_every_node(agents, PREFIXES[2], waiting_for=healthy)
    finally:
        black_hole.remove()
        for agent in agents:
            agent.stop()
        console.stop()
        shutil.rmtree(directory, ignore_errors=True)
    print(f"agents: {arguments.agents}, Celery workers: {arguments.workers}")
    print(f"plan change, commit -> every agent runs the new hash: {fanout:.3f} s")
    print(f"signed no-op POST /v1/ping to every agent ({PING_THREADS} threads): {baseline:.3f} s")
    print(f"fan-out / no-op ratio: {fanout / baseline:.1f}")
    print(f"plan change with {len(dropped)} agents black-holed, commit -> the {len(healthy)} healthy agents run "
          f"the new hash: {with_black_holes:.3f} s")
    print(f"healthy agents' convergence with {len(dropped)} black-holed / without: {with_black_holes / fanout:.1f}")


class BlackHole:
    """An nftables table of this process's own that silently drops packets to some loopback TCP ports."""

    def __init__(self) -> None:
        self.table = f"opsconsole_fanout_{os.getpid()}"
        self.created = False

    def drop(self, ports: list[str]) -> None:
        rules = (f"table inet {self.table} {{\n chain input {{\n  type filter hook input priority -10;\n"
                 f"  iif lo tcp dport {{ {', '.join(ports)} }} drop\n }}\n}}\n")
        subprocess.run(["nft", "-f", "-"], input=rules, text=True, check=True)
        self.created = True

    def remove(self) -> None:
        if self.created:
            subprocess.run(["nft", "delete", "table", "inet", self.table], check=False)
            self.created = False


def start_agents(directory: Path, count: int, agents: list) -> None:
    """COUNT nodes with sandbox agents (no heartbeat) into AGENTS, started in parallel, each converged on a DNS64
    role; the caller stops whatever is in AGENTS, also when this fails half way."""
    from opsconsole.nodes.models import GatewayNode
    from opsconsole.transition.models import Dns64Role
    from tests.e2e.stack import NodeAgent, wait_until
    from tests.ports import free_port

    ports: set[int] = set()
    while len(ports) < count:  # the system may hand the same free port out twice
        ports.add(free_port())
    for number, port in enumerate(sorted(ports), start=1):
        node = GatewayNode(name=f"bench-{number:03}", agent_url=f"http://127.0.0.1:{port}")
        node.issue_credentials()
        node.save()
        (directory / node.name).mkdir()
        agents.append(NodeAgent(node, directory / node.name, console_url=""))
    offsets = [agent.process.launch() for agent in agents]
    for agent, offset in zip(agents, offsets):
        agent.process.wait_ready(NodeAgent.READY, offset, timeout=120)
    for agent in agents:
        Dns64Role.objects.create(node=agent.node, implementation="unbound", prefix=PREFIXES[0], listen="::1",
                                 dnssec_validation=False)
    wait_until(lambda: applied_times(agents, PREFIXES[0]), 300, "every agent applied its first revision", pause=0.5)


def applied_times(agents: list, prefix: str) -> list[float] | None:
    """When each agent applied the revision whose DNS64 prefix is PREFIX, once every node has one and all applied."""
    times = []
    for agent in agents:
        agent.node.refresh_from_db()
        desired = agent.node.desired_revision
        if agent.node.rebuild_requested_at is not None or desired is None:
            return None  # the change is not yet a revision: the worker rebuilds intents after the commit
        if desired.intent["roles"]["dns64"]["prefix"] != prefix:
            return None
        times.append(applied_at(agent.process.log(), desired.content_hash))
    return times if all(times) else None


def change_every_node(agents: list, prefix: str, waiting_for: list | None = None) -> float:
    """One transaction changes every node's DNS64 prefix to PREFIX; seconds from its commit to the last apply
    among WAITING_FOR (every agent by default)."""
    from django.db import transaction

    from opsconsole.transition.models import Dns64Role
    from tests.e2e.stack import wait_until

    committed: list[float] = []
    with transaction.atomic():
        # Registered first, so it runs before the revisions are built and their pushes queued.
        transaction.on_commit(lambda: committed.append(time.time()))
        for role in Dns64Role.objects.all():
            role.prefix = prefix
            role.save()
    applied = wait_until(lambda: applied_times(waiting_for or agents, prefix), 300, "every agent applied the change",
                         pause=0.5)
    return max(applied) - committed[0]


def ping_every_agent(agents: list) -> float:
    """Seconds for a signed POST /v1/ping to reach every agent and come back with its hash."""
    started = time.monotonic()
    with ThreadPoolExecutor(PING_THREADS) as pool:
        replies = list(pool.map(lambda agent: agent.signed_post("/v1/ping"), agents))
    elapsed = time.monotonic() - started
    assert all(reply.status_code == 200 and reply.json()["hash"] for reply in replies), "a ping failed"
    return elapsed


if __name__ == "__main__":
    main()
