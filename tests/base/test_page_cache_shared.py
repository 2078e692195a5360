"""Two server processes sharing one Redis: an edit through one shows through the other at once,
and a save while Redis is down leaves neither serving an old page."""

import datetime
import http.client
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.servers import ONE_PUBLISHED_PAGE, free_port, needs_redis

REPO_ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"
TIME_ZONE = ZoneInfo("America/New_York")
SETTINGS_VARIABLES = (
    "DJANGO_ENV",
    "DATABASE_URL",
    "CACHE_URL",
    "DJANGO_TIME_ZONE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)

SET_UP_SITE = (
    ONE_PUBLISHED_PAGE
    + """
from django.contrib.auth.models import Group, User
from django.test import Client

reviewer = User.objects.create_user("rosa", password="unused-here")
reviewer.groups.add(Group.objects.get(name="Reviewers"))
client = Client()
client.force_login(reviewer)
print(client.cookies["sessionid"].value)
"""
)


pytestmark = needs_redis


class Server:
    def __init__(self, environment):
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1"]
            + ["--bind", f"127.0.0.1:{self.port}"],
            cwd=REPO_ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start: {self.process.stderr.read().decode()}")

    def request(self, method, path, *, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        # One site name for both, as behind a load balancer: the page key includes it.
        headers = {"Host": "127.0.0.1", **(headers or {})}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode()
        connection.close()
        return response

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class RedisServer:
    """A Redis of the test's own, on a free port, that it may stop and start again."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def client(self) -> redis.Redis:
        # No retries: they would wait out a shutdown that closes the connection, as it should.
        return redis.Redis(port=self.port, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--dir", str(self.directory), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        """Shut down, keeping its keys on disk: they come back with it, as after an outage
        of the network or of a Redis that persists them."""
        self.client().shutdown(save=True)
        self.process.wait(timeout=10)

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=10)


def manage(environment, *arguments, stdin=None) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", *arguments],
        cwd=REPO_ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def environment(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="development",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        CACHE_URL=REDIS_URL,
        DJANGO_TIME_ZONE=str(TIME_ZONE),
    )
    yield environment
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_a_review_posted_through_one_process_shows_through_the_other_at_once(environment):
    manage(environment, "migrate", "--no-input")
    session = manage(environment, "shell", stdin=SET_UP_SITE).strip().splitlines()[-1]
    first, second = Server(environment), Server(environment)
    try:
        assert first.request("GET", "/strategies/dmi/").getheader("X-Page-Cache") == "miss"
        assert second.request("GET", "/strategies/dmi/").getheader("X-Page-Cache") == "hit"

        signed_in = first.request(
            "GET", "/strategies/dmi/", headers={"Cookie": f"sessionid={session}"}
        )
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', signed_in.text)[1]
        csrf_cookie = SimpleCookie(signed_in.getheader("Set-Cookie"))["csrftoken"].value
        posted = first.request(
            "POST",
            "/strategies/dmi/reviews/",
            body=urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "reviewed_on": datetime.datetime.now(TIME_ZONE).date().isoformat(),
                    "comments": "Add the 2026 school survey.",
                }
            ),
            headers={
                "Cookie": f"sessionid={session}; csrftoken={csrf_cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        assert posted.status == 302, posted.text

        seen = second.request("GET", "/strategies/dmi/")
        assert seen.getheader("X-Page-Cache") == "miss"
        assert "Add the 2026 school survey." in seen.text
    finally:
        first.stop()
        second.stop()


def post_review(server, session, comments):
    """A reviewer's review posted through ``server``, with a CSRF token of their own."""
    token = secrets.token_hex(16)
    return server.request(
        "POST",
        "/strategies/dmi/reviews/",
        body=urlencode(
            {
                "csrfmiddlewaretoken": token,
                "reviewed_on": datetime.datetime.now(TIME_ZONE).date().isoformat(),
                "comments": comments,
            }
        ),
        headers={
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_a_save_while_redis_is_down_is_refused_and_no_process_serves_an_old_page_after(
    environment, tmp_path
):
    cache = RedisServer(tmp_path)
    environment["CACHE_URL"] = cache.url
    manage(environment, "migrate", "--no-input")
    session = manage(environment, "shell", stdin=SET_UP_SITE).strip().splitlines()[-1]
    writer, reader = Server(environment), Server(environment)
    try:
        assert reader.request("GET", "/strategies/dmi/").getheader("X-Page-Cache") == "miss"
        assert reader.request("GET", "/strategies/dmi/").getheader("X-Page-Cache") == "hit"

        cache.stop()
        refused = post_review(writer, session, "Cite the 2025 overdose report.")
        cache.start()

        assert refused.status == 503, refused.text
        assert "your change was not saved" in refused.text
        after = reader.request("GET", "/strategies/dmi/")
        assert "Cite the 2025 overdose report." not in after.text
        assert post_review(writer, session, "Add the 2026 school survey.").status == 302
        seen = reader.request("GET", "/strategies/dmi/")
        assert "Add the 2026 school survey." in seen.text
        assert "Cite the 2025 overdose report." not in seen.text, "the refused save was kept"
    finally:
        writer.stop()
        reader.stop()
        cache.kill()


def test_the_cache_client_reuses_one_redis_client_per_server():
    from config.cache import SharedRedisCache

    shared = SharedRedisCache(f"{REDIS_URL};{REDIS_URL}", {})
    writer = shared._cache.get_client(write=True)

    assert shared._cache.get_client(write=True) is writer
    readers = {id(shared._cache.get_client()) for _ in range(20)}
    assert len(readers) <= 2
    for pool, client in shared._cache._clients.items():
        assert client.connection_pool is pool
    assert set(shared._cache._clients) <= set(shared._cache._pools.values())
