"""Whole pages cached for anonymous readers, replaced by the next edit to any content."""

import pytest
import reversion
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from base import page_cache
from base.revisions import recorded_change
from reviews import services as review_services
from scorecards.uploads import apply_upload
from strategy.models import Strategy
from tests.programs.factories import ProgramFactory
from tests.reviews.factories import ReviewFactory
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    PartnerFactory,
)
from tests.strategy.factories import StrategyProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def burglaries(page):
    measure = MeasureFactory(objective__strategy=page, name="Burglaries reported", unit="")
    DataPointFactory(measure=measure, period="2025-Q1", value=100)
    return measure


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_second_anonymous_request_is_served_from_the_cache_without_queries(
    client, page, django_assert_num_queries
):
    assert fetch(client, page.get_absolute_url())["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        again = fetch(client, page.get_absolute_url())

    assert again["X-Page-Cache"] == "hit"
    assert page.title in again.content.decode()
    assert again["Content-Type"] == "text/html; charset=utf-8"


def test_a_new_data_point_shows_on_the_next_anonymous_request(client, page, burglaries):
    scorecard = reverse("scorecards:scorecard", args=[page.slug])
    for url in (page.get_absolute_url(), scorecard):
        fetch(client, url)

    DataPointFactory(measure=burglaries, period="2025-Q2", value=4321)

    for url in (page.get_absolute_url(), scorecard):
        response = fetch(client, url)
        assert response["X-Page-Cache"] == "miss"
        assert "4,321" in response.content.decode()


def test_a_changed_and_a_deleted_data_point_show_on_the_next_request(client, page, burglaries):
    url = reverse("scorecards:scorecard", args=[page.slug])
    point = DataPointFactory(measure=burglaries, period="2025-Q2", value=4321)
    fetch(client, url)

    point.value = 8765
    point.save()
    assert "8,765" in fetch(client, url).content.decode()

    point.delete()
    assert "8,765" not in fetch(client, url).content.decode()


def test_a_csv_upload_written_in_bulk_shows_on_the_next_request(client, owner, page, burglaries):
    url = reverse("scorecards:scorecard", args=[page.slug])
    fetch(client, url)

    apply_upload(
        strategy=page,
        data=b"measure,period,value\nBurglaries reported,2025-Q3,2468\n",
        user=owner,
    )

    assert "2,468" in fetch(client, url).content.decode()


def test_partner_added_to_an_action_shows_on_the_partner_page(client, page):
    action = ActionFactory(objective__strategy=page, title="Call-in meeting")
    partner = PartnerFactory(name="Faith Council")
    url = reverse("scorecards:partner-detail", args=[partner.slug])
    assert "Call-in meeting" not in fetch(client, url).content.decode()

    action.partners.add(partner)

    assert "Call-in meeting" in fetch(client, url).content.decode()


def test_a_review_added_through_the_service_shows_on_the_page(client, page, reviewer):
    fetch(client, page.get_absolute_url())

    review_services.add_review(
        strategy=page,
        reviewer=reviewer,
        reviewed_on=timezone.localdate(page.created_at),
        comments="Cite the 2025 overdose report.",
        site_url="http://testserver/",
    )

    assert (
        "Cite the 2025 overdose report." in fetch(client, page.get_absolute_url()).content.decode()
    )


def test_a_program_renamed_shows_on_every_page_that_lists_it(client, page):
    program = ProgramFactory(name="Drug Market Intervention")
    StrategyProgramFactory(strategy=page, program=program)
    urls = [page.get_absolute_url(), reverse("programs:list"), program.get_absolute_url()]
    for url in urls:
        fetch(client, url)

    program.name = "High Point Drug Market Intervention"
    program.save()

    for url in urls:
        assert "High Point Drug Market Intervention" in fetch(client, url).content.decode()


def test_a_page_unpublished_through_the_service_disappears_for_anonymous_readers(
    client, page, editor
):
    fetch(client, page.get_absolute_url())

    with recorded_change(user=editor, comment="Back to draft"):
        Strategy.objects.filter(pk=page.pk).update(status=Strategy.Status.DRAFT)

    assert client.get(page.get_absolute_url()).status_code == 404


def test_signing_in_does_not_empty_the_cache(client, page, reviewer):
    fetch(client, page.get_absolute_url())
    version = page_cache.content_version()

    response = client.post(
        reverse("login"),
        {"username": reviewer.username, "password": "correct horse battery staple"},
    )

    assert response.status_code == 302

    assert page_cache.content_version() == version


def test_signed_in_readers_are_never_served_a_cached_page(client, page, reviewer):
    fetch(client, page.get_absolute_url())
    client.force_login(reviewer)

    response = fetch(client, page.get_absolute_url())

    assert not response.has_header("X-Page-Cache")
    assert 'id="review-form"' in response.content.decode()


def test_a_page_rendered_for_a_signed_in_reader_is_not_cached_for_anyone(client, page, reviewer):
    client.force_login(reviewer)
    fetch(client, page.get_absolute_url())
    client.logout()
    client.cookies.clear()

    response = fetch(client, page.get_absolute_url())

    assert response["X-Page-Cache"] == "miss"


def test_cached_pages_carry_no_csrf_token_cookie_or_user_name(client, page, reviewer):
    reviewer.first_name, reviewer.last_name = "Rosa", "Quintero"
    reviewer.save()
    client.force_login(reviewer)
    fetch(client, page.get_absolute_url())
    client.logout()
    client.cookies.clear()

    fetch(client, page.get_absolute_url())
    cached = fetch(client, page.get_absolute_url())

    assert cached["X-Page-Cache"] == "hit"
    body = cached.content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert "Rosa" not in body and reviewer.username not in body
    assert not cached.cookies
    assert not cached.has_header("Set-Cookie")


def test_a_reader_with_a_session_cookie_bypasses_the_cache(client, page):
    fetch(client, page.get_absolute_url())
    client.cookies["sessionid"] = "not-a-session"

    assert not fetch(client, page.get_absolute_url()).has_header("X-Page-Cache")


def test_a_review_shown_on_a_strategy_page_is_cached_with_its_page(client, page):
    ReviewFactory(strategy=page, comments="Add the school survey.")
    fetch(client, page.get_absolute_url())

    assert "Add the school survey." in fetch(client, page.get_absolute_url()).content.decode()


def test_query_strings_are_part_of_the_key(client):
    ProgramFactory(name="Naloxone distribution")
    fetch(client, reverse("programs:list"))

    response = fetch(client, reverse("programs:list") + "?rating=effective")

    assert response["X-Page-Cache"] == "miss"


def test_the_api_and_the_embed_are_cached_and_keep_their_headers(client, page):
    api = reverse("api:strategy-detail", args=[page.slug])
    embed = reverse("embed:scorecard", args=[page.slug])
    for url in (api, embed):
        fetch(client, url)

    api_hit, embed_hit = fetch(client, api), fetch(client, embed)

    assert api_hit["X-Page-Cache"] == "hit" and embed_hit["X-Page-Cache"] == "hit"
    assert api_hit["Access-Control-Allow-Origin"] == "*"
    assert api_hit["Content-Type"] == "application/json"
    assert "X-Frame-Options" not in embed_hit


def test_not_found_pages_are_not_cached(client):
    client.get("/strategies/not-yet/")

    assert not client.get("/strategies/not-yet/").has_header("X-Page-Cache")


def test_the_content_version_survives_its_own_eviction_without_reusing_old_numbers(page):
    from django.core.cache import cache

    before = page_cache.content_version()
    cache.delete(page_cache.VERSION_KEY)

    assert page_cache.content_version() > before


def test_a_zero_lifetime_turns_the_page_cache_off(client, page, settings):
    settings.PAGE_CACHE_SECONDS = 0
    fetch(client, page.get_absolute_url())

    assert not fetch(client, page.get_absolute_url()).has_header("X-Page-Cache")


def test_a_cached_page_keeps_the_security_headers_of_every_page(client, page):
    fetch(client, page.get_absolute_url())

    hit = fetch(client, page.get_absolute_url())

    assert hit["X-Page-Cache"] == "hit"
    assert hit["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in hit["Content-Security-Policy"]
    assert "camera=()" in hit["Permissions-Policy"]
    assert hit["X-Content-Type-Options"] == "nosniff"


def test_pages_that_are_not_marked_are_never_cached(client, db):
    client.get(reverse("login"))

    assert not client.get(reverse("login")).has_header("X-Page-Cache")


@pytest.mark.django_db(transaction=True)
def test_a_transaction_moves_the_version_on_as_it_writes_and_at_commit_however_many_rows():
    measure = MeasureFactory()
    before = page_cache.content_version()

    with transaction.atomic():
        for period in ("2025-Q1", "2025-Q2", "2025-Q3"):
            DataPointFactory(measure=measure, period=period)
        assert page_cache.content_version() == before + 1

    assert page_cache.content_version() == before + 2


@pytest.mark.django_db(transaction=True)
def test_a_transaction_rolled_back_holds_readers_only_until_its_request_ends(client, page):
    fetch(client, page.get_absolute_url())

    with pytest.raises(RuntimeError), transaction.atomic():
        DataPointFactory(measure__objective__strategy=page, period="2025-Q1")
        raise RuntimeError

    # Its write is still counted open: the page is rendered, not served or stored…
    assert not fetch(client, page.get_absolute_url()).has_header("X-Page-Cache")
    # …until the request that made it ends (here, the one just made).
    assert fetch(client, page.get_absolute_url())["X-Page-Cache"] == "miss"
    assert fetch(client, page.get_absolute_url())["X-Page-Cache"] == "hit"


def test_migrating_moves_the_version_on(page):
    before = page_cache.content_version()

    call_command("migrate", verbosity=0)

    assert page_cache.content_version() > before


def test_deleting_revisions_shows_on_the_next_history_page(client, page):
    with reversion.create_revision():
        page.save()
    url = reverse("strategy:strategy-history", args=[page.slug])
    fetch(client, url)

    call_command("deleterevisions", "strategy", verbosity=0)

    assert not Version.objects.get_for_object(page).exists()
    assert fetch(client, url)["X-Page-Cache"] == "miss"


def test_addresses_with_parameters_the_page_does_not_read_are_not_stored(client, page):
    url = page.get_absolute_url() + "?utm_source=newsletter"
    fetch(client, url)

    assert not fetch(client, url).has_header("X-Page-Cache")


def test_search_results_are_not_cached(client, page):
    fetch(client, reverse("strategy:search") + "?q=opioid")

    assert not fetch(client, reverse("strategy:search") + "?q=opioid").has_header("X-Page-Cache")


def test_pages_are_rendered_when_the_cache_cannot_be_reached(client, page, cache_down):
    cache_down("get_many")

    response = fetch(client, page.get_absolute_url())

    assert page.title in response.content.decode()
    assert not response.has_header("X-Page-Cache")


@pytest.mark.urls("tests.base.page_cache_urls")
def test_a_page_that_hands_out_a_csrf_token_is_not_stored(client, db):
    fetch(client, "/form/")

    second = fetch(client, "/form/")

    assert not second.has_header("X-Page-Cache")
    assert "csrftoken" in second.cookies


def test_parameters_in_another_order_are_the_same_page(client):
    ProgramFactory(name="Naloxone distribution")
    fetch(client, reverse("programs:list") + "?rating=effective&page=1")

    again = fetch(client, reverse("programs:list") + "?page=1&rating=effective")

    assert again["X-Page-Cache"] == "hit"


def test_only_paginated_api_lists_accept_a_page_parameter(client, page):
    detail = reverse("api:strategy-detail", args=[page.slug]) + "?page=2"
    listing = reverse("api:strategy-list") + "?page=1"
    for url in (detail, listing):
        fetch(client, url)

    assert not fetch(client, detail).has_header("X-Page-Cache")
    assert fetch(client, listing)["X-Page-Cache"] == "hit"
