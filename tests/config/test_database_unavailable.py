"""While the database cannot be reached, every page answers a clean 503, not a 500.

``database_down()`` makes every query fail the way PostgreSQL does when it is
stopped or restarting; the pages must then say the site is briefly
unavailable, ask to retry later, and show nothing of the error.
"""

import logging
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import IntegrityError, InterfaceError, OperationalError, ProgrammingError
from django.test import Client
from django.urls import reverse

from tests.scorecards.factories import MeasureFactory, ObjectiveFactory
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db

REFUSED = (
    'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?"
)
# What must never reach a visitor: the error, its class, where it came from.
LEAKS = ("Traceback", "OperationalError", "InterfaceError", "Connection refused", "5432", "File ")


@contextmanager
def database_down(error=None):
    """Every query raises ``error`` (PostgreSQL refusing connections) until the block ends."""
    error = error or OperationalError(REFUSED)

    def refuse(execute, sql, params, many, context):
        raise error

    with connection.execute_wrapper(refuse):
        yield


def assert_clean_503(response):
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "<title>The site is briefly unavailable</title>" in html
    assert "try again in a minute" in html
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    for leak in LEAKS:
        assert leak not in html, leak
    # The browser protections of every other page.
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def page(owner):
    return StrategyFactory(page_manager=owner, slug="reduce-access")


@pytest.fixture
def measure(page):
    return MeasureFactory(objective=ObjectiveFactory(strategy=page))


def test_a_public_page_answers_503_while_the_database_is_down(client, page, caplog):
    with caplog.at_level(logging.ERROR, logger="config.middleware"), database_down():
        response = client.get(reverse("strategy:strategy-detail", args=[page.slug]))

    assert_clean_503(response)
    # The operator gets the error, with its traceback, in the log.
    (record,) = [record for record in caplog.records if record.name == "config.middleware"]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == (
        "Database unavailable; answered GET /strategies/reduce-access/ with 503"
    )
    assert record.exc_info[0] is OperationalError


@pytest.mark.parametrize("route", ["scorecards:all-csv", "scorecards:all-xlsx"])
def test_the_site_wide_downloads_answer_503_rather_than_a_cut_off_file(client, measure, route):
    with database_down():
        response = client.get(reverse(route))

    assert_clean_503(response)


def test_a_broken_connection_answers_503_too(client, page):
    with database_down(InterfaceError("connection already closed")):
        response = client.get(reverse("strategy:home"))

    assert_clean_503(response)


def test_the_admin_answers_503_to_a_signed_in_editor(client, editor, measure):
    client.force_login(editor)

    with database_down():
        index = client.get(reverse("admin:index"))
        change_form = client.get(reverse("admin:scorecards_measure_change", args=[measure.pk]))
        save = client.post(
            reverse("admin:scorecards_measure_change", args=[measure.pk]), {"name": "New name"}
        )

    for response in (index, change_form, save):
        assert_clean_503(response)


def test_a_signed_in_reviewer_posting_a_review_gets_503(client, reviewer, page):
    client.force_login(reviewer)

    with database_down():
        response = client.post(
            reverse("reviews:add", args=[page.slug]),
            {"reviewed_on": "2026-01-05", "comments": "Looks right."},
        )

    assert_clean_503(response)


def test_signing_in_answers_503(client, editor):
    with database_down():
        response = client.post(
            reverse("login"), {"username": "editor", "password": "correct horse battery staple"}
        )

    assert_clean_503(response)


def test_an_error_page_that_asks_who_is_signed_in_answers_503(editor, caplog):
    """The 404 page reads the session (for the menu): that error arrives as a 500, made a 503."""
    client = Client(raise_request_exception=False)
    client.force_login(editor)

    with caplog.at_level(logging.ERROR, logger="config.middleware"), database_down():
        response = client.get("/no-such-page/")

    assert_clean_503(response)
    assert any(record.name == "config.middleware" for record in caplog.records)


def test_the_api_answers_its_json_error_with_503(client, page):
    with database_down():
        response = client.get(reverse("api:strategy-list"))

    assert response.status_code == 503
    assert response.json() == {"detail": "The site is briefly unavailable; try again in a minute."}
    assert response["Retry-After"] == "30"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_health_check_keeps_its_own_answer(client):
    with database_down():
        response = client.get(reverse("strategy:healthz"))

    assert response.status_code == 503
    assert response.json() == {"database": "unavailable"}


def test_pages_answer_normally_once_the_database_is_back(client, page):
    with database_down():
        assert client.get(reverse("strategy:strategy-detail", args=[page.slug])).status_code == 503

    response = client.get(reverse("strategy:strategy-detail", args=[page.slug]))

    assert response.status_code == 200
    assert "Retry-After" not in response


@pytest.mark.parametrize(
    "error",
    [IntegrityError("duplicate key"), ProgrammingError("no such column"), ValueError("a bug")],
    ids=["integrity", "programming", "other"],
)
def test_other_errors_are_not_swallowed(page, error):
    """Only an unreachable database is "briefly unavailable": anything else is a bug, a 500."""
    url = reverse("strategy:strategy-detail", args=[page.slug])

    with database_down(error), pytest.raises(type(error)):
        Client().get(url)

    with database_down(error):
        response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "briefly unavailable" not in response.content.decode()


def test_the_middleware_sits_above_everything_that_reads_the_session():
    position = settings.MIDDLEWARE.index("config.middleware.DatabaseUnavailableMiddleware")

    for reader in (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ):
        assert position < settings.MIDDLEWARE.index(reader), reader
