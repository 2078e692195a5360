"""/reviews/: what is due, the newest comments, and a manager's pages with their scores."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from strategy.models import Strategy
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory
from tests.scorecards.factories import DataPointFactory
from tests.strategy.factories import StrategyFactory, StrategyProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
URL = reverse("reviews:dashboard")


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def section(html, heading_id):
    """The HTML of one section of the dashboard."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_someone_without_a_part_in_reviews_is_refused(client):
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 403
    assert "The review dashboard is for reviewers" in response.content.decode()


@pytest.mark.parametrize("who", ["reviewer", "owner", "editor", "expert"])
def test_reviewers_experts_managers_and_editors_may_use_it(client, reviewer, owner, editor, who):
    user = {
        "reviewer": reviewer,
        "owner": owner,
        "editor": editor,
        "expert": ExpertAssignmentFactory().expert,
    }[who]
    client.force_login(user)
    assert client.get(URL).status_code == 200


def test_reviewer_sees_overdue_due_soon_and_never_reviewed_pages_they_may_read(client, reviewer):
    StrategyFactory(title="Overdue page", last_reviewed=days_ago(400))
    StrategyFactory(title="Due soon page", last_reviewed=days_ago(350))
    StrategyFactory(title="Fresh page", last_reviewed=days_ago(10))
    never = StrategyFactory(title="Never reviewed page")
    StrategyFactory(title="Secret draft", status=Strategy.Status.DRAFT)
    client.force_login(reviewer)

    html = client.get(URL).content.decode()

    assert "Overdue page" in section(html, "overdue")
    assert "Due soon page" in section(html, "due-soon")
    assert "Never reviewed page" in section(html, "never-reviewed")
    assert f'href="{never.get_absolute_url()}"' in section(html, "never-reviewed")
    assert "Fresh page" not in html
    assert "Secret draft" not in html
    assert 'id="your-pages"' not in html


def test_newest_comments_link_to_the_comment_but_not_on_pages_the_user_cannot_read(
    client, reviewer
):
    shown = ReviewFactory(comments="Please add the 2025 outcome data.")
    ReviewFactory(strategy__status=Strategy.Status.DRAFT, comments="Draft-only remark.")
    client.force_login(reviewer)

    comments = section(client.get(URL).content.decode(), "newest-comments")

    assert "Please add the 2025 outcome data." in comments
    assert f'href="{shown.get_absolute_url()}"' in comments
    assert "Draft-only remark." not in comments


def test_manager_sees_their_pages_with_their_completeness_score(client, owner, outsider):
    StrategyFactory(page_manager=owner, title="Half done", intro="")
    complete = StrategyFactory(page_manager=owner, title="All done")
    ExpertAssignmentFactory(strategy=complete)
    StrategyProgramFactory(strategy=complete)
    DataPointFactory(measure__objective__strategy=complete, period=f"{TODAY.year}")
    StrategyFactory(page_manager=outsider, title="Someone else's")
    client.force_login(owner)

    yours = section(client.get(URL).content.decode(), "your-pages")

    assert "<td>29 %</td>" in yours
    assert "The introduction is written" in yours
    assert "<td>100 %</td>" in yours
    assert "Someone else" not in yours


def fill(size, owner):
    for n in range(size):
        overdue = StrategyFactory(page_manager=owner, last_reviewed=days_ago(400))
        StrategyFactory(last_reviewed=days_ago(350))
        StrategyFactory()
        ReviewFactory(strategy=overdue, reviewed_on=days_ago(400))
        ExpertAssignmentFactory(strategy=overdue)
        StrategyProgramFactory(strategy=overdue)
        DataPointFactory(measure__objective__strategy=overdue, period=f"{2020 + n}")


@pytest.mark.parametrize(("who", "queries"), [("reviewer", 6), ("owner", 12)])
def test_dashboard_costs_a_fixed_number_of_queries(
    client, reviewer, owner, who, queries, django_assert_num_queries
):
    user = {"reviewer": reviewer, "owner": owner}[who]
    client.force_login(user)
    fill(1, owner)
    with django_assert_num_queries(queries):
        assert client.get(URL).status_code == 200
    fill(12, owner)
    with django_assert_num_queries(queries):
        html = client.get(URL).content.decode()
    assert html.count("<li>") >= 26
