"""The page manager (or an editor) marks a comment addressed with a short reply."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from reviews import services
from strategy.models import Strategy
from tests.reviews.factories import ReviewFactory
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(page):
    return ReviewFactory(strategy=page, comments="The 2025 outcome data are missing.")


def mark(client, review, reply="Added the 2025 data."):
    return client.post(reverse("reviews:address", args=[review.pk]), {"reply": reply})


def test_manager_marks_a_comment_addressed_and_the_reply_shows_under_it(client, owner, review):
    owner.first_name, owner.last_name = "Maria", "Lopez"
    owner.save()
    client.force_login(owner)

    response = mark(client, review)

    assert response.status_code == 302
    assert response.url == review.get_absolute_url()
    review.refresh_from_db()
    assert review.is_addressed
    assert (review.addressed_by, review.reply) == (owner, "Added the 2025 data.")
    client.logout()
    html = client.get(review.strategy.get_absolute_url()).content.decode()
    row = html[html.index(f'id="review-{review.pk}"') :]
    row = row[: row.index("</tr>")]
    today = timezone.localdate()
    assert "The 2025 outcome data are missing." in row
    assert f"by Maria Lopez on {today:%b} {today.day}, {today.year}: Added the 2025 data." in row


def test_an_editor_may_mark_any_comment_addressed(client, editor, review):
    client.force_login(editor)
    assert mark(client, review, reply="").status_code == 302
    review.refresh_from_db()
    assert review.addressed_by == editor
    assert review.reply == ""


def test_manager_of_another_page_is_refused(client, outsider, review):
    client.force_login(outsider)

    response = mark(client, review)

    assert response.status_code == 403
    assert escape(services.MAY_NOT_ANSWER) in response.content.decode()
    review.refresh_from_db()
    assert not review.is_addressed


def test_reviewer_cannot_mark_addressed_nor_find_a_draft_pages_review(client, reviewer, owner):
    published = ReviewFactory(strategy__page_manager=owner)
    draft = ReviewFactory(strategy=StrategyFactory(status=Strategy.Status.DRAFT))
    client.force_login(reviewer)

    assert mark(client, published).status_code == 403
    assert mark(client, draft).status_code == 404
    published.refresh_from_db()
    draft.refresh_from_db()
    assert not published.is_addressed
    assert not draft.is_addressed


def test_anonymous_is_sent_to_sign_in(client, review):
    response = mark(client, review)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    review.refresh_from_db()
    assert not review.is_addressed


def test_over_long_reply_is_refused_with_its_message_in_the_reply_box_open_again(
    client, owner, review
):
    client.force_login(owner)

    response = mark(client, review, reply="x" * 1001)

    review.refresh_from_db()
    assert not review.is_addressed
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index(f'id="review-{review.pk}"') :]
    row = row[: row.index("</tr>")]
    assert '<details class="review-answer no-print mt-2 small" open>' in row
    assert "A reply can be at most 1,000 characters (this has 1001)." in row
    assert "x" * 1001 in row, "the reply as typed"


def test_each_unanswered_review_has_a_closed_reply_box_named_for_its_review(client, owner, review):
    ReviewFactory(strategy=review.strategy, comments="Also: the map is stale.")
    client.force_login(owner)

    html = client.get(review.strategy.get_absolute_url()).content.decode()

    assert html.count('<details class="review-answer no-print mt-2 small">') == 2
    assert " open>" not in html[html.index('id="reviews"') :]
    assert (
        f'Reply<span class="visually-hidden"> to {review.reviewer_display}, '
        f"{review.reviewed_on:%b} {review.reviewed_on.day}, {review.reviewed_on.year}</span>"
    ) in html


def test_only_those_who_may_answer_see_the_mark_addressed_form(client, owner, outsider, review):
    url = review.strategy.get_absolute_url()
    action = reverse("reviews:address", args=[review.pk])

    assert action not in client.get(url).content.decode()
    client.force_login(outsider)
    assert action not in client.get(url).content.decode()
    client.force_login(owner)
    assert action in client.get(url).content.decode()
