"""Which book a reader is given: kept per content version, rebuilt after a change, built in
the background for a map (waiting, failed, retried), and never a draft for the public.

WeasyPrint is stood in for (``fake_pdf``): these tests are about which book is
built and when, and read the HTML each build was given.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from books.contents import map_book_html
from books.models import STUCK_AFTER, BriefingBook
from scorecards.judged import judge_again
from tests.reviews.factories import ReviewFactory
from tests.scorecards.factories import DataPointFactory, MeasureFactory
from tests.strategy.factories import EditorFactory, StrategyFactory, StrategyMapFactory

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def zoom_map():
    zoom = StrategyMapFactory(title="Reduce Access", slug="reduce-access")
    StrategyFactory(map=zoom, band__map=zoom, title="Take-back days", slug="take-back")
    StrategyFactory(
        map=zoom,
        band__map=zoom,
        title="Unfinished plan",
        slug="unfinished",
        status="draft",
    )
    return zoom


def page_book_url(slug="take-back"):
    return reverse("books:page-book", args=[slug])


def map_book_url(slug="reduce-access"):
    return reverse("books:map-book", args=[slug])


def test_a_page_book_is_kept_until_content_changes(client, zoom_map, fake_pdf):
    first = client.get(page_book_url())
    again = client.get(page_book_url())

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert len(fake_pdf) == 1

    page = zoom_map.strategies.get(slug="take-back")
    page.intro = "A new introduction."
    page.save()
    changed = client.get(page_book_url())

    assert len(fake_pdf) == 2
    assert "A new introduction." in fake_pdf[1]
    assert changed.content != first.content
    # The superseded book is gone: one row per page and audience.
    assert BriefingBook.objects.filter(kind="page").count() == 1


def test_a_map_book_is_built_once_per_content_version(client, zoom_map, fake_pdf):
    first = client.get(map_book_url())
    again = client.get(map_book_url())

    assert first.status_code == again.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert 'filename="reduce-access-briefing-book.pdf"' in first["Content-Disposition"]
    assert len(fake_pdf) == 1

    zoom_map.strategies.filter(slug="take-back").update(title="Take-back weekends")
    StrategyFactory(map=zoom_map, band=zoom_map.bands.first(), title="Drop boxes")
    client.get(map_book_url())

    assert len(fake_pdf) == 2
    assert "Drop boxes" in fake_pdf[1]
    assert BriefingBook.objects.filter(kind="map").count() == 1


def test_the_public_book_has_no_draft_and_staff_get_theirs_apart(client, zoom_map, fake_pdf):
    client.get(map_book_url())
    client.force_login(EditorFactory(is_staff=True))
    client.get(map_book_url())

    public, staff = fake_pdf
    assert "Take-back days" in public and "Unfinished plan" not in public
    assert "Unfinished plan" in staff
    assert set(BriefingBook.objects.values_list("audience", flat=True)) == {"public", "staff"}


def test_a_staff_book_says_on_its_cover_and_in_its_name_that_it_is_not_the_publics(
    client, zoom_map, fake_pdf
):
    public_response = client.get(map_book_url())
    client.force_login(EditorFactory(is_staff=True))
    staff_response = client.get(map_book_url())
    staff_page = client.get(page_book_url("unfinished"))

    public, staff, staff_page_html = fake_pdf
    assert "Staff edition" not in public
    assert "Staff edition" in staff and "Staff edition" in staff_page_html
    assert "staff-edition" not in public_response["Content-Disposition"]
    assert "-briefing-book-staff-edition.pdf" in staff_response["Content-Disposition"]
    assert "unfinished-briefing-book-staff-edition.pdf" in staff_page["Content-Disposition"]


def test_a_page_book_names_the_site_and_the_day_it_was_made(client, zoom_map, fake_pdf):
    client.get(page_book_url())

    (html,) = fake_pdf
    assert f"Briefing book, {date_format(timezone.localdate(), 'F j, Y')}" in html


def test_a_draft_page_has_no_public_book(client, zoom_map, fake_pdf):
    assert client.get(page_book_url("unfinished")).status_code == 404
    assert client.get(page_book_url("no-such-page")).status_code == 404
    assert client.get(map_book_url("no-such-map")).status_code == 404
    assert fake_pdf == []


@override_settings(TASKS=DUMMY_TASKS)
def test_a_queued_map_book_shows_a_page_that_refreshes_itself(client, zoom_map, fake_pdf):
    response = client.get(map_book_url())

    assert response.status_code == 202
    assert '<meta http-equiv="refresh" content="5">' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "being put together" in response.content.decode()
    assert BriefingBook.objects.get().status == BriefingBook.Status.QUEUED
    # Asked again, the same build is waited for, not queued twice.
    assert client.get(map_book_url()).status_code == 202
    assert BriefingBook.objects.count() == 1
    assert fake_pdf == []


def test_a_failed_build_says_so_and_can_be_asked_for_again(client, zoom_map, monkeypatch):
    def fail(*args):
        raise RuntimeError("out of memory")

    monkeypatch.setattr("books.services.map_book_pdf", fail)
    response = client.get(map_book_url())

    assert response.status_code == 503
    assert "could not be built" in response.content.decode()
    assert BriefingBook.objects.get().error == "RuntimeError: out of memory"

    monkeypatch.setattr("books.services.map_book_pdf", lambda *args: b"%PDF-built")
    retried = client.post(reverse("books:map-book-retry", args=["reduce-access"]))

    assert retried.status_code == 302
    assert retried["Location"] == map_book_url()
    assert client.get(map_book_url()).content == b"%PDF-built"


@override_settings(TASKS=DUMMY_TASKS)
def test_a_build_whose_worker_stopped_is_offered_again(client, zoom_map, fake_pdf):
    client.get(map_book_url())
    BriefingBook.objects.update(requested_at=timezone.now() - STUCK_AFTER - timedelta(minutes=1))

    response = client.get(map_book_url())

    assert response.status_code == 503
    assert "was not ready in time" in response.content.decode()
    assert reverse("books:map-book-retry", args=["reduce-access"]) in response.content.decode()


def test_a_page_book_is_built_but_not_kept_while_the_cache_is_down(
    client, zoom_map, fake_pdf, cache_down
):
    cache_down("get_many")

    assert client.get(page_book_url()).status_code == 200
    assert client.get(page_book_url()).status_code == 200
    assert len(fake_pdf) == 2
    assert not BriefingBook.objects.exists()


def test_building_a_map_book_takes_the_same_queries_at_two_sizes_and_a_few_a_zoom_map(
    zoom_map,
):
    """The maps in one query, the pages with everything on them in the strategy page's
    prefetches, the map's own drawing in its few, however many pages; and each zoom map's
    drawing in as many as the map page's own."""
    band = zoom_map.bands.first()

    def add_pages(count: int) -> None:
        for _ in range(count):
            page = StrategyFactory(map=zoom_map, band=band)
            DataPointFactory(measure=MeasureFactory(objective__strategy=page))
            ReviewFactory(strategy=page)
            zoom = StrategyMapFactory(parent=zoom_map, zooms_into=page)
            StrategyFactory(map=zoom, band__map=zoom)

    def queries() -> int:
        # The statuses of the measures just written are judged by their first reader
        # (tests/scorecards/test_judged_status.py); these are the book's reads.
        judge_again(today=timezone.localdate())
        with CaptureQueriesContext(connection) as captured:
            map_book_html(zoom_map, AnonymousUser())
        return len(captured)

    add_pages(1)
    small = queries()
    add_pages(6)
    large = queries()

    # 15 for the book, and 8 for each zoom map's drawing (the map page's own queries).
    assert small == 15 + 8
    assert large == 15 + 7 * 8
