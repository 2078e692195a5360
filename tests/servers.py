"""For tests that start the site's own servers: a free port, and whether Redis answers."""

import socket

import pytest
import redis

# The machine's Redis, which the production profile needs.
LOCAL_REDIS = "redis://127.0.0.1:6379"


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_available(), reason="needs the Redis server on 127.0.0.1:6379"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
