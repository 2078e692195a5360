"""Reviewers add dated comments from the strategy page; everything else is refused."""

import datetime

import pytest
import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from reversion.models import Version

from reviews import forms, services
from reviews.models import Review
from strategy.models import Strategy
from tests.admin_forms import admin_form_data
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory, ReviewMarkFactory
from tests.strategy.factories import StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_YEAR = TODAY - datetime.timedelta(days=365)


@pytest.fixture
def page(owner):
    """A published page that has existed for two years."""
    page = StrategyFactory(page_manager=owner, title="Drug Market Intervention")
    Strategy.objects.filter(pk=page.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=730)
    )
    page.refresh_from_db()
    return page


def post_review(client, page, *, reviewed_on=TODAY, comments="The outcome data are current."):
    return client.post(
        reverse("reviews:add", args=[page.slug]),
        {"reviewed_on": reviewed_on.isoformat() if reviewed_on else "", "comments": comments},
    )


# Refused, with a message, and nothing saved


@pytest.mark.parametrize(
    ("reviewed_on", "comments", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "Fine.", services.FUTURE_DATE),
        (TODAY, "", forms.COMMENTS_REQUIRED),
        (TODAY, "   \n  ", forms.COMMENTS_REQUIRED),
        (TODAY, "x" * 5001, "Comments can be at most 5,000 characters (these have 5001)."),
        (None, "Fine.", "This field is required."),
    ],
    ids=["future-date", "empty-comment", "blank-comment", "over-long-comment", "no-date"],
)
def test_invalid_review_is_refused_with_its_message_and_nothing_saved(
    client, reviewer, page, reviewed_on, comments, message
):
    client.force_login(reviewer)

    response = post_review(client, page, reviewed_on=reviewed_on, comments=comments)

    assert response.status_code == 200, "the page again, with the errors"
    html = response.content.decode()
    assert escape(message) in html
    assert page.title in html
    assert 'id="review-form"' in html
    assert not Review.objects.exists()
    page.refresh_from_db()
    assert page.last_reviewed is None


def test_review_dated_before_the_page_existed_is_refused(client, reviewer):
    page = StrategyFactory()
    client.force_login(reviewer)

    response = post_review(client, page, reviewed_on=TODAY - datetime.timedelta(days=1))

    assert response.status_code == 200
    assert "a review cannot be dated before that" in response.content.decode()
    assert not Review.objects.exists()


def test_review_of_a_draft_by_someone_who_cannot_see_it_is_not_found(client, reviewer, owner):
    draft = StrategyFactory(page_manager=owner, status=Strategy.Status.DRAFT)
    client.force_login(reviewer)

    assert post_review(client, draft).status_code == 404
    assert not Review.objects.exists()


@pytest.mark.parametrize("who", ["member", "outsider", "owner", "expert-elsewhere"])
def test_people_who_are_not_reviewers_of_the_page_are_refused(client, page, outsider, owner, who):
    user = {
        "member": lambda: UserFactory(),
        "outsider": lambda: outsider,
        "owner": lambda: owner,
        "expert-elsewhere": lambda: ExpertAssignmentFactory().expert,
    }[who]()
    client.force_login(user)

    response = post_review(client, page)

    assert response.status_code == 403
    assert escape(services.MAY_NOT_REVIEW) in response.content.decode()
    assert not Review.objects.exists()


def test_anonymous_post_is_sent_to_sign_in(client, page):
    response = post_review(client, page)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Review.objects.exists()


def test_reviews_are_only_posted(client, reviewer, page):
    client.force_login(reviewer)
    assert client.get(reverse("reviews:add", args=[page.slug])).status_code == 405


# Accepted


def test_valid_review_appears_on_the_page_and_stores_the_revision(client, reviewer, page):
    with reversion.create_revision():
        page.save()
    revision = Version.objects.get_for_object(page).first().revision
    client.force_login(reviewer)

    response = post_review(client, page, comments="Add the 2025 outcome data.")

    assert response.status_code == 302
    assert response.url == f"{page.get_absolute_url()}#reviews"
    review = Review.objects.get()
    assert (review.reviewer, review.reviewed_on, review.revision) == (reviewer, TODAY, revision)
    page.refresh_from_db()
    assert page.last_reviewed == TODAY

    html = client.get(response.url).content.decode()
    assert "your review is on the page" in html
    row = html[html.index(f'id="review-{review.pk}"') :]
    assert reviewer.get_full_name() in row[:500]
    assert "Add the 2025 outcome data." in row[:500]
    assert f"Reviewed by {reviewer.get_full_name()} on {TODAY:%b} {TODAY.day}, {TODAY.year}" in html


def test_review_of_a_page_without_revisions_stores_none(client, reviewer, page):
    client.force_login(reviewer)
    post_review(client, page)
    assert Review.objects.get().revision is None


def test_an_expert_of_the_page_may_review_it_without_the_reviewer_role(client, page):
    expert = ExpertAssignmentFactory(strategy=page).expert
    client.force_login(expert)

    assert post_review(client, page).status_code == 302
    assert Review.objects.get().reviewer == expert


def test_an_older_review_does_not_move_the_review_date_back(client, reviewer, page):
    ReviewMarkFactory(strategy=page, marked_on=TODAY - datetime.timedelta(days=10))
    services.refresh_review_date(page)
    client.force_login(reviewer)

    post_review(client, page, reviewed_on=LAST_YEAR)

    page.refresh_from_db()
    assert page.last_reviewed == TODAY - datetime.timedelta(days=10)
    assert Review.objects.get().reviewed_on == LAST_YEAR


# The service on its own


def test_service_refuses_someone_who_may_not_review(page):
    with pytest.raises(PermissionDenied):
        services.add_review(
            strategy=page, reviewer=UserFactory(), reviewed_on=TODAY, comments="Fine."
        )
    assert not Review.objects.exists()


def test_service_refuses_a_future_date_and_an_over_long_comment(reviewer, page):
    with pytest.raises(ValidationError) as future:
        services.add_review(
            strategy=page,
            reviewer=reviewer,
            reviewed_on=TODAY + datetime.timedelta(days=1),
            comments="Fine.",
        )
    with pytest.raises(ValidationError) as too_long:
        services.add_review(
            strategy=page, reviewer=reviewer, reviewed_on=TODAY, comments="x" * 5001
        )

    assert future.value.message_dict == {"reviewed_on": [services.FUTURE_DATE]}
    assert list(too_long.value.message_dict) == ["comments"]
    assert not Review.objects.exists()


# What the page shows


def test_public_sees_who_reviewed_the_page_last_near_the_top(client, page):
    ReviewFactory(strategy=page, reviewed_on=LAST_YEAR, reviewer__first_name="Ann")
    newest = ReviewFactory(strategy=page, reviewed_on=TODAY, reviewer__first_name="Bea")

    html = client.get(page.get_absolute_url()).content.decode()

    expected = f"Reviewed by {newest.reviewer_display} on {TODAY:%b} {TODAY.day}, {TODAY.year}."
    assert expected in html
    assert html.index(expected) < html.index(">Promising Programs</h2>")


def test_public_sees_not_yet_reviewed_and_no_form_or_checklist(client, page):
    html = client.get(page.get_absolute_url()).content.decode()

    assert '<p class="review-status text-body-secondary">Not yet reviewed.</p>' in html
    assert 'id="review-form"' not in html
    assert "Completeness:" not in html
    assert "Add a review</a> after signing in" in html


def test_reviewer_sees_the_form_with_todays_date(client, reviewer, page):
    client.force_login(reviewer)
    html = client.get(page.get_absolute_url()).content.decode()
    assert 'id="review-form"' in html
    assert f'value="{TODAY.isoformat()}"' in html
    assert f'max="{TODAY.isoformat()}"' in html


@pytest.mark.parametrize(("who", "sees"), [("owner", True), ("editor", True), ("outsider", False)])
def test_those_who_may_edit_the_page_see_its_completeness_checklist(
    client, page, owner, editor, outsider, who, sees
):
    client.force_login({"owner": owner, "editor": editor, "outsider": outsider}[who])
    html = client.get(page.get_absolute_url()).content.decode()
    assert ("Completeness: " in html) is sees
    assert ("At least one subject-matter expert" in html) is sees


def test_checklist_score_is_shown(client, owner):
    page = StrategyFactory(page_manager=owner, intro="")
    client.force_login(owner)
    html = client.get(page.get_absolute_url()).content.decode()
    # Manager named and no placeholder text: 2 of 7 checks.
    assert "Completeness: 29 %" in html


def test_an_editor_cannot_date_a_review_in_the_future_in_the_admin(client, editor, page):
    review = ReviewFactory(strategy=page, reviewed_on=datetime.date(2026, 3, 4))
    url = reverse("admin:reviews_review_change", args=[review.pk])
    client.force_login(editor)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(url, admin_form_data(client.get(url), reviewed_on=tomorrow))

    assert response.status_code == 200
    assert "A review date cannot be in the future." in response.content.decode()
    review.refresh_from_db()
    assert review.reviewed_on == datetime.date(2026, 3, 4)
