"""Bad input in the admin gets a message on the field and changes nothing."""

import pytest
from django.urls import reverse

from programs.models import Resource
from strategy.models import Strategy, StrategyMap
from tests.admin_forms import admin_form_data, change_url, field_errors, post_change
from tests.scorecards.factories import MeasureFactory, ObjectiveFactory
from tests.strategy.factories import BandFactory, StrategyFactory, StrategyMapFactory

pytestmark = pytest.mark.django_db


def test_empty_title_is_rejected_on_the_field(client, editor, page):
    client.force_login(editor)
    response = post_change(client, page, title="")
    assert field_errors(response)["title"] == ["This field is required."]
    page.refresh_from_db()
    assert page.title != ""


def test_duplicate_slug_is_rejected_on_the_field(client, editor, page):
    other = StrategyFactory()
    client.force_login(editor)
    response = post_change(client, page, slug=other.slug)
    assert "already exists" in field_errors(response)["slug"][0]


def test_negative_review_interval_is_rejected(client, editor, page):
    client.force_login(editor)
    response = post_change(client, page, review_interval_months=-1)
    assert field_errors(response)["review_interval_months"] == [
        "Ensure this value is greater than or equal to 0."
    ]


def test_band_of_another_map_is_rejected(client, editor, page):
    client.force_login(editor)
    response = post_change(client, page, band=BandFactory().pk)
    assert "band of another map" in field_errors(response)["band"][0]


def test_malformed_resource_url_is_rejected(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:programs_resource_add"),
        {"title": "A toolkit", "url": "not a url", "kind": Resource.Kind.TOOLKIT},
    )
    assert field_errors(response)["url"] == ["Enter a valid URL."]
    assert not Resource.objects.exists()


def test_zoom_map_detailing_a_strategy_of_another_map_is_rejected(client, editor):
    zoom = StrategyMapFactory()
    elsewhere = StrategyFactory()  # on a different zoom map
    client.force_login(editor)
    response = client.post(
        reverse("admin:strategy_strategymap_add"),
        {
            "title": "Wrong zoom",
            "slug": "wrong-zoom",
            "parent": zoom.parent_id,
            "zooms_into": elsewhere.pk,
            "bands-TOTAL_FORMS": 0,
            "bands-INITIAL_FORMS": 0,
        },
    )
    assert "not on this map's parent" in field_errors(response)["zooms_into"][0]
    assert not StrategyMap.objects.filter(slug="wrong-zoom").exists()


def test_invalid_inline_row_saves_nothing_of_the_page(client, editor, page):
    ObjectiveFactory(strategy=page, title="Keep me")
    client.force_login(editor)
    response = client.get(change_url(page))
    data = admin_form_data(response, title="Changed title")
    data["objectives-0-title"] = ""

    response = client.post(change_url(page), data)

    assert response.status_code == 200
    page.refresh_from_db()
    assert page.title != "Changed title"
    assert list(page.objectives.values_list("title", flat=True)) == ["Keep me"]


def test_the_same_resource_twice_in_one_section_is_rejected(client, editor, page):
    resource = Resource.objects.create(title="Guide", url="https://example.org/guide")
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(page)))
    data.update(
        {
            "resource_links-TOTAL_FORMS": "2",
            "resource_links-0-resource": resource.pk,
            "resource_links-0-order": 0,
            "resource_links-1-resource": resource.pk,
            "resource_links-1-order": 1,
        }
    )

    response = client.post(change_url(page), data)

    assert response.status_code == 200
    assert "Listed twice: Guide." in str(response.context["errors"])
    assert not page.resource_links.exists()


def test_status_accepts_only_known_values(client, editor, page):
    client.force_login(editor)
    response = post_change(client, page, status="deleted")
    assert "status" in field_errors(response)
    assert Strategy.objects.get(pk=page.pk).status == Strategy.Status.PUBLISHED


def test_review_interval_over_ten_years_is_rejected(client, editor, page):
    client.force_login(editor)
    response = post_change(
        client, page, last_reviewed="2025-01-01", review_interval_months=1_000_000
    )
    assert field_errors(response)["review_interval_months"] == [
        "Ensure this value is less than or equal to 120."
    ]


def test_a_page_manager_sets_when_a_measure_counts_as_stale(client, owner, page):
    measure = MeasureFactory(objective__strategy=page)
    client.force_login(owner)
    form = client.get(change_url(measure))

    saved = client.post(change_url(measure), admin_form_data(form, stale_after_months="25"))
    refused = post_change(client, measure, stale_after_months="0")

    assert saved.status_code == 302
    assert field_errors(refused)["stale_after_months"]
    measure.refresh_from_db()
    assert measure.stale_after_months == 25
