"""Reachability of the services the console depends on, reported in one plain line."""
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
