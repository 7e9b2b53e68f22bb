"""`make run`'s command for real: the demo console comes up with every demo node in sync, and Ctrl-C stops it all."""
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.e2e.netns import entered, namespaces
from tests.ports import free_port

REPOSITORY = Path(__file__).resolve().parents[2]
BROKER_DB = 11  # this test's own Redis database, flushed before and after


def console_env(tmp_path: Path, redis_url: str | None) -> dict:
    env = dict(os.environ, OPSCONSOLE_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/console.sqlite3",
               CHANNEL_PREFIX=f"make-run-test-{os.getpid()}", RECONCILE_SECONDS="1")
    env.pop("REDIS_URL", None)
    return env if redis_url is None else dict(env, REDIS_URL=redis_url)


def test_redis_missing_is_one_plain_line(tmp_path):
    result = subprocess.run([sys.executable, "manage.py", "run_console"], cwd=REPOSITORY, capture_output=True, text=True,
                            env=console_env(tmp_path, "redis://127.0.0.1:1/0"), timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "Redis is not reachable at 127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.stderr


def answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=5)
    except httpx.TransportError:
        return False
    return True


@contextlib.contextmanager
def make_run(tmp_path: Path, env: dict) -> Iterator[tuple[str, str]]:
    """The console started as `make run` starts it; yields its URL and output once it is up, then sends it Ctrl-C and
    checks that no process it started is left."""
    port = free_port()
    log = (tmp_path / "run.log").open("w")
    console = subprocess.Popen([sys.executable, "manage.py", "run_console", "--port", str(port)], cwd=REPOSITORY,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while "Console: " not in (tmp_path / "run.log").read_text():
            assert console.poll() is None, (tmp_path / "run.log").read_text()
            assert time.monotonic() < deadline, "the console did not start"
            time.sleep(0.5)
        # The announcement comes a few seconds after the start; on a loaded machine the web may still be starting.
        while not answers(f"http://127.0.0.1:{port}/login/"):
            assert console.poll() is None, (tmp_path / "run.log").read_text()
            assert time.monotonic() < deadline, "the web process did not answer"
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}", (tmp_path / "run.log").read_text()
    finally:
        console.send_signal(signal.SIGINT)
        console.wait(timeout=30)
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout
    assert leftovers == "", f"processes left running: {leftovers}"


def sign_in(client: httpx.Client, base: str, username: str, password: str) -> None:
    client.get(f"{base}/login/")
    response = client.post(f"{base}/login/", data={"username": username, "password": password,
                                                   "csrfmiddlewaretoken": client.cookies["csrftoken"]})
    assert response.status_code == 302, response.text[:500]


def assert_wide_demo_in_sync(base: str, output: str) -> None:
    assert f"Console: {base}/" in output
    logins = dict(re.findall(r"^\s+\w+\s+(\w+) / (\S+)$", output, re.MULTILINE))
    assert set(logins) == {"noc", "helpdesk", "participant"}

    with httpx.Client(follow_redirects=False, timeout=10) as noc:
        sign_in(noc, base, "noc", logins["noc"])
        assert "widecamp-nowep" in noc.get(f"{base}/plan/").text
        deadline = time.monotonic() + 60
        while True:
            states = re.findall(r'data-state="([\w-]+)"', noc.get(f"{base}/nodes/").text)
            if states and set(states) == {"in-sync"}:
                break
            assert time.monotonic() < deadline, f"nodes not in sync: {states}"
            time.sleep(1)
        assert len(states) == 10  # the WIDE camp's nine transition nodes and the DHCP node, each with its agent

    with httpx.Client(follow_redirects=False, timeout=10) as participant:
        sign_in(participant, base, "participant", logins["participant"])
        assert participant.get(f"{base}/plan/").status_code == 403
        assert participant.get(f"{base}/nodes/").status_code == 403


def assert_the_radius_line_is_accepted(output: str) -> None:
    """The printed radclient line, run as printed, gets an Access-Accept with the demo plan's nowep VLAN."""
    line = re.search(r"^RADIUS MAC authentication, try: (radclient .*)$", output, re.MULTILINE).group(1)
    assert "widecamp-nowep" in line
    answer = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=30).stdout
    assert "Received Access-Accept" in answer, answer
    assert re.search(r"Tunnel-Private-Group-Id:0 = \"103\"", answer), answer


@pytest.mark.e2e
def test_make_run_brings_up_the_wide_demo_in_sync_and_ctrl_c_stops_everything(tmp_path):
    redis_url = f"redis://127.0.0.1:6379/{BROKER_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    try:
        with make_run(tmp_path, console_env(tmp_path, redis_url)) as (base, output):
            assert "private" not in output  # REDIS_URL names a Redis that answers
            assert_wide_demo_in_sync(base, output)
            if shutil.which("freeradius"):
                assert_the_radius_line_is_accepted(output)
    finally:
        redis.Redis.from_url(redis_url).flushdb()


@pytest.mark.e2e
def test_make_run_without_a_redis_runs_a_private_one_and_stops_it(tmp_path):
    # In a fresh namespace nothing answers at the default URL, 127.0.0.1:6379; REDIS_URL is not set.
    with namespaces("makerun") as (namespace,), entered(namespace):
        with make_run(tmp_path, console_env(tmp_path, None)) as (base, output):
            assert "started a private Redis" in output
            pid = int((tmp_path / "redis" / "redis.pid").read_text())
            assert Path(f"/proc/{pid}/comm").read_text().strip() == "redis-server"
            assert_wide_demo_in_sync(base, output)  # web, worker, beat and agents all met through it
        assert not Path(f"/proc/{pid}").exists()


@pytest.mark.e2e
def test_a_private_redis_is_stopped_when_the_console_fails_to_start(tmp_path):
    with namespaces("makerun") as (namespace,):
        result = subprocess.run(["ip", "netns", "exec", namespace, sys.executable, "manage.py", "run_console",
                                 "--plan", "no-such-plan"], cwd=REPOSITORY, env=console_env(tmp_path, None),
                                capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "started a private Redis" in result.stdout
    assert not (tmp_path / "redis" / "redis.pid").exists()
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout
    assert leftovers == "", f"processes left running: {leftovers}"


@pytest.mark.e2e
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_private_redis_is_stopped_on_sigterm_and_sighup_even_while_the_console_starts(tmp_path, signum):
    with namespaces("makerun") as (namespace,):
        log = (tmp_path / "run.log").open("w")
        console = subprocess.Popen(["ip", "netns", "exec", namespace, sys.executable, "manage.py", "run_console"],
                                   cwd=REPOSITORY, env=console_env(tmp_path, None), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while "started a private Redis" not in (tmp_path / "run.log").read_text():
            assert console.poll() is None and time.monotonic() < deadline, (tmp_path / "run.log").read_text()
            time.sleep(0.1)
        pid = int((tmp_path / "redis" / "redis.pid").read_text())
        console.send_signal(signum)
        console.wait(timeout=30)
    assert not Path(f"/proc/{pid}").exists()
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout
    assert leftovers == "", f"processes left running: {leftovers}"
