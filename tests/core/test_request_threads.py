"""Requests run their synchronous code on threads kept from earlier requests, one request on a thread at a time, and a
view still running for a client that hung up never holds up the next request."""
import asyncio
import os
import threading

import pytest
from asgiref.sync import sync_to_async

from opsconsole.core.request_threads import ReusedRequestThreads
from tests.conftest import PASSWORD
from tests.e2e.stack import Noc, web_process

WARM_UP = 10
MEASURED = 60


def threads_of(pid: int) -> set[int]:
    return {int(task) for task in os.listdir(f"/proc/{pid}/task")}


class ThreadWatch:
    """Every thread of process PID seen alive while the block runs, looked for every millisecond: a thread that lives
    only as long as a request has ended by the time the block does."""

    def __init__(self, pid: int) -> None:
        self.pid, self.seen, self.done = pid, set(), threading.Event()
        self.watcher = threading.Thread(target=self.watch)

    def watch(self) -> None:
        while not self.done.wait(0.001):
            self.seen |= threads_of(self.pid)

    def __enter__(self) -> "ThreadWatch":
        self.watcher.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.done.set()
        self.watcher.join()


@pytest.mark.django_db(transaction=True)
def test_a_warm_server_starts_no_thread_per_page(tmp_path, helpdesk_user):
    with web_process(tmp_path / "console") as web:
        desk = Noc(web.url, helpdesk_user.username, PASSWORD)
        for number in range(WARM_UP):
            desk.page(f"/registration/?q=warm{number}")
        before = threads_of(web.server.popen.pid)
        with ThreadWatch(web.server.popen.pid) as watch:
            for number in range(MEASURED):
                assert "Helpdesk" in desk.page(f"/registration/?q=person{number}")
        started = watch.seen - before
        desk.client.close()
    # asgiref's own way started two threads per page (the request's and one to join it): 120 here.
    assert len(started) <= 3, f"{len(started)} threads started for {MEASURED} pages"


def http_scope() -> dict:
    return {"type": "http", "method": "GET", "path": "/", "headers": []}


def test_one_request_keeps_one_thread_and_the_next_reuses_it():
    seen: list[tuple[int, int]] = []

    async def application(scope, receive, send):
        first = await sync_to_async(threading.get_ident)()
        second = await sync_to_async(threading.get_ident)()
        seen.append((first, second))

    async def two_requests():
        wrapped = ReusedRequestThreads(application)
        await wrapped(http_scope(), None, None)
        for _ in range(100):  # the thread goes back to the idle ones once its queue is empty
            if wrapped.idle:
                break
            await asyncio.sleep(0.01)
        await wrapped(http_scope(), None, None)

    asyncio.run(two_requests())
    (first, second), (third, fourth) = seen
    assert first == second == third == fourth
    assert first != threading.get_ident()


def test_a_view_left_running_by_a_hung_up_client_does_not_hold_up_the_next_request():
    release, answered = threading.Event(), []

    async def application(scope, receive, send):
        if scope["path"] == "/slow":
            await sync_to_async(release.wait)()
        answered.append(await sync_to_async(threading.get_ident)())

    async def hang_up_then_ask_again():
        wrapped = ReusedRequestThreads(application)
        slow = asyncio.ensure_future(wrapped({**http_scope(), "path": "/slow"}, None, None))
        await asyncio.sleep(0.1)
        slow.cancel()  # as Django does when the client disconnects: the view's thread runs on
        await asyncio.gather(slow, return_exceptions=True)
        await asyncio.wait_for(wrapped(http_scope(), None, None), timeout=5)
        release.set()

    try:
        asyncio.run(hang_up_then_ask_again())
    finally:
        release.set()
    assert len(answered) == 1


def test_a_view_still_running_when_the_server_stops_ends_its_thread_without_an_error(caplog):
    """At shutdown the event loop closes while a hung-up client's view may still run: its thread is let go once the
    view ends, rather than handed back to the closed loop (which logged "exception calling callback")."""
    release, view_threads = threading.Event(), []

    def view() -> None:
        view_threads.append(threading.current_thread())
        release.wait()

    async def application(scope, receive, send):
        await sync_to_async(view)()

    async def hang_up_and_stop():
        slow = asyncio.ensure_future(ReusedRequestThreads(application)(http_scope(), None, None))
        await asyncio.sleep(0.1)
        slow.cancel()
        await asyncio.gather(slow, return_exceptions=True)

    try:
        asyncio.run(hang_up_and_stop())  # the loop is closed when this returns; the view still waits
    finally:
        release.set()
    (thread,) = view_threads
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert "exception calling callback" not in caplog.text
