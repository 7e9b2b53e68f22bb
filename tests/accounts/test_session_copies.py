"""A web process keeps each session it has read for FRESH_SECONDS instead of reading Redis on every page, and a
session that ends stops working at once in the process that ended it, within FRESH_SECONDS in any other."""
import threading
import time

import httpx
import pytest
from django.contrib.sessions.models import Session

from opsconsole.accounts.sessions import SessionStore
from opsconsole.accounts.signed_in import FRESH_SECONDS
from tests.conftest import PASSWORD
from tests.e2e.stack import Noc, web_process

PAGES = 20


@pytest.fixture
def web(tmp_path):
    with web_process(tmp_path / "console") as console:
        yield console


class RedisCommands:
    """Every command Redis runs on database NUMBER while the block runs (MONITOR, from a connection of its own)."""

    def __init__(self, client, number: int) -> None:
        self.client, self.number, self.seen = client, number, []
        self.ready, self.done = threading.Event(), threading.Event()
        self.watcher = threading.Thread(target=self.watch)

    def watch(self) -> None:
        with self.client.monitor() as monitor:
            self.ready.set()
            for command in monitor.listen():
                if command["db"] == self.number:
                    self.seen.append(command["command"])
                if self.done.is_set() and "stop-watching" in command["command"]:
                    return

    def __enter__(self) -> "RedisCommands":
        self.watcher.start()
        self.ready.wait(5)
        return self

    def __exit__(self, *exc_info) -> None:
        self.done.set()
        self.client.get("stop-watching")
        self.watcher.join(timeout=10)


def signed_in_copy(web, noc: Noc) -> httpx.Client:
    """A second browser holding the same session cookie, as one that copied it would."""
    return httpx.Client(base_url=web.url, cookies={"sessionid": noc.client.cookies["sessionid"]}, timeout=30)


@pytest.mark.django_db(transaction=True)
def test_pages_in_quick_succession_read_their_session_from_redis_once(web, helpdesk_user):
    desk = Noc(web.url, helpdesk_user.username, PASSWORD)
    session_key = desk.client.cookies["sessionid"]
    try:
        with RedisCommands(web.redis.client, web.redis.number) as redis_commands:
            started = time.monotonic()
            for number in range(PAGES):
                assert "Helpdesk" in desk.page(f"/registration/?q=person{number}")
            elapsed = time.monotonic() - started
    finally:
        desk.close()
    session_reads = [command for command in redis_commands.seen
                     if command.startswith("GET") and session_key in command]
    assert elapsed < FRESH_SECONDS, f"{PAGES} pages took {elapsed:.1f} s: too slow for this test to mean anything"
    assert len(session_reads) == 1, session_reads


@pytest.mark.django_db(transaction=True)
def test_signing_out_ends_the_session_at_once_for_every_copy_of_its_cookie(web, helpdesk_user):
    desk = Noc(web.url, helpdesk_user.username, PASSWORD)
    copied = signed_in_copy(web, desk)
    try:
        assert copied.get("/registration/").status_code == 200  # read, and now kept by the web process
        signed_out = desk.client.post("/logout/", data={"csrfmiddlewaretoken": desk.client.cookies["csrftoken"]})
        assert signed_out.status_code == 302

        refused = copied.get("/registration/")
    finally:
        copied.close()
        desk.close()
    assert refused.status_code == 302 and refused.headers["location"].startswith("/login/")


@pytest.mark.django_db(transaction=True)
def test_a_session_ended_by_another_process_stops_working_within_the_fresh_time(web, helpdesk_user):
    desk = Noc(web.url, helpdesk_user.username, PASSWORD)
    session_key = desk.client.cookies["sessionid"]
    try:
        assert desk.client.get("/registration/").status_code == 200
        Session.objects.filter(session_key=session_key).delete()  # as a second web process's sign-out does
        cached = list(web.redis.client.scan_iter(match=f"*django.contrib.sessions.cached_db{session_key}"))
        assert len(cached) == 1
        web.redis.client.delete(*cached)
        ended = time.monotonic()
        while desk.client.get("/registration/").status_code == 200:
            assert time.monotonic() - ended < FRESH_SECONDS + 2, "the web process kept an ended session too long"
            time.sleep(0.1)
    finally:
        desk.close()


@pytest.mark.django_db
def test_a_session_read_while_it_was_being_saved_is_not_kept_with_its_old_data(monkeypatch):
    first = SessionStore()
    first["step"] = "old"
    first.create()
    reader = SessionStore(first.session_key)
    read_from_redis = reader._cache.get

    def read_while_another_request_saves(key, *args, **kwargs):
        data = read_from_redis(key, *args, **kwargs)
        monkeypatch.setattr(reader._cache, "get", read_from_redis)
        saver = SessionStore(first.session_key)
        saver["step"] = "new"
        saver.save()  # lands after this read has fetched the old data
        return data

    monkeypatch.setattr(reader._cache, "get", read_while_another_request_saves)

    assert reader.load()["step"] == "old"
    assert SessionStore(first.session_key).load()["step"] == "new"
