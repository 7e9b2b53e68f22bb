"""Django's Redis cache with one connection pool, and one client on it, per process instead of per request.

Django keeps a cache object per request context, and under ASGI every request is a context of its own: the stock
backend built a new connection pool, and so opened a new Redis connection, for every request that read its session;
and it builds a client object (some hundred callbacks set up) for every command.
"""
import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

_clients: dict[str, "SharedRedisCacheClient"] = {}
_lock = threading.Lock()


class SharedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._redis_clients: dict[object, object] = {}  # by connection pool

    def get_client(self, key=None, *, write=False):
        # redis-py's clients are thread-safe: each command takes a connection from the pool for its duration.
        pool = self._get_connection_pool(write)
        if pool not in self._redis_clients:
            self._redis_clients[pool] = self._client(connection_pool=pool)
        return self._redis_clients[pool]


class SharedPoolRedisCache(RedisCache):
    @cached_property
    def _cache(self) -> SharedRedisCacheClient:
        key = repr((self._servers, sorted(self._options.items())))
        with _lock:
            if key not in _clients:
                _clients[key] = SharedRedisCacheClient(self._servers, **self._options)
            return _clients[key]
