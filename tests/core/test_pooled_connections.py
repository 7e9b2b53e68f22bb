"""A pooled PostgreSQL connection is checked before a request gets it without a round trip, and one the server has
ended never reaches a request."""
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection, connections
from psycopg_pool import ConnectionPool

from opsconsole.core.postgresql.base import check_pooled_connection
from tests.conftest import PASSWORD
from tests.e2e.stack import Noc, database_url, wait_until, web_process

pytestmark = pytest.mark.django_db(transaction=True)
APPLICATION = "pool-check-under-test"  # libpq names the connections so (application_name, PGAPPNAME)
POOL_SIZE = 3


def conninfo() -> str:
    return psycopg.conninfo.make_conninfo(database_url(), application_name=APPLICATION)


def end_backends() -> int:
    """pg_terminate_backend for every connection named APPLICATION, once their processes are gone (so their FATAL
    message and close have been sent); how many there were."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND application_name = %s", [APPLICATION])
        ended = cursor.fetchone()[0]
    wait_until(lambda: backends() == 0, 10, f"the backends named {APPLICATION} to exit")
    return ended


def backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND application_name = %s", [APPLICATION])
        return cursor.fetchone()[0]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.fail("the pool and its check are PostgreSQL's: run the suite with DATABASE_URL=postgresql://...")


@pytest.fixture
def pool(postgresql):
    with ConnectionPool(conninfo(), min_size=1, max_size=1, check=check_pooled_connection, timeout=5,
                        kwargs={"autocommit": True}) as opened:
        opened.wait()
        yield opened


def backend_activity(pid: int) -> tuple:
    """What PostgreSQL last saw from backend PID: its last statement and when its state last changed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT query, state_change FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()


@pytest.fixture
def django_pool(postgresql):
    """The console's database backend with a pool of one connection, as the web process has it, named APPLICATION."""
    settings = {**connection.settings_dict, "CONN_MAX_AGE": 0,
                "OPTIONS": {"application_name": APPLICATION, "pool": {"min_size": 1, "max_size": 1, "timeout": 5}}}
    pooled = type(connections["default"])(settings, alias="pool-check-under-test")
    yield pooled
    pooled.close()
    pooled.close_pool()


def test_a_healthy_idle_connection_is_handed_out_without_a_message_to_the_server(django_pool):
    with django_pool.cursor() as cursor:
        cursor.execute("SELECT 'last statement before the check'")
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    django_pool.close()  # back to the pool
    before = backend_activity(pid)

    django_pool.connect()  # out of the pool again, through its check
    after = backend_activity(pid)

    assert django_pool.connection.info.backend_pid == pid
    assert before[0] == "SELECT pg_backend_pid()"
    assert after == before


def test_psycopg_pools_own_check_would_have_sent_a_message(pool):
    """The comparison above can fail: the stock check's empty query shows in pg_stat_activity."""
    with pool.connection() as held:
        held.execute("SELECT 'last statement before the check'")
        pid = held.info.backend_pid
    before = backend_activity(pid)

    with pool.connection() as held:
        ConnectionPool.check_connection(held)
        after = backend_activity(pid)

    assert after != before


def test_a_connection_the_server_ended_is_replaced_before_anyone_gets_it(pool):
    with pool.connection() as held:
        first_backend = held.info.backend_pid
    assert end_backends() == 1

    with pool.connection() as held:
        assert held.execute("SELECT pg_backend_pid()").fetchone()[0] != first_backend
    assert pool.get_stats().get("connections_lost", 0) == 1


def test_the_check_raises_for_an_ended_connection(postgresql):
    ended = psycopg.connect(conninfo(), autocommit=True)
    try:
        check_pooled_connection(ended)  # healthy: nothing to read
        assert end_backends() == 1
        with pytest.raises(psycopg.OperationalError):
            check_pooled_connection(ended)
    finally:
        ended.close()


def test_pages_served_after_every_pooled_connection_was_ended_all_answer(postgresql, tmp_path, helpdesk_user):
    """The web process's pool holds connections the server then ends: not one request gets an error for it."""
    with web_process(tmp_path / "console", DATABASE_POOL_SIZE=str(POOL_SIZE), PGAPPNAME=APPLICATION) as web:
        desks = [Noc(web.url, helpdesk_user.username, PASSWORD) for _ in range(POOL_SIZE)]
        try:
            with ThreadPoolExecutor(POOL_SIZE) as clients:
                list(clients.map(lambda desk: [desk.page(f"/registration/?q=person{n}") for n in range(5)], desks))
            assert end_backends() >= 1

            with ThreadPoolExecutor(POOL_SIZE) as clients:  # Noc.page asserts 200 for each
                pages = list(clients.map(lambda desk: [desk.page(f"/registration/?q=again{n}") for n in range(5)],
                                         desks))
        finally:
            for desk in desks:
                desk.close()
    assert all("Helpdesk" in page for pages_of_desk in pages for page in pages_of_desk)
