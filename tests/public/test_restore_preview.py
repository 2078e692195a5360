"""A restore is previewed, then confirmed; it brings back text and structure and keeps records."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from demo.data import FEATURED_SLUG
from public import history, services
from reviews import services as review_services
from reviews.models import Review
from scorecards.models import Action, DataPoint, Measure, Objective
from strategy.models import Strategy
from tests.public.test_public_pages import fill_page
from tests.reviews.factories import ReviewFactory
from tests.revisions import confirm_restore, newest_version_id, page_change
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
)
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def preview_url(page, version) -> str:
    return reverse("strategy:strategy-revert", args=[page.slug, version.pk])


@pytest.fixture
def grown(page, owner, reviewer):
    """A page recorded once, then grown: a measure with data, data on an old measure,
    a planned action, an action under way and a review, and retitled."""
    objective = ObjectiveFactory(strategy=page, title="Close the open drug market")
    old_measure = MeasureFactory(objective=objective, name="Burglaries")
    old_point = DataPointFactory(measure=old_measure, period="2024", value=90)
    with page_change(page, user=owner, comment="First"):
        page.title = "Old title"
        page.save()
    first = Version.objects.get_for_object(page).get()
    with page_change(page, user=owner, comment="Grown"):
        page.title = "New title"
        page.save()
        new_objective = ObjectiveFactory(strategy=page, title="Offer treatment at arrest")
        measured = MeasureFactory(objective=new_objective, name="Overdose calls")
        for period, value in (("2025", 40), ("2026", 34)):
            DataPointFactory(measure=measured, period=period, value=value)
        empty = MeasureFactory(objective=objective, name="Never measured")
        DataPointFactory(measure=old_measure, period="2025", value=70)
        old_point.value = 85
        old_point.save()
        planned = ActionFactory(
            objective=objective,
            title="Plan a call-in",
            status=Action.Status.PLANNED,
            start_date=None,
            due_date=None,
        )
        under_way = ActionFactory(objective=objective, title="Hold the call-in")
    page.created_at = timezone.now() - datetime.timedelta(days=400)
    page.save()
    review_services.add_review(
        strategy=page, reviewer=reviewer, reviewed_on=TODAY, comments="Data are current."
    )
    return {
        "page": Strategy.objects.get(pk=page.pk),
        "first": first,
        "measured": measured,
        "new_objective": new_objective,
        "empty": empty,
        "planned": planned,
        "under_way": under_way,
        "old_point": old_point,
    }


def test_the_preview_shows_what_the_restore_changes_and_changes_nothing(client, editor, grown):
    page = grown["page"]
    client.force_login(editor)
    revisions = Revision.objects.count()

    response = client.get(preview_url(page, grown["first"]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "What the restore changes" in content
    assert "New title" in content and "Old title" in content
    assert "Never measured" in content and "Plan a call-in" in content, "removed by the restore"
    assert 'name="seen"' in content and "csrfmiddlewaretoken" in content
    assert Strategy.objects.get(pk=page.pk).title == "New title"
    assert Revision.objects.count() == revisions


def test_the_preview_says_which_parts_are_kept_because_they_have_data(client, editor, grown):
    client.force_login(editor)

    content = client.get(preview_url(grown["page"], grown["first"])).content.decode()

    assert "“Overdose calls”, added since that revision, is kept because it has data" in content
    assert "“Hold the call-in”, added since that revision, is kept because it has data" in content
    assert (
        "“Offer treatment at arrest”, added since that revision, is kept because a measure "
        "or action on it has data"
    ) in content
    assert "“Never measured”" not in content.split('id="kept"')[1]


def test_the_preview_counts_the_reviews_and_the_marks_of_review_it_keeps(
    client, editor, owner, grown
):
    page = grown["page"]
    review_services.mark_reviewed(user=owner, strategies=Strategy.objects.filter(pk=page.pk))
    client.force_login(editor)

    content = client.get(preview_url(page, grown["first"])).content.decode()

    kept = content.split('id="kept"')[1]
    assert "every one stays (1 review and 1 mark of review on this page)." in kept


def test_a_restore_brings_back_structure_and_keeps_every_record(client, editor, grown):
    page = grown["page"]
    points = set(DataPoint.objects.values_list("pk", "period", "value"))
    reviews = set(Review.objects.values_list("pk", "reviewed_on", "comments"))
    due = page.review_due
    client.force_login(editor)

    response = confirm_restore(client, page, grown["first"])

    assert response.status_code == 302
    restored = Strategy.objects.get(pk=page.pk)
    assert restored.title == "Old title"
    assert set(DataPoint.objects.values_list("pk", "period", "value")) == points
    assert set(Review.objects.values_list("pk", "reviewed_on", "comments")) == reviews
    assert Measure.objects.filter(pk=grown["measured"].pk).exists()
    assert Objective.objects.filter(pk=grown["new_objective"].pk).exists()
    assert Action.objects.filter(pk=grown["under_way"].pk).exists()
    assert not Measure.objects.filter(pk=grown["empty"].pk).exists(), "no data: removed"
    assert not Action.objects.filter(pk=grown["planned"].pk).exists(), "only planned: removed"
    assert (restored.last_reviewed, restored.review_due) == (TODAY, due)


def test_the_page_after_a_restore_is_the_page_the_preview_showed(editor, grown):
    page = grown["page"]
    plan = services.restore_plan(strategy=page, version=grown["first"])

    services.revert_page(strategy=page, version=grown["first"], user=editor)

    now = history.live_state(Strategy.objects.get(pk=page.pk))
    assert history.diff_states(plan.after, now).is_empty


def test_a_restore_states_one_review_date_and_keeps_the_due_date(client, editor, grown):
    page = grown["page"]
    client.force_login(editor)

    confirm_restore(client, page, grown["first"])

    content = client.get(Strategy.objects.get(pk=page.pk).get_absolute_url()).content.decode()
    shown = TODAY.strftime("%b %-d, %Y")
    assert f"on {shown}" in content and f"Last reviewed {shown}." in content
    assert content.count("Last reviewed") == 1


@pytest.mark.parametrize("who", ["reviewer", "owner"])
def test_only_editors_may_preview_a_restore(client, request, who, grown):
    client.force_login(request.getfixturevalue(who))

    preview = client.get(preview_url(grown["page"], grown["first"]))
    restore = confirm_restore(client, grown["page"], grown["first"])

    assert (preview.status_code, restore.status_code) == (403, 403)
    assert Strategy.objects.get(pk=grown["page"].pk).title == "New title"


def test_anonymous_visitors_are_sent_to_sign_in_before_a_preview(client, grown):
    response = client.get(preview_url(grown["page"], grown["first"]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_unknown_or_foreign_revision_has_no_preview(client, editor, grown):
    other = StrategyFactory()
    with page_change(other, user=editor):
        pass
    client.force_login(editor)
    page = grown["page"]

    foreign = client.get(preview_url(page, Version.objects.get_for_object(other).get()))
    unknown = client.get(reverse("strategy:strategy-revert", args=[page.slug, 999999]))

    assert (foreign.status_code, unknown.status_code) == (404, 404)


def test_a_restore_confirmed_after_the_page_changed_is_refused(client, editor, owner, grown):
    page = grown["page"]
    client.force_login(editor)
    seen = newest_version_id(page)
    with page_change(page, user=owner, comment="Meanwhile"):
        page.intro = "Written while the editor read the preview."
        page.save()

    response = client.post(preview_url(page, grown["first"]), {"seen": seen}, follow=True)

    assert response.redirect_chain[-1][0] == preview_url(page, grown["first"])
    assert "The page has changed since the preview was shown" in response.content.decode()
    assert Strategy.objects.get(pk=page.pk).title == "New title"
    assert not Revision.objects.filter(user=editor).exists()


def test_a_restore_posted_without_the_preview_is_refused(client, editor, grown):
    client.force_login(editor)

    response = client.post(preview_url(grown["page"], grown["first"]), follow=True)

    assert "Restore a revision from its preview" in response.content.decode()
    assert Strategy.objects.get(pk=grown["page"].pk).title == "New title"


def test_the_current_revision_has_nothing_to_restore(client, editor, grown):
    client.force_login(editor)
    current = Version.objects.get_for_object(grown["page"]).first()

    content = client.get(preview_url(grown["page"], current)).content.decode()

    assert "Nothing: the page" in content
    assert 'name="seen"' not in content


def test_restoring_the_oldest_revision_of_the_demo_page_keeps_its_records(client, editor):
    call_command("load_demo", stdout=None)
    page = Strategy.objects.get(slug=FEATURED_SLUG)
    oldest = Version.objects.get_for_object(page).last()
    measure = Measure.objects.filter(objective__strategy=page).first()
    page.created_at = timezone.now() - datetime.timedelta(days=800)
    page.save(update_fields=["created_at"])
    with page_change(page, user=editor, comment="Grown"):
        page.intro = "A newer introduction."
        page.save()
        added = MeasureFactory(objective=measure.objective, name="Call-in participants")
        DataPointFactory(measure=added, period="2026", value=12)
        DataPointFactory(measure=measure, period="2027-01", value=1)
    ReviewFactory(strategy=page, reviewed_on=TODAY, reviewer__first_name="Sam")
    review_services.refresh_review_date(page)
    points = set(DataPoint.objects.filter(measure__objective__strategy=page).values_list("pk"))
    reviews = set(Review.objects.filter(strategy=page).values_list("pk"))
    due = Strategy.objects.get(pk=page.pk).review_due
    client.force_login(editor)

    confirm_restore(client, page, oldest)

    page = Strategy.objects.get(pk=page.pk)
    assert page.intro != "A newer introduction."
    assert set(DataPoint.objects.filter(measure__objective__strategy=page).values_list("pk")) == (
        points
    )
    assert set(Review.objects.filter(strategy=page).values_list("pk")) == reviews
    assert (page.last_reviewed, page.review_due) == (TODAY, due)
    content = client.get(page.get_absolute_url()).content.decode()
    assert content.count("Last reviewed") == 1
    assert f"Last reviewed {TODAY.strftime('%b %-d, %Y')}." in content


def test_the_preview_costs_the_same_queries_however_much_the_page_has_grown(
    client, editor, page, owner
):
    with page_change(page, user=owner, comment="First"):
        pass
    first = Version.objects.get_for_object(page).get()
    client.force_login(editor)

    def queries_after_growing_by(size: int) -> int:
        with page_change(page, user=owner, comment="Grown"):
            fill_page(page, size)
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(preview_url(page, first))
        assert response.status_code == 200
        assert "kept because it has data" in response.content.decode()
        return len(captured)

    # The reader and their rights, the page, the version, the revision's versions,
    # the page now (one query per kind of part, one per kind of row their names
    # read), the page's newest version and the names the diff shows.
    assert queries_after_growing_by(1) == queries_after_growing_by(20) == 29
