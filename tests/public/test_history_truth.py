"""Each change a public page shows is one revision by its author; a diff shows only its change."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Revision, Version

from accounts.people import person_name
from base.periods import add_months
from public import history
from reviews import services as review_services
from reviews.models import Review, ReviewMark
from strategy.models import Strategy
from tests.reviews.factories import ReviewFactory
from tests.revisions import page_change

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def history_url(page) -> str:
    return reverse("strategy:strategy-history", args=[page.slug])


def newest_diff(page) -> history.PageDiff:
    """What the page's newest revision changed, as its "Changes in this revision" link shows."""
    entries = history.page_history(page)
    comparison = history.compare(entries, str(entries[1].version_id), str(entries[0].version_id))
    return comparison.diff


def section(diff: history.PageDiff, title: str) -> history.SectionDiff:
    return next(s for s in diff.sections if s.title == title)


@pytest.fixture
def recorded(page, owner):
    """The page with one revision, reviewed on an earlier date."""
    page.created_at = timezone.now() - datetime.timedelta(days=400)
    page.save()
    with page_change(page, user=owner, comment="Written"):
        pass
    return page


def review(page, reviewer, *, on=TODAY, comments="The outcome data are current."):
    return review_services.add_review(
        strategy=page, reviewer=reviewer, reviewed_on=on, comments=comments
    )


def test_a_review_is_a_revision_by_its_reviewer(client, recorded, reviewer):
    review(recorded, reviewer)

    newest = history.page_history(recorded)[0]
    assert newest.author == person_name(reviewer, "")
    assert newest.comment == f"Reviewed on {date_format(TODAY, 'M j, Y')}"
    diff = newest_diff(recorded)
    added = section(diff, "Reviews").added
    assert [part.label for part in added] == [str(Review.objects.get())]
    assert not diff.page_changes, "the page's own fields did not change"
    content = client.get(history_url(recorded)).content.decode()
    assert f"Reviewed on {date_format(TODAY, 'M j, Y')}" in content


def test_the_next_edit_after_a_review_shows_only_that_edit(recorded, reviewer, owner):
    review(recorded, reviewer)
    page = Strategy.objects.get(pk=recorded.pk)
    assert page.last_reviewed == TODAY

    with page_change(page, user=owner, comment="Retitled"):
        page.title = "Retitled page"
        page.save()

    diff = newest_diff(page)
    assert [(c.name, c.new) for c in diff.page_changes] == [("Title", "Retitled page")]
    assert diff.sections == (), "no review and no review date in her change"


def test_marking_reviewed_the_day_of_a_review_shows_the_mark(recorded, reviewer, owner):
    review(recorded, reviewer)

    review_services.mark_reviewed(user=owner, strategies=Strategy.objects.filter(pk=recorded.pk))

    newest = history.page_history(recorded)[0]
    assert (newest.author, newest.comment) == (
        person_name(owner, ""),
        f"Marked reviewed on {date_format(TODAY, 'M j, Y')}",
    )
    diff = newest_diff(recorded)
    assert not diff.is_empty
    assert [part.label for part in section(diff, "Marked reviewed").added] == [
        str(ReviewMark.objects.get())
    ]
    assert ReviewMark.objects.get().marked_by == owner


def test_answering_a_review_is_a_revision_by_the_one_who_answers(recorded, reviewer, owner):
    answered = review(recorded, reviewer)

    review_services.mark_addressed(review=answered, user=owner, reply="Added the 2025 data.")

    newest = history.page_history(recorded)[0]
    assert newest.author == person_name(owner, "")
    assert newest.comment == (
        f"Answered the review by {answered.reviewer_display} of "
        f"{date_format(answered.reviewed_on, 'M j, Y')}"
    )
    (change,) = section(newest_diff(recorded), "Reviews").changed
    assert ("Reply", "(none)", "Added the 2025 data.") in [
        (c.name, c.old, c.new) for c in change.changes
    ]


def test_a_review_from_before_reviews_were_recorded_is_not_shown_as_new(recorded, owner):
    old_review = ReviewFactory(strategy=recorded, reviewed_on=TODAY)
    with page_change(recorded, user=owner, comment="Before"):
        pass
    # Revisions recorded before reviews were part of the page's revision hold none.
    Version.objects.filter(
        revision=Revision.objects.latest("pk"),
        content_type=ContentType.objects.get_for_model(Review),
    ).delete()
    Review.objects.filter(pk=old_review.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    with page_change(recorded, user=owner, comment="Retitled"):
        recorded.title = "Retitled"
        recorded.save()

    diff = newest_diff(recorded)

    assert [s.title for s in diff.sections] == []
    assert [c.name for c in diff.page_changes] == ["Title"]


def test_the_page_states_one_review_date_from_its_records(client, recorded, reviewer, owner):
    review(recorded, reviewer, on=TODAY - datetime.timedelta(days=30))
    review_services.mark_reviewed(user=owner, strategies=Strategy.objects.filter(pk=recorded.pk))

    content = client.get(recorded.get_absolute_url()).content.decode()

    shown = TODAY.strftime("%b %-d, %Y")
    assert f"Reviewed on {shown}" in content
    assert f"Last reviewed {shown}." in content
    page = Strategy.objects.get(pk=recorded.pk)
    assert page.last_reviewed == TODAY
    assert page.review_due == add_months(TODAY, page.review_interval_months)


def test_deleting_the_newest_review_in_the_admin_moves_the_date_back(client, recorded, editor):
    older = ReviewFactory(strategy=recorded, reviewed_on=TODAY - datetime.timedelta(days=40))
    newer = ReviewFactory(strategy=recorded, reviewed_on=TODAY - datetime.timedelta(days=2))
    review_services.refresh_review_date(recorded)
    client.force_login(editor)

    client.post(reverse("admin:reviews_review_delete", args=[newer.pk]), {"post": "yes"})

    assert not Review.objects.filter(pk=newer.pk).exists()
    assert Strategy.objects.get(pk=recorded.pk).last_reviewed == older.reviewed_on


def test_the_api_gives_the_review_date_the_page_shows(client, recorded, reviewer):
    review(recorded, reviewer, on=TODAY - datetime.timedelta(days=3))

    data = client.get(reverse("api:strategy-detail", args=[recorded.slug])).json()

    assert data["last_reviewed"] == (TODAY - datetime.timedelta(days=3)).isoformat()


# The data migration that turned stored dates into records


def run_migration(name: str):
    module = importlib.import_module(f"reviews.migrations.{name}")
    module.marks_from_last_reviewed(apps, None)


def test_a_stored_date_no_review_explains_becomes_a_mark_by_whoever_marked_it(page, editor):
    on = datetime.date(2026, 1, 31)
    with page_change(page, user=editor, comment=f"Marked reviewed on {on:%Y-%m-%d}"):
        pass
    Strategy.objects.filter(pk=page.pk).update(last_reviewed=on)
    explained = Strategy.objects.create(
        title="Reviewed page", slug="reviewed", map=page.map, band=page.band
    )
    ReviewFactory(strategy=explained, reviewed_on=on)
    Strategy.objects.filter(pk=explained.pk).update(last_reviewed=on)

    run_migration("0008_review_marks_from_last_reviewed")

    mark = ReviewMark.objects.get()
    assert (mark.strategy_id, mark.marked_on, mark.marked_by) == (page.pk, on, editor)
    assert mark.marked_by_name == person_name(editor, "")
    assert Strategy.objects.get(pk=page.pk).last_reviewed == on, "the fact is kept"
    assert Strategy.objects.get(pk=explained.pk).last_reviewed == on
