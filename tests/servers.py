"""For tests that start the site's own servers: a free port, and whether Redis answers."""

import socket

import pytest
import redis

# A script for `manage.py shell` that makes the one published page the servers are asked for.
PUBLISHED_PAGE_PATH = "/strategies/dmi/"
ONE_PUBLISHED_PAGE = """
from strategy.models import Band, Strategy, StrategyMap

top = StrategyMap.objects.create(title="Coalition map", slug="coalition-map")
band = Band.objects.create(map=top, title="Outcomes", order=1)
Strategy.objects.create(
    title="Drug Market Intervention", slug="dmi", map=top, band=band,
    status=Strategy.Status.PUBLISHED,
)
"""
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
