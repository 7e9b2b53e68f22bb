"""`make run`'s command for real: the demo console comes up with every demo node in sync, and Ctrl-C stops it all."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis

from tests.ports import free_port

REPOSITORY = Path(__file__).resolve().parents[2]
BROKER_DB = 11  # this test's own Redis database, flushed before and after


def console_env(tmp_path: Path, redis_url: str) -> dict:
    return dict(os.environ, OPSCONSOLE_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/console.sqlite3",
                REDIS_URL=redis_url, CHANNEL_PREFIX=f"make-run-test-{os.getpid()}", RECONCILE_SECONDS="1")


def test_redis_missing_is_one_plain_line(tmp_path):
    result = subprocess.run([sys.executable, "manage.py", "run_console"], cwd=REPOSITORY, capture_output=True, text=True,
                            env=console_env(tmp_path, "redis://127.0.0.1:1/0"), timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "Redis is not reachable at 127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.stderr


def sign_in(client: httpx.Client, base: str, username: str, password: str) -> None:
    client.get(f"{base}/login/")
    response = client.post(f"{base}/login/", data={"username": username, "password": password,
                                                   "csrfmiddlewaretoken": client.cookies["csrftoken"]})
    assert response.status_code == 302, response.text[:500]


@pytest.mark.e2e
def test_make_run_brings_up_the_wide_demo_in_sync_and_ctrl_c_stops_everything(tmp_path):
    redis_url = f"redis://127.0.0.1:6379/{BROKER_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    port = free_port()
    log = (tmp_path / "run.log").open("w")
    console = subprocess.Popen([sys.executable, "manage.py", "run_console", "--port", str(port)], cwd=REPOSITORY,
                               env=console_env(tmp_path, redis_url), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while "Console: " not in (tmp_path / "run.log").read_text():
            assert console.poll() is None, (tmp_path / "run.log").read_text()
            assert time.monotonic() < deadline, "the console did not start"
            time.sleep(0.5)
        output = (tmp_path / "run.log").read_text()
        assert f"Console: {base}/" in output
        logins = dict(re.findall(r"^\s+\w+\s+(\w+) / (\S+)$", output, re.MULTILINE))
        assert set(logins) == {"noc", "helpdesk", "participant"}

        with httpx.Client(follow_redirects=False, timeout=10) as noc:
            sign_in(noc, base, "noc", logins["noc"])
            assert "widecamp-nowep" in noc.get(f"{base}/plan/").text
            while True:
                states = re.findall(r'data-state="([\w-]+)"', noc.get(f"{base}/nodes/").text)
                if states and set(states) == {"in-sync"}:
                    break
                assert time.monotonic() < deadline + 60, f"nodes not in sync: {states}"
                time.sleep(1)
            assert len(states) == 10  # the WIDE camp's nine transition nodes and the DHCP node, each with its agent

        with httpx.Client(follow_redirects=False, timeout=10) as participant:
            sign_in(participant, base, "participant", logins["participant"])
            assert participant.get(f"{base}/plan/").status_code == 403
            assert participant.get(f"{base}/nodes/").status_code == 403
    finally:
        console.send_signal(signal.SIGINT)
        console.wait(timeout=30)
        redis.Redis.from_url(redis_url).flushdb()
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout
    assert leftovers == "", f"processes left running: {leftovers}"
