"""Django's PostgreSQL backend, whose connection pool checks a connection before a request gets it without a round
trip to the server.

psycopg_pool's own check (what Django's CONN_HEALTH_CHECKS turns on) sends an empty query and waits for the answer:
one more round trip for every request that touches the database, and under daphne one more wait for the GIL in the
thread that serves the request. A connection idle in the pool receives nothing unless the server has something to
say: when a backend is ended (pg_terminate_backend, a restart), PostgreSQL sends a FATAL error and closes the socket.
So a connection with nothing to read is handed out as it is, and only one with something waiting gets the full check,
which then fails, so the pool drops it and takes another.
"""
import select

from django.db.backends.postgresql import base
from psycopg import Connection
from psycopg.pq import ConnStatus, TransactionStatus
from psycopg_pool import ConnectionPool


def check_pooled_connection(connection: Connection) -> None:
    """Return if CONNECTION is fit to hand out; raise (a psycopg error) if not."""
    pgconn = connection.pgconn
    if pgconn.status == ConnStatus.OK and pgconn.transaction_status == TransactionStatus.IDLE:
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
        if not readable:
            return
    ConnectionPool.check_connection(connection)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        if pool is not None:
            # Django passes psycopg_pool no way to set the check but its own (with CONN_HEALTH_CHECKS off: none).
            pool._check = check_pooled_connection
        return pool
