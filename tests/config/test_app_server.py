"""The production app server (granian with deploy/granian.env) answering as the site should."""

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.servers import ONE_PUBLISHED_PAGE, PUBLISHED_PAGE_PATH, free_port, needs_redis

REPO_ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/12"
PAGE = PUBLISHED_PAGE_PATH


pytestmark = needs_redis


def server_settings() -> dict[str, str]:
    lines = (REPO_ROOT / "deploy" / "granian.env").read_text().splitlines()
    pairs = (line.partition("=") for line in lines if line.strip() and not line.startswith("#"))
    return {name: value for name, _, value in pairs}


class Server:
    def __init__(self, port):
        self.port = port

    def request(self, path, *, https=True, connection=None, **headers):
        connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Host": "127.0.0.1", **headers}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.body = response.read()
        return response


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    redis.Redis.from_url(REDIS_URL).flushdb()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GRANIAN_"))},
        **server_settings(),
        "GRANIAN_PORT": str(free_port()),
        "GRANIAN_WORKERS": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        # Production's security settings, behind nginx.
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "true",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
        "DJANGO_SECURE_HSTS_SECONDS": "31536000",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('site') / 'site.sqlite3'}",
        "CACHE_URL": REDIS_URL,
    }
    for arguments, stdin in [(["migrate", "--no-input"], None), (["shell"], ONE_PUBLISHED_PAGE)]:
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "manage.py", *arguments],
            cwd=REPO_ROOT,
            env=environment,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-m", "granian", "config.wsgi:application"],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(int(environment["GRANIAN_PORT"]))
    deadline = time.monotonic() + 30
    while True:
        try:
            server.request("/healthz")
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.1)
    yield server
    process.terminate()
    process.wait(timeout=10)
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_a_cached_page_is_answered_with_the_headers_it_was_rendered_with(server):
    first = server.request(PAGE)
    hit = server.request(PAGE)

    assert hit.status == 200
    assert hit.getheader("X-Page-Cache") == "hit"
    assert hit.body == first.body
    assert b"Drug Market Intervention" in hit.body
    for name in (
        "Content-Type",
        "Content-Security-Policy",
        "X-Frame-Options",
        "Permissions-Policy",
        "Referrer-Policy",
        "X-Content-Type-Options",
    ):
        assert hit.getheader(name) == first.getheader(name), name
    assert hit.getheader("Strict-Transport-Security").startswith("max-age=31536000")


def test_plain_http_is_redirected_to_https(server):
    server.request(PAGE)

    answer = server.request(PAGE, https=False)

    assert answer.status == 301
    assert answer.getheader("Location") == f"https://127.0.0.1{PAGE}"


def test_a_host_not_allowed_is_refused(server):
    server.request(PAGE)

    assert server.request(PAGE, Host="evil.example").status == 400


def test_a_reader_with_a_session_cookie_is_not_answered_from_the_cache(server):
    server.request(PAGE)

    answer = server.request(PAGE, Cookie="sessionid=not-a-session")

    assert answer.status == 200
    assert answer.getheader("X-Page-Cache") is None


def test_one_connection_carries_several_requests(server):
    # What nginx's upstream keepalive relies on.
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    assert server.request(PAGE, connection=connection).status == 200
    opened = connection.sock

    answers = [server.request(PAGE, connection=connection) for _ in range(3)]

    assert [answer.status for answer in answers] == [200, 200, 200]
    assert connection.sock is opened
    connection.close()
