"""Reachability of the services the console depends on, reported in one plain line; a private Redis for `make run`."""
import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import redis


class ServiceUnavailable(RuntimeError):
    pass


def require_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        where = urlsplit(url)
        raise ServiceUnavailable(
            f"Redis is not reachable at {where.hostname}:{where.port or 6379} ({exc.__class__.__name__}). "
            "Start one with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''` "
            "or point REDIS_URL at a running Redis."
        ) from None


def accepts_connections(host: str, port: int) -> bool:
    """Whether something listens at HOST:PORT now."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def private_redis(directory: Path, start_seconds: float = 10) -> Iterator[str]:
    """A redis-server of our own on a free loopback port, keeping nothing on disk; yields its URL once it answers,
    and stops it on the way out, however that happens."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_loopback_port()
    log = directory / "redis.log"
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--daemonize", "no", "--dir", str(directory), "--pidfile", str(directory / "redis.pid"),
         "--logfile", str(log)],
        stdin=subprocess.DEVNULL, start_new_session=True,  # its own session: Ctrl-C is for the console to handle
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                require_redis(url)
                break
            except ServiceUnavailable:
                if server.poll() is not None or time.monotonic() > deadline:
                    said = log.read_text().strip().splitlines()[-1:] if log.exists() else []
                    raise ServiceUnavailable(f"The private redis-server did not start: {' '.join(said) or 'no log'} "
                                             f"(see {log}).") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
