"""The console as it runs in production, for end-to-end tests: daphne, a Celery worker and beat, real agents."""
import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import redis
from django.db import connection

from gateways.signing import sign_request
from opsconsole.nodes.local import HEARTBEAT_SECONDS, agent_toml
from opsconsole.nodes.models import GatewayNode
from tests.ports import free_port

REPOSITORY = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Databases 0 and 1 are left to development and the channel layer of the other tests.
E2E_REDIS_DATABASES = range(2, 16)
CLAIM_KEY = "opsconsole-e2e-claim"
CLAIM_SECONDS = 900
HEARTBEAT_TEST_SECONDS = 1


def wait_until(check: Callable[[], Any], timeout: float, what: str, pause: float = 0.1) -> Any:
    """Poll `check` until it returns something truthy; fail saying `what` did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"within {timeout} s: {what}")
        time.sleep(pause)


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        # Several processes write: take the write lock when a transaction starts, and wait for it, instead of
        # failing at once with "database is locked" when a reading transaction turns into a writing one.
        return f"sqlite:///{db['NAME']}?transaction_mode=IMMEDIATE&timeout=20"
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class RedisDatabase:
    """One Redis database number held by this test alone, claimed with a key inside it."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        for number in E2E_REDIS_DATABASES:
            client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number)
            if client.set(CLAIM_KEY, self.token, nx=True, ex=CLAIM_SECONDS):
                self.number, self.client = number, client
                return
            client.close()
        raise AssertionError("every Redis database set aside for end-to-end runs is claimed")

    @property
    def url(self) -> str:
        return f"redis://{REDIS_HOST}:{REDIS_PORT}/{self.number}"

    def flush(self) -> None:
        """FLUSHDB on this database only, keeping the claim."""
        self.client.flushdb()
        self.client.set(CLAIM_KEY, self.token, ex=CLAIM_SECONDS)

    def release(self) -> None:
        self.client.flushdb()
        self.client.close()


class PrivateRedis:
    """A redis-server of its own on a free port, for a test that restarts Redis; no persistence, so a restart empties
    it as a crash does."""

    def __init__(self, directory: Path) -> None:
        self.token, self.port = secrets.token_hex(8), free_port()
        self.process = Process("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                                         "--appendonly", "no", "--dir", str(directory)], directory / "redis.log")
        self.process.start(r"Ready to accept connections")
        self.client = redis.Redis(host="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def restart(self) -> None:
        self.process.kill()
        self.process.start(r"Ready to accept connections")

    def release(self) -> None:
        self.client.close()
        self.process.stop()


class Process:
    """A child process in its own session, logging to a file, stopped with its whole group."""

    def __init__(self, name: str, argv: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.name, self.argv, self.log_path, self.env = name, argv, log, env
        self.popen: subprocess.Popen | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self, ready: str, timeout: float = 30) -> None:
        self.wait_ready(ready, self.launch(), timeout)

    def launch(self) -> int:
        """Start without waiting; returns where this run's log begins."""
        offset = len(self.log())
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(self.argv, cwd=REPOSITORY, env=self.env, stdout=log, stderr=log,
                                          stdin=subprocess.DEVNULL, start_new_session=True)
        return offset

    def wait_ready(self, ready: str, offset: int = 0, timeout: float = 30) -> None:
        wait_until(lambda: self._started(ready, offset), timeout, f"{self.name} ready")

    def _started(self, ready: str, offset: int) -> bool:
        assert self.popen.poll() is None, f"{self.name} exited:\n{self.log()[-3000:]}"
        return re.search(ready, self.log()[offset:]) is not None

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self, how: int = signal.SIGKILL) -> None:
        if self.running:
            os.killpg(self.popen.pid, how)
            self.popen.wait(timeout=15)

    def stop(self) -> None:
        if not self.running:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


class Console:
    """daphne, a Celery worker and beat on the test database and a Redis database of their own."""

    def __init__(self, directory: Path, redis_database: "RedisDatabase | PrivateRedis | None" = None) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.redis = redis_database or RedisDatabase()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ, DATABASE_URL=database_url(), CELERY_TASK_ALWAYS_EAGER="false", DEBUG="true",
            REDIS_URL=self.redis.url, CELERY_BROKER_URL=self.redis.url, RECONCILE_SECONDS="1",
            CHANNEL_PREFIX=f"e2e-{self.redis.token}",
        )
        self.server = Process("daphne", [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
                                         "opsconsole.asgi:application"], directory / "daphne.log", self.env)
        self.beat = Process("beat", [sys.executable, "-m", "celery", "-A", "opsconsole", "beat", "-l", "INFO",
                                     "-s", str(directory / "beat-schedule"), "--pidfile", str(directory / "beat.pid")],
                            directory / "beat.log", self.env)
        self.workers: list[Process] = []

    def start(self) -> None:
        self.server.start(r"Listening on TCP address")
        self.start_worker()
        self.beat.start(r"beat: Starting")

    def start_worker(self) -> Process:
        number = len(self.workers) + 1
        worker = Process(f"worker {number}", [
            sys.executable, "-m", "celery", "-A", "opsconsole", "worker", "-P", "solo", "-l", "INFO",
            "-n", f"e2e-{self.redis.token}-{number}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat",
        ], self.directory / f"worker-{number}.log", self.env)
        self.workers.append(worker)
        worker.start(r"\bready\.")
        return worker

    @property
    def worker(self) -> Process:
        return self.workers[-1]

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.log()[-4000:]}" for p in [self.server, self.beat, *self.workers])

    def stop(self) -> None:
        for process in [self.beat, *self.workers, self.server]:
            process.stop()
        self.redis.release()


@contextlib.contextmanager
def web_process(directory: Path, **env: str) -> Iterator[Console]:
    """daphne alone (no worker, no beat), with ENV added to its environment; stopped on the way out."""
    console = Console(directory)
    console.env.update(env)
    try:
        console.server.start(r"Listening on TCP address", timeout=90)
        yield console
    finally:
        console.stop()


class Noc:
    """A NOC operator's browser session: signs in with the login form and posts forms with the CSRF token."""

    def __init__(self, console_url: str, username: str, password: str) -> None:
        self.client = httpx.Client(base_url=console_url, timeout=30)
        self.client.get("/login/").raise_for_status()
        signed_in = self.client.post("/login/", data={"username": username, "password": password,
                                                      "csrfmiddlewaretoken": self.client.cookies["csrftoken"]})
        assert signed_in.status_code == 302, signed_in.text[:2000]

    def page(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, f"GET {path}: HTTP {response.status_code}\n{response.text[:3000]}"
        return response.text

    def submit(self, path: str, fields: dict[str, str]) -> None:
        """POST a form the way the browser does (unticked checkboxes are left out); it must be accepted."""
        data = {key: value for key, value in fields.items() if value is not False}
        data["csrfmiddlewaretoken"] = self.client.cookies["csrftoken"]
        response = self.client.post(path, data=data)
        assert response.status_code == 302, f"POST {path}: HTTP {response.status_code}\n{response.text[:3000]}"

    def close(self) -> None:
        self.client.close()


class NodeAgent:
    """The real agent for a node, configured with `agent_toml` plus test overrides, on loopback."""

    def __init__(self, node: GatewayNode, directory: Path, console_url: str, mode: str = "sandbox",
                 services: dict[str, dict[str, str]] | None = None, stats: dict[str, str] | None = None) -> None:
        self.node, self.directory = node, directory
        toml = agent_toml(node, directory, console_url, mode)
        toml = toml.replace(f"heartbeat_interval = {HEARTBEAT_SECONDS}\n",
                            f"heartbeat_interval = {HEARTBEAT_TEST_SECONDS}\n")
        tables = {f"services.{service}": settings for service, settings in (services or {}).items()}
        for name, settings in (tables | ({"stats": stats} if stats else {})).items():
            toml += f"\n[{name}]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
        (directory / "agent.toml").write_text(toml)
        self.process = Process(f"agent {node.name}", [sys.executable, "-m", "gateways.agent", "--config",
                                                      str(directory / "agent.toml")], directory / "agent.log")

    READY = r"listening on"

    def start(self) -> None:
        self.process.start(self.READY)

    def stop(self) -> None:
        self.process.stop()

    def signed_post(self, endpoint: str, body: bytes = b"{}", revision: int = 0, content_hash: str = "",
                    secret: bytes | None = None, timestamp: int | None = None) -> httpx.Response:
        headers = sign_request(secret or self.node.push_secret, "POST", endpoint, self.node.name, revision,
                               content_hash, int(time.time()) if timestamp is None else timestamp, body)
        return httpx.post(f"{self.node.agent_url}{endpoint}", content=body, headers=headers, timeout=30)

    def running_hash(self) -> str:
        return self.signed_post("/v1/status").json()["hash"]


def converged(node: GatewayNode, agent: NodeAgent) -> bool:
    """No change waits to be rebuilt, the console records the desired revision as applied, the agent runs its hash."""
    node.refresh_from_db()
    return (node.rebuild_requested_at is None and node.desired_revision_id is not None
            and node.applied_revision_id == node.desired_revision_id
            and agent.running_hash() == node.desired_revision.content_hash)
