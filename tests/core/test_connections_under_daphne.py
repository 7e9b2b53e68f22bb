"""Daphne serves every request in a thread of its own: the connections it holds to the database and to Redis must stay
within its pool, however many requests it has served (a connection kept per thread ended in "too many clients")."""
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import PASSWORD
from tests.e2e.stack import Console, Noc, web_process

pytestmark = pytest.mark.django_db(transaction=True)
POOL_SIZE = 3
CLIENTS = 8
SEARCHES_EACH = 15
APPLICATION = "daphne-under-test"  # libpq names the web process's connections so (PGAPPNAME)


def database_connections(pid: int) -> int:
    """The web process's connections to the test database: PostgreSQL's backends named after it, or its open
    descriptors of the SQLite file."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND application_name = %s", [APPLICATION])
            return cursor.fetchone()[0]
    database = str(Path(connection.settings_dict["NAME"]).resolve())
    return sum(1 for fd in Path(f"/proc/{pid}/fd").iterdir() if target(fd) == database)


def target(descriptor: Path) -> str:
    try:
        return os.readlink(descriptor)
    except FileNotFoundError:  # closed since the directory was listed
        return ""


def redis_connections(console: Console) -> int:
    """Clients of the console's Redis database, besides the test's own."""
    return sum(1 for client in console.redis.client.client_list() if int(client["db"]) == console.redis.number) - 1


@pytest.fixture
def web(tmp_path):
    with web_process(tmp_path / "console", DATABASE_POOL_SIZE=str(POOL_SIZE), PGAPPNAME=APPLICATION) as console:
        yield console


def test_many_requests_from_many_desks_hold_no_more_connections_than_the_pool(web, helpdesk_user):
    desks = [Noc(web.url, helpdesk_user.username, PASSWORD) for _ in range(CLIENTS)]

    def search(desk: Noc) -> None:
        for number in range(SEARCHES_EACH):
            assert "Helpdesk" in desk.page(f"/registration/?q=person{number}")

    database, redis = [], []
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            searching = [pool.submit(search, desk) for desk in desks]
            while not all(future.done() for future in searching):  # counted from this thread, with its one connection
                database.append(database_connections(web.server.popen.pid))
                redis.append(redis_connections(web))
            for future in searching:
                future.result()
    finally:
        for desk in desks:
            desk.close()
    # 120 signed-in requests, 8 at a time: at most the pool's connections to PostgreSQL (SQLite has no pool: one per
    # request in flight, closed as it ends), and no more to Redis than requests in flight (each reads its session).
    assert 1 <= max(database) <= (POOL_SIZE if connection.vendor == "postgresql" else CLIENTS), database
    assert 1 <= max(redis) <= CLIENTS, redis
