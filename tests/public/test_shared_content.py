"""A strategy page's content is rendered once per content version and shared by its readers.

Readers the page cache does not answer (anyone signed in) get the shared
parts from the cache and render only their own: the review form, and for the
page's manager and editors the checklist and the forms that answer reviews.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from base.page_cache import shared_fragment
from public.page import shared_name
from tests.public.test_public_pages import fill_page
from tests.reviews.factories import ReviewFactory
from tests.scorecards.factories import DataPointFactory, MeasureFactory
from tests.strategy.factories import ReviewerFactory

pytestmark = pytest.mark.django_db


class NotStored(Exception):
    pass


def shared_parts(page):
    """What the cache holds for the page's content, or None; stores nothing."""

    def not_stored():
        raise NotStored

    try:
        return shared_fragment(shared_name(page, site="http://testserver"), not_stored)
    except NotStored:
        return None


def fetch(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.fixture
def burglaries(page):
    measure = MeasureFactory(objective__strategy=page, name="Burglaries reported")
    DataPointFactory(measure=measure, period="2025-Q1", value=100)
    return measure


def test_a_signed_in_reader_gets_the_content_without_its_twelve_queries(
    client, page, reviewer, burglaries
):
    fill_page(page, 2)
    client.force_login(reviewer)

    first, first_queries = fetch(client, page.get_absolute_url())
    again, again_queries = fetch(client, page.get_absolute_url())

    for html in (first, again):
        assert "Burglaries reported" in html and 'id="review-form"' in html
    assert first_queries - again_queries == 12


def test_an_edit_to_a_data_point_shows_to_a_signed_in_reader_on_the_next_request(
    client, page, reviewer, burglaries
):
    client.force_login(reviewer)
    fetch(client, page.get_absolute_url())

    DataPointFactory(measure=burglaries, period="2025-Q2", value=4321)

    html, _ = fetch(client, page.get_absolute_url())
    assert "4,321" in html


def test_the_shared_content_carries_no_name_token_or_form_of_the_reader_it_was_made_for(
    client, page
):
    client.force_login(
        ReviewerFactory(username="rquintero", first_name="Rosa", last_name="Quintero")
    )

    html, _ = fetch(client, page.get_absolute_url())

    assert "csrfmiddlewaretoken" in html and "Rosa Quintero" in html and "review-form" in html
    shared = "".join(shared_parts(page).values())
    assert page.title in shared
    assert "csrfmiddlewaretoken" not in shared
    assert "Quintero" not in shared and "rquintero" not in shared and "review-form" not in shared


def test_the_forms_that_answer_reviews_are_never_shared(client, page, owner, reviewer):
    review = ReviewFactory(strategy=page, comments="Add the 2025 figures.")
    answer_form = f"/reviews/{review.pk}/address/"
    client.force_login(owner)

    owners_copy, _ = fetch(client, page.get_absolute_url())

    assert answer_form in owners_copy and "Completeness" in owners_copy
    shared = "".join(shared_parts(page).values())
    assert "Add the 2025 figures." in shared
    assert answer_form not in shared and "csrfmiddlewaretoken" not in shared
    client.force_login(reviewer)
    reviewers_copy, _ = fetch(client, page.get_absolute_url())
    assert "Add the 2025 figures." in reviewers_copy
    assert answer_form not in reviewers_copy and "Completeness" not in reviewers_copy


def test_a_drafts_shared_content_is_shown_to_no_one_who_may_not_read_drafts(
    client, page, outsider, reviewer
):
    page.status = page.Status.DRAFT
    page.save()
    client.force_login(outsider)
    staff_copy, _ = fetch(client, page.get_absolute_url())
    assert "not public" in staff_copy and shared_parts(page) is not None

    client.force_login(reviewer)
    assert client.get(page.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(page.get_absolute_url()).status_code == 404


def test_the_page_manager_gets_their_checklist_and_answer_forms_after_others_read_the_page(
    client, page, owner, reviewer
):
    review = ReviewFactory(strategy=page)
    client.force_login(reviewer)
    fetch(client, page.get_absolute_url())
    assert shared_parts(page) is not None

    client.force_login(owner)
    owners_copy, _ = fetch(client, page.get_absolute_url())

    assert "Edit this page" in owners_copy and "Completeness" in owners_copy
    assert f"/reviews/{review.pk}/address/" in owners_copy


def test_a_renamed_page_manager_shows_to_signed_in_readers_on_the_next_request(
    client, page, owner, reviewer
):
    client.force_login(reviewer)
    fetch(client, page.get_absolute_url())

    owner.first_name, owner.last_name = "Dana", "Rivera"
    owner.save()

    html, _ = fetch(client, page.get_absolute_url())
    assert "Dana Rivera" in html


def test_the_shared_content_is_rendered_again_each_day(
    client, page, reviewer, burglaries, monkeypatch
):
    client.force_login(reviewer)
    fetch(client, page.get_absolute_url())
    _, same_day = fetch(client, page.get_absolute_url())

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    _, next_day = fetch(client, page.get_absolute_url())

    assert next_day > same_day, "the page's content was read again"


def test_each_address_of_the_site_gets_an_embed_snippet_that_names_it(
    client, page, burglaries, settings
):
    settings.ALLOWED_HOSTS = ["coalition.example", "plan.example"]
    settings.PAGE_CACHE_SECONDS = 0

    first, _ = fetch(client, page.get_absolute_url(), HTTP_HOST="coalition.example")
    second, _ = fetch(client, page.get_absolute_url(), HTTP_HOST="plan.example")

    assert "http://coalition.example/embed/" in first
    assert "http://plan.example/embed/" in second and "coalition.example" not in second


def test_a_zero_lifetime_renders_the_content_for_every_reader(client, page, burglaries, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0

    _, first_queries = fetch(client, page.get_absolute_url())
    again, again_queries = fetch(client, page.get_absolute_url())

    assert "Burglaries reported" in again
    assert again_queries == first_queries > 1
    settings.FRAGMENT_CACHE_SECONDS = 3600
    assert shared_parts(page) is None, "nothing was stored"


def test_the_content_is_rendered_when_the_cache_cannot_be_reached(
    client, page, reviewer, cache_down
):
    cache_down("get_many")
    client.force_login(reviewer)

    html, _ = fetch(client, page.get_absolute_url())

    assert page.title in html and 'id="review-form"' in html


def test_the_content_is_served_when_it_cannot_be_stored(
    client, page, reviewer, cache_down, monkeypatch
):
    cache_down("set")
    client.force_login(reviewer)

    html, _ = fetch(client, page.get_absolute_url())

    assert page.title in html and 'id="review-form"' in html
    monkeypatch.undo()
    assert shared_parts(page) is None
