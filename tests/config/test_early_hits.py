"""Page-cache hits answered at the WSGI entry point, as Django would answer them."""

import io
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test.client import ClientHandler

from config.early_hits import CacheHitsFirst

pytestmark = pytest.mark.django_db


class Django:
    """Django's own handling of a request, as WSGI, counting the requests left to it."""

    def __init__(self):
        self.handler = ClientHandler()
        self.environs = []

    def __call__(self, environ, start_response):
        self.environs.append(dict(environ))
        response = self.handler(environ)
        start_response(f"{response.status_code} {response.reason_phrase}", [*response.items()])
        return [response.content]


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, dict(headers), body


def request(application, path, *, method="GET", query="", https=False, **headers):
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    if https:
        environ["HTTP_X_FORWARDED_PROTO"] = "https"
    answered = {}

    def start_response(status, response_headers):
        answered.update(status=status, headers=response_headers)

    body = b"".join(application(environ, start_response))
    return Answer(answered["status"], answered["headers"], body)


@pytest.fixture
def behind_https(settings):
    """Production's security settings: HTTPS from the proxy's header, plain HTTP redirected."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000


@pytest.fixture
def django():
    return Django()


@pytest.fixture
def site(behind_https, django):
    return CacheHitsFirst(django)


def test_a_hit_is_answered_early_with_the_headers_and_page_django_would_send(site, django, page):
    url = page.get_absolute_url()
    assert request(site, url, https=True).headers["X-Page-Cache"] == "miss"
    hit_through_django = request(django, url, https=True)

    early = request(site, url, https=True)

    assert len(django.environs) == 2  # the miss and the comparison, not the early hit
    assert early.status == "200 OK"
    assert early.headers == hit_through_django.headers
    assert early.headers["X-Page-Cache"] == "hit"
    assert early.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "frame-ancestors 'none'" in early.headers["Content-Security-Policy"]
    assert early.body == hit_through_django.body
    assert page.title in early.body.decode()


@pytest.mark.parametrize("cookie", ["sessionid=abc", "messages=abc"])
def test_a_reader_with_a_session_or_messages_cookie_is_not_answered_from_the_cache(
    site, django, page, cookie
):
    url = page.get_absolute_url()
    request(site, url, https=True)

    answer = request(site, url, https=True, cookie=cookie)

    assert len(django.environs) == 2
    assert answer.status == "200 OK"
    assert "X-Page-Cache" not in answer.headers


def test_a_post_is_left_to_django(site, django, page):
    url = page.get_absolute_url()
    request(site, url, https=True)

    request(site, url, method="POST", https=True)

    assert len(django.environs) == 2


def test_unmarked_pages_and_unnamed_parameters_are_left_to_django(site, django, page):
    for path, query in [("/search/", "q=opioid"), (page.get_absolute_url(), "utm_source=mail")]:
        request(site, path, query=query, https=True)
        answer = request(site, path, query=query, https=True)
        assert "X-Page-Cache" not in answer.headers

    assert len(django.environs) == 4


def test_a_host_not_allowed_is_refused_even_for_a_cached_page(site, django, page):
    url = page.get_absolute_url()
    request(site, url, https=True)

    answer = request(site, url, https=True, host="evil.example")

    assert answer.status == "400 Bad Request"
    assert len(django.environs) == 2


def test_too_many_query_parameters_are_refused_even_for_a_cached_page(site, django, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    request(site, "/programs/", https=True)

    answer = request(site, "/programs/", query="page=1&page=2&page=3&page=4", https=True)

    assert answer.status == "400 Bad Request"
    assert len(django.environs) == 2


def test_plain_http_is_redirected_to_https_even_for_a_page_cached_over_http(page, settings):
    # Stored over plain HTTP before the redirect was turned on.
    url = page.get_absolute_url()
    request(CacheHitsFirst(Django()), url)
    settings.SECURE_SSL_REDIRECT = True
    django = Django()

    answer = request(CacheHitsFirst(django), url)

    assert answer.status == "301 Moved Permanently"
    assert answer.headers["Location"] == f"https://testserver{url}"
    assert len(django.environs) == 1


def test_a_page_stored_before_an_edit_is_rendered_again_by_django(site, django, page):
    url = page.get_absolute_url()
    request(site, url, https=True)

    page.title = "Drug Market Intervention, renamed"
    page.save()

    answer = request(site, url, https=True)
    assert answer.headers["X-Page-Cache"] == "miss"
    assert "Drug Market Intervention, renamed" in answer.body.decode()
    assert len(django.environs) == 2


def test_while_the_cache_cannot_be_reached_django_renders_the_page(site, django, page, cache_down):
    url = page.get_absolute_url()
    request(site, url, https=True)
    cache_down("get_many")

    answer = request(site, url, https=True)

    assert answer.status == "200 OK"
    assert page.title in answer.body.decode()
    assert "X-Page-Cache" not in answer.headers
    assert len(django.environs) == 2


@pytest.mark.urls("tests.config.early_hits_urls")
def test_addresses_under_static_url_are_left_to_whitenoise(site, django):
    request(site, "/static/report/", https=True)

    request(site, "/static/report/", https=True)

    assert len(django.environs) == 2


def test_django_gets_the_request_as_the_server_sent_it(site, django):
    # "/strategies/café/" as a WSGI server passes it: UTF-8 bytes read as Latin-1.
    path = "/strategies/café/".encode().decode("latin-1")

    request(site, path, https=True)

    assert django.environs[0]["PATH_INFO"] == path


@pytest.mark.parametrize(
    "change",
    [
        lambda middleware: middleware.insert(1, "django.middleware.gzip.GZipMiddleware"),
        lambda middleware: middleware.remove("base.page_cache.AnonymousPageCacheMiddleware"),
    ],
    ids=["a middleware added above the page cache", "no page cache"],
)
def test_the_site_refuses_to_start_when_early_hits_would_skip_a_middleware(
    settings, django, change
):
    middleware = list(settings.MIDDLEWARE)
    change(middleware)
    settings.MIDDLEWARE = middleware

    with pytest.raises(ImproperlyConfigured, match="MIDDLEWARE"):
        CacheHitsFirst(django)


def test_the_wsgi_application_answers_hits_early():
    from config.wsgi import application

    assert isinstance(application, CacheHitsFirst)
