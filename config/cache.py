"""Django's Redis cache, keeping one Redis client per connection pool.

Django's client builds a new ``redis.Redis`` object around the pool for every
call, and building one costs more than the round trip to Redis itself. The
page cache makes a call on every anonymous request, so the client is kept;
``redis.Redis`` is safe to share between threads, and its pool reconnects after
a fork.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
