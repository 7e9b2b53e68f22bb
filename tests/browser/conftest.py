"""Headless Chromium (Debian's, driven by Playwright) against the real ASGI server running on the test database."""
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import sync_playwright

from tests.ports import free_port

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls here are still plain sync code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
REPOSITORY = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def database_url_of_this_test() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextmanager
def daphne(tmp_path, endpoints: list[str], ready: tuple[str, int], env: dict | None = None):
    """Daphne serving the console from the test database on ENDPOINTS (daphne's -e descriptions), once READY
    accepts connections; broadcasts share this test's channel-layer prefix."""
    env = dict(os.environ, DATABASE_URL=database_url_of_this_test(), CELERY_TASK_ALWAYS_EAGER="true",
               CHANNEL_PREFIX=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"], DEBUG="true", **(env or {}))
    log = (tmp_path / "daphne.log").open("wb")
    arguments = [argument for endpoint in endpoints for argument in ("-e", endpoint)]
    server = subprocess.Popen([sys.executable, "-m", "daphne", *arguments, "opsconsole.asgi:application"],
                              cwd=REPOSITORY, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(ready, timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "daphne.log").read_text()
                assert time.monotonic() < deadline, "daphne did not start"
                time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def asgi_server(transactional_db, tmp_path):
    port = free_port()
    with daphne(tmp_path, [f"tcp:port={port}:interface=127.0.0.1"], ("127.0.0.1", port)):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def chromium():
    # Module scope: Playwright's sync API runs an event loop in this thread, which must be gone again before
    # this worker reaches the async (Channels) tests in other modules.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
