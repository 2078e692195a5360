import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from base.periods import add_months
from programs.models import Resource
from strategy.models import Strategy, StrategyLink, StrategyMap
from tests.programs.factories import ProgramFactory, ResourceFactory
from tests.strategy.factories import (
    BandFactory,
    EditorFactory,
    PageManagerFactory,
    ReviewerFactory,
    StrategyFactory,
    StrategyLinkFactory,
    StrategyMapFactory,
    StrategyProgramFactory,
    StrategyResourceFactory,
    TopLevelMapFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The user factories hash a password for every page manager; keep that cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def validation_errors(instance, **kwargs):
    """full_clean() the instance and return its error dict (fails the test if it is valid)."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean(**kwargs)
    return excinfo.value.message_dict


def strategy_on(map_, **kwargs):
    return StrategyFactory(band=BandFactory(map=map_), **kwargs)


# StrategyMap.clean


def test_zoom_map_may_detail_a_strategy_on_its_parent_map():
    top = TopLevelMapFactory()
    strategy = strategy_on(top)
    zoom = StrategyMap(title="Drug markets", slug="drug-markets", parent=top, zooms_into=strategy)

    zoom.full_clean()


def test_zoom_map_cannot_detail_a_strategy_on_another_map():
    top = TopLevelMapFactory()
    sibling = StrategyMapFactory(parent=top)
    elsewhere = strategy_on(sibling)
    zoom = StrategyMap(title="Drug markets", slug="drug-markets", parent=top, zooms_into=elsewhere)

    errors = validation_errors(zoom)

    assert list(errors) == ["zooms_into"]
    assert str(elsewhere) in errors["zooms_into"][0]
    assert str(top) in errors["zooms_into"][0]


def test_top_level_map_cannot_zoom_into_a_strategy():
    top = TopLevelMapFactory()
    strategy = strategy_on(StrategyMapFactory(parent=top))
    top.zooms_into = strategy

    errors = validation_errors(top)

    assert list(errors) == ["zooms_into"]
    assert "Only a zoom map can detail a strategy" in errors["zooms_into"][0]


def test_top_level_map_passes_its_own_clean():
    top = TopLevelMapFactory()

    top.full_clean()


def test_second_top_level_map_is_rejected_on_parent():
    top = TopLevelMapFactory()
    second = StrategyMap(title="Another top", slug="another-top")

    errors = validation_errors(second)

    assert list(errors) == ["parent"]
    assert f"“{top}” is already the top-level map" in errors["parent"][0]


def test_map_cannot_be_its_own_parent():
    zoom = StrategyMapFactory()
    zoom.parent = zoom

    errors = validation_errors(zoom)

    assert errors == {"parent": ["A map cannot zoom out of itself or of one of its own zoom maps."]}


def test_database_refuses_a_map_that_is_its_own_parent():
    zoom = StrategyMapFactory()

    with transaction.atomic(), pytest.raises(IntegrityError):
        StrategyMap.objects.filter(pk=zoom.pk).update(parent=F("id"))

    zoom.refresh_from_db()
    assert zoom.parent_id != zoom.pk


def test_map_cannot_zoom_out_of_its_own_zoom_map():
    top = TopLevelMapFactory()
    middle = StrategyMapFactory(parent=top)
    below = StrategyMapFactory(parent=middle)
    middle.parent = below  # middle -> below -> middle: a cycle that never reaches the top

    errors = validation_errors(middle)

    assert "parent" in errors


# Unique slugs and required fields


def test_duplicate_map_slug_is_rejected_by_full_clean():
    existing = StrategyMapFactory()
    duplicate = StrategyMap(title="Copy", slug=existing.slug, parent=existing.parent)

    errors = validation_errors(duplicate)

    assert list(errors) == ["slug"]


def test_duplicate_map_slug_is_refused_by_the_database():
    existing = StrategyMapFactory()

    with transaction.atomic(), pytest.raises(IntegrityError):
        StrategyMap.objects.create(title="Copy", slug=existing.slug, parent=existing.parent)

    assert StrategyMap.objects.filter(slug=existing.slug).count() == 1


def test_duplicate_strategy_slug_is_rejected_by_full_clean():
    existing = StrategyFactory()
    duplicate = Strategy(title="Copy", slug=existing.slug, map=existing.map, band=existing.band)

    errors = validation_errors(duplicate)

    assert list(errors) == ["slug"]


def test_duplicate_strategy_slug_is_refused_by_the_database():
    existing = StrategyFactory()

    with transaction.atomic(), pytest.raises(IntegrityError):
        Strategy.objects.create(
            title="Copy", slug=existing.slug, map=existing.map, band=existing.band
        )

    assert Strategy.objects.filter(slug=existing.slug).count() == 1


def test_map_with_empty_title_is_rejected():
    zoom = StrategyMapFactory.build(title="")

    errors = validation_errors(zoom)

    assert list(errors) == ["title"]


def test_strategy_with_empty_title_is_rejected():
    strategy = StrategyFactory()
    strategy.title = ""

    errors = validation_errors(strategy)

    assert list(errors) == ["title"]


# Strategy.clean and the review interval


def test_strategy_band_must_belong_to_the_strategy_map():
    strategy = StrategyFactory()
    foreign_band = BandFactory(title="Community Results")
    strategy.band = foreign_band

    errors = validation_errors(strategy)

    assert errors == {"band": ["“Community Results” is a band of another map."]}


def test_strategy_with_band_of_its_own_map_is_valid():
    strategy = StrategyFactory()

    strategy.full_clean()


def test_negative_review_interval_is_rejected_by_full_clean():
    strategy = StrategyFactory()
    strategy.review_interval_months = -1

    errors = validation_errors(strategy)

    assert errors in (
        {"review_interval_months": ["Ensure this value is greater than or equal to 0."]},
        {NON_FIELD_ERRORS: ["The review interval cannot be negative."]},
    )


def test_negative_review_interval_constraint_message_when_field_validation_is_skipped():
    strategy = StrategyFactory()
    strategy.review_interval_months = -1

    with pytest.raises(ValidationError) as excinfo:
        strategy.validate_constraints()

    assert excinfo.value.messages == ["The review interval cannot be negative."]


def test_database_refuses_negative_review_interval_on_update():
    strategy = StrategyFactory(review_interval_months=12)

    with transaction.atomic(), pytest.raises(IntegrityError):
        Strategy.objects.filter(pk=strategy.pk).update(review_interval_months=-3)

    strategy.refresh_from_db()
    assert strategy.review_interval_months == 12


def test_database_refuses_negative_review_interval_on_save_without_clean():
    strategy = StrategyFactory(review_interval_months=12)
    strategy.review_interval_months = -1

    with transaction.atomic(), pytest.raises(IntegrityError):
        strategy.save()

    assert Strategy.objects.get(pk=strategy.pk).review_interval_months == 12


# review_due and version


def test_review_due_is_last_review_plus_interval():
    strategy = StrategyFactory(last_reviewed=datetime.date(2025, 3, 15), review_interval_months=12)

    strategy.refresh_from_db()
    assert strategy.review_due == datetime.date(2026, 3, 15)


def test_review_due_is_clamped_to_the_end_of_a_shorter_month():
    leap = StrategyFactory(last_reviewed=datetime.date(2024, 1, 31), review_interval_months=1)
    common = StrategyFactory(last_reviewed=datetime.date(2023, 1, 31), review_interval_months=1)

    leap.refresh_from_db()
    common.refresh_from_db()
    assert leap.review_due == datetime.date(2024, 2, 29)
    assert common.review_due == datetime.date(2023, 2, 28)


def test_review_due_crosses_the_year_end():
    strategy = StrategyFactory(last_reviewed=datetime.date(2025, 10, 31), review_interval_months=4)

    strategy.refresh_from_db()
    assert strategy.review_due == datetime.date(2026, 2, 28)


def test_review_due_is_empty_when_never_reviewed():
    strategy = StrategyFactory(last_reviewed=None)

    strategy.refresh_from_db()
    assert strategy.review_due is None


def test_review_due_is_cleared_when_last_review_is_removed():
    strategy = StrategyFactory(last_reviewed=datetime.date(2025, 3, 15))
    strategy.last_reviewed = None
    strategy.save()

    strategy.refresh_from_db()
    assert strategy.review_due is None


def test_review_due_is_saved_even_when_only_last_reviewed_is_updated():
    strategy = StrategyFactory(last_reviewed=None, review_interval_months=6)
    strategy.last_reviewed = datetime.date(2025, 8, 31)
    strategy.save(update_fields=["last_reviewed"])

    strategy.refresh_from_db()
    assert strategy.review_due == datetime.date(2026, 2, 28)


def test_add_months_clamps_and_goes_backwards():
    assert add_months(datetime.date(2024, 3, 31), 1) == datetime.date(2024, 4, 30)
    assert add_months(datetime.date(2024, 3, 31), -1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 1, 15), -1) == datetime.date(2023, 12, 15)
    assert add_months(datetime.date(2024, 5, 5), 0) == datetime.date(2024, 5, 5)


def test_version_starts_at_one_and_increments_on_each_save():
    strategy = StrategyFactory()
    assert Strategy.objects.get(pk=strategy.pk).version == 1

    strategy.intro = "Revised introduction."
    strategy.save()
    assert Strategy.objects.get(pk=strategy.pk).version == 2

    strategy.save(update_fields=["intro"])
    assert Strategy.objects.get(pk=strategy.pk).version == 3


# StrategyLink


def test_strategy_cannot_link_to_itself():
    strategy = StrategyFactory()
    link = StrategyLink(cause=strategy, effect=strategy)

    errors = validation_errors(link)

    assert errors == {NON_FIELD_ERRORS: ["A strategy cannot cause itself."]}


def test_database_refuses_a_link_from_a_strategy_to_itself():
    strategy = StrategyFactory()

    with transaction.atomic(), pytest.raises(IntegrityError):
        StrategyLink.objects.create(cause=strategy, effect=strategy)

    assert not StrategyLink.objects.exists()


def test_linked_strategies_must_be_on_the_same_map():
    cause = StrategyFactory()
    effect = StrategyFactory()  # a fresh band on a fresh zoom map
    assert cause.map_id != effect.map_id
    link = StrategyLink(cause=cause, effect=effect)

    errors = validation_errors(link)

    assert errors == {"effect": ["Both strategies must be on the same map."]}


def test_link_between_strategies_on_one_map_is_valid():
    cause = StrategyFactory()
    effect = StrategyFactory(band=BandFactory(map=cause.map))

    StrategyLink(cause=cause, effect=effect).full_clean()


def test_the_same_link_cannot_be_made_twice():
    link = StrategyLinkFactory()

    errors = validation_errors(StrategyLink(cause=link.cause, effect=link.effect))

    assert errors == {NON_FIELD_ERRORS: ["These strategies are already linked."]}


# Query sets: who sees which pages


@pytest.fixture
def pages():
    owner = PageManagerFactory(username="pm-owner")
    other = PageManagerFactory(username="pm-other")
    status = Strategy.Status
    return {
        "owner": owner,
        "other": other,
        "published": StrategyFactory(page_manager=other, status=status.PUBLISHED),
        "under_construction": StrategyFactory(page_manager=other, status=status.UNDER_CONSTRUCTION),
        "own_draft": StrategyFactory(page_manager=owner, status=status.DRAFT),
        "other_draft": StrategyFactory(page_manager=other, status=status.DRAFT),
        "archived": StrategyFactory(page_manager=other, status=status.ARCHIVED),
    }


def test_public_hides_drafts_and_archived_pages(pages):
    assert set(Strategy.objects.public()) == {pages["published"], pages["under_construction"]}


def test_page_manager_may_edit_only_own_pages(pages):
    assert set(Strategy.objects.editable_by(pages["owner"])) == {pages["own_draft"]}


def test_staff_may_read_every_page_but_edit_only_their_own(pages):
    owner = pages["owner"]

    assert set(Strategy.objects.visible_to(owner)) == set(Strategy.objects.all())
    assert pages["own_draft"] in Strategy.objects.editable_by(owner)
    assert not Strategy.objects.editable_by(owner).exclude(page_manager=owner).exists()


def test_signed_in_reviewer_sees_public_pages_only(pages):
    reviewer = ReviewerFactory()
    assert set(Strategy.objects.visible_to(reviewer)) == set(Strategy.objects.public())


def test_editor_may_edit_and_see_every_page(pages):
    editor = EditorFactory(username="the-editor")
    everything = set(Strategy.objects.all())

    assert set(Strategy.objects.editable_by(editor)) == everything
    visible = list(Strategy.objects.visible_to(editor))
    assert set(visible) == everything
    assert len(visible) == len(everything)


def test_anonymous_user_sees_only_public_pages(pages):
    anonymous = AnonymousUser()

    assert not Strategy.objects.editable_by(anonymous).exists()
    assert set(Strategy.objects.visible_to(anonymous)) == {
        pages["published"],
        pages["under_construction"],
    }


def test_inactive_editor_sees_only_public_pages(pages):
    editor = EditorFactory(username="gone-editor", is_active=False)

    assert not Strategy.objects.editable_by(editor).exists()
    assert set(Strategy.objects.visible_to(editor)) == {
        pages["published"],
        pages["under_construction"],
    }


def test_visible_to_keeps_an_earlier_filter(pages):
    draft_map = pages["own_draft"].map

    visible = Strategy.objects.filter(map=draft_map).visible_to(pages["owner"])

    assert list(visible) == [pages["own_draft"]]


# URLs, names and the map hierarchy


def test_top_level_map_url_is_the_home_page():
    assert TopLevelMapFactory().get_absolute_url() == "/"


def test_zoom_map_url_uses_its_slug():
    assert StrategyMapFactory(slug="drug-markets").get_absolute_url() == "/maps/drug-markets/"


def test_strategy_url_uses_its_slug():
    strategy = StrategyFactory(slug="drug-market-intervention")

    assert strategy.get_absolute_url() == "/strategies/drug-market-intervention/"


def test_string_representations():
    top = TopLevelMapFactory(title="Opioid Top-Level Strategy Map")
    band = BandFactory(map=top, title="Community Results")
    cause = StrategyFactory(band=band, title="Close drug markets")
    effect = StrategyFactory(band=band, title="Fewer overdoses")
    program = ProgramFactory(name="Drug Market Intervention")
    resource = ResourceFactory(title="DMI toolkit")

    assert str(top) == "Opioid Top-Level Strategy Map"
    assert str(band) == "Opioid Top-Level Strategy Map: Community Results"
    assert str(cause) == "Close drug markets"
    assert str(StrategyLinkFactory(cause=cause, effect=effect)) == (
        "Close drug markets → Fewer overdoses"
    )
    assert str(StrategyProgramFactory(strategy=cause, program=program)) == (
        "Drug Market Intervention on Close drug markets"
    )
    assert str(StrategyResourceFactory(strategy=cause, resource=resource)) == (
        "DMI toolkit (Tools & Resources)"
    )


def test_ancestors_run_from_the_top_level_map_down():
    top = TopLevelMapFactory()
    middle = StrategyMapFactory(parent=top)
    below = StrategyMapFactory(parent=middle)

    assert top.ancestors() == [top]
    assert middle.ancestors() == [top, middle]
    assert StrategyMap.objects.get(pk=below.pk).ancestors() == [top, middle, below]


def test_strategy_breadcrumb_is_its_map_ancestors():
    top = TopLevelMapFactory()
    zoom = StrategyMapFactory(parent=top)
    strategy = strategy_on(zoom)

    assert strategy.breadcrumb() == [top, zoom]


# Resource


def test_resource_with_malformed_url_is_rejected_on_url():
    resource = Resource(title="Toolkit", url="not a url")

    errors = validation_errors(resource)

    assert list(errors) == ["url"]


def test_resource_with_valid_or_empty_url_is_accepted():
    Resource(title="Toolkit", url="https://example.org/toolkit").full_clean()
    Resource(title="Toolkit", url="").full_clean()


def test_review_date_in_the_future_is_rejected_on_the_field():
    page = StrategyFactory(last_reviewed=datetime.date.today() + datetime.timedelta(days=3))
    errors = validation_errors(page)
    assert errors["last_reviewed"] == ["A review date cannot be in the future."]


def test_strategy_detailed_by_a_zoom_map_cannot_move_to_another_map():
    top_band = BandFactory(map=TopLevelMapFactory())
    detailed = StrategyFactory(band=top_band)
    StrategyMapFactory(parent=top_band.map, zooms_into=detailed, title="Reduce Access")
    elsewhere = BandFactory()
    detailed.map, detailed.band = elsewhere.map, elsewhere

    errors = validation_errors(detailed)

    assert "The zoom map “Reduce Access” details this strategy" in errors["map"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("status", Strategy.Status.values)
def test_one_page_and_the_queryset_agree_on_who_may_read_it_and_edit_it(status):
    owner = PageManagerFactory()
    page = StrategyFactory(status=status, page_manager=owner)
    readers = [AnonymousUser(), ReviewerFactory(), owner, PageManagerFactory(), EditorFactory()]

    for user in readers:
        visible = Strategy.objects.visible_to(user).filter(pk=page.pk).exists()
        editable = Strategy.objects.editable_by(user).filter(pk=page.pk).exists()
        assert page.is_visible_to(user) == visible, (status, user)
        assert user.has_perm("strategy.change_strategy", page) == editable, (status, user)
        found = Strategy.objects.find_visible(page.slug, user)
        assert (found.title if found else None) == (page.title if visible else None), (
            status,
            user,
        )


@pytest.mark.django_db
def test_find_visible_knows_no_page_by_another_slug(client):
    StrategyFactory(slug="naloxone")

    assert Strategy.objects.find_visible("naloxone-distribution", EditorFactory()) is None
    assert client.get("/strategies/naloxone-distribution/").status_code == 404
