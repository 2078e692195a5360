"""/updates/: what is due for the signed-in person, each item linking to where it is done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.models import MISSING_LOOK_BACK, Action
from strategy.models import Strategy
from tests.reviews.factories import ReviewFactory
from tests.scorecards.factories import ActionFactory, DataPointFactory, MeasureFactory
from tests.strategy.factories import (
    EditorFactory,
    PageManagerFactory,
    StrategyFactory,
    UserFactory,
)
from updates import selectors


def grid_url(measure) -> str:
    """The data-entry grid of the measure's objective."""
    page_grid = reverse(
        "admin:strategy_strategy_enter_values", args=[measure.objective.strategy_id]
    )
    return f"{page_grid}?objective={measure.objective_id}"


pytestmark = pytest.mark.django_db

URL = reverse("updates:queue")
TODAY = timezone.localdate()


def section(html, heading_id):
    """The HTML of one group of the queue."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def measure_due(page, **fields):
    """A measure of ``page`` with no value for its newest period that is due."""
    return MeasureFactory(objective__strategy=page, **fields)


def measure_up_to_date(page, **fields):
    measure = MeasureFactory(objective__strategy=page, **fields)
    DataPointFactory(measure=measure, period=measure.latest_due_period(TODAY).label)
    return measure


def action_overdue(page, **fields):
    return ActionFactory(
        objective__strategy=page, due_date=TODAY - datetime.timedelta(days=5), **fields
    )


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [URL, reverse("updates:settings")])
def test_someone_who_keeps_no_pages_is_refused(client, reviewer, url):
    client.force_login(reviewer)

    response = client.get(url)

    assert response.status_code == 403
    assert "The updates queue is for the people who keep the pages" in response.content.decode()


def test_values_due_on_the_measures_a_person_owns_link_to_where_they_are_entered(
    client, owner, page
):
    unowned = measure_due(page, name="Burglaries in the target area")
    mine_elsewhere = measure_due(StrategyFactory(), name="Overdose calls", owner=owner)
    measure_due(page, name="Owned by a colleague", owner=PageManagerFactory())
    measure_up_to_date(page, name="Entered already")
    client.force_login(owner)

    html = section(client.get(URL).content.decode(), "values")

    period = unowned.latest_due_period(TODAY)
    assert f"Burglaries in the target area: the value for {period.label}" in html
    assert f'href="{grid_url(unowned)}"' in html
    assert f'href="{grid_url(mine_elsewhere)}"' in html
    assert "Owned by a colleague" not in html
    assert "Entered already" not in html
    due = unowned.due_on(period)
    said = "due" if due == TODAY else "overdue since"
    assert f"{said} {due:%b} {due.day}, {due.year}" in html


def test_actions_past_due_or_unchanged_for_90_days_link_to_their_objective(client, owner, page):
    late = action_overdue(page, title="Hold the call-in")
    quiet = ActionFactory(objective__strategy=page, title="Map the market", due_date=None)
    Action.objects.filter(pk=quiet.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=91)
    )
    action_overdue(page, title="Finished long ago", status=Action.Status.DONE)
    ActionFactory(objective__strategy=page, title="On schedule", due_date=None)
    action_overdue(page, title="A colleague action", responsible=PageManagerFactory())
    client.force_login(owner)

    html = section(client.get(URL).content.decode(), "actions")

    assert "Hold the call-in" in html
    objective_form = reverse("admin:scorecards_objective_change", args=[late.objective_id])
    assert f'href="{objective_form}"' in html
    assert "past its due date" in html
    assert "Map the market" in html
    assert "unchanged since" in html
    assert "Finished long ago" not in html
    assert "On schedule" not in html
    assert "A colleague action" not in html
    # Past due comes before merely quiet.
    assert html.index("Hold the call-in") < html.index("Map the market")


def test_reviews_not_yet_addressed_on_pages_a_person_manages_link_to_the_comment(
    client, owner, page
):
    open_review = ReviewFactory(strategy=page, reviewer_name="", comments="Add the 2025 data.")
    ReviewFactory(strategy=page, addressed_at=timezone.now(), reviewer__first_name="Answered")
    ReviewFactory(reviewer__first_name="Elsewhere")
    client.force_login(owner)

    html = section(client.get(URL).content.decode(), "reviews")

    assert f'href="{page.get_absolute_url()}#review-{open_review.pk}"' in html
    assert open_review.reviewer_display in html
    assert "Answered" not in html
    assert "Elsewhere" not in html


def test_pages_due_for_review_link_to_marking_them_reviewed(client, owner, page):
    StrategyFactory(page_manager=owner, title="Fresh page", last_reviewed=TODAY)
    StrategyFactory(page_manager=owner, title="Draft page", status=Strategy.Status.DRAFT)
    overdue = StrategyFactory(
        page_manager=owner, title="Overdue page", last_reviewed=TODAY - datetime.timedelta(400)
    )
    client.force_login(owner)

    html = section(client.get(URL).content.decode(), "page-reviews")

    assert page.title in html
    assert "never reviewed" in html
    assert "Overdue page" in html
    changelist = reverse("admin:strategy_strategy_changelist")
    assert f'href="{changelist}?id__exact={overdue.pk}"' in html
    assert "Fresh page" not in html
    assert "Draft page" not in html
    # Overdue comes first.
    assert html.index("Overdue page") < html.index(page.title)


def test_the_link_to_mark_a_page_reviewed_lists_that_page_alone_for_its_manager(
    client, owner, page
):
    StrategyFactory(page_manager=owner, title="Another page of theirs")
    client.force_login(owner)

    response = client.get(f"{reverse('admin:strategy_strategy_changelist')}?id__exact={page.pk}")

    assert response.status_code == 200
    html = response.content.decode()
    assert page.title in html
    assert "Another page of theirs" not in html
    assert "Mark the selected pages reviewed today" in html


def test_archived_pages_are_left_out(client, owner):
    archived = StrategyFactory(page_manager=owner, status=Strategy.Status.ARCHIVED)
    measure_due(archived)
    action_overdue(archived)
    ReviewFactory(strategy=archived)
    client.force_login(owner)

    html = client.get(URL).content.decode()

    assert "nothing." in html
    assert archived.title not in html


def test_items_are_listed_overdue_first_then_oldest_due_first(owner, page):
    on = datetime.date(2026, 12, 3)
    measure_due(page, name="Monthly", frequency="monthly", lag_days=2)  # Nov: due Dec 3
    measure_due(page, name="Yearly", frequency="yearly", lag_days=0)  # 2025: due Jan 1
    measure_due(page, name="Quarterly", frequency="quarterly", lag_days=60)  # Q3: due Nov 30

    values = selectors.update_queue(owner, today=on).groups[0]

    assert [(item.title, item.overdue) for item in values.items] == [
        ("Yearly: the value for 2025", True),
        ("Quarterly: the value for 2026-Q3", True),
        ("Monthly: the value for 2026-11", False),
    ]
    assert [item.reason for item in values.items] == [
        "overdue since Jan 1, 2026",
        "overdue since Nov 30, 2026",
        "due Dec 3, 2026",
    ]


def test_counts_are_shown_by_kind_and_in_all(client, owner, page):
    measure_due(page)
    measure_due(page)
    action_overdue(page)
    client.force_login(owner)

    html = client.get(URL).content.decode()

    # Two values and one action; the page itself was never reviewed.
    assert "4 things to do" in html
    assert "Overdue first, then the oldest." in html
    assert '<a href="#values">Values to enter</a>: 2' in html
    assert '<a href="#actions">Actions to update</a>: 1' in html
    assert '<a href="#reviews">Reviews to answer</a>: 0' in html


def test_one_thing_to_do_is_counted_in_the_singular(client, owner):
    StrategyFactory(page_manager=owner)  # never reviewed
    client.force_login(owner)

    html = client.get(URL).content.decode()

    assert "<strong>1 thing to do</strong>" in html


def test_an_empty_queue_says_so_and_nothing_about_the_order(client, owner):
    client.force_login(owner)

    html = client.get(URL).content.decode()

    assert "What is due for you" in html
    assert "nothing." in html
    assert "Overdue first" not in html
    assert html.count("Nothing to do here.") == 4


def test_summaries_count_each_kind_in_the_singular_or_the_plural(owner):
    page = StrategyFactory(page_manager=owner, last_reviewed=TODAY)
    action_overdue(page)
    one = selectors.update_queue(owner, today=TODAY)
    action_overdue(page)
    measure_due(page)
    two = selectors.update_queue(owner, today=TODAY)

    assert one.summary == "1 action to update"
    assert two.summary == "1 value to enter and 2 actions to update"


def test_a_page_manager_may_not_see_another_persons_queue(client, owner, outsider):
    client.force_login(owner)

    response = client.get(URL, {"person": outsider.username})

    assert response.status_code == 403
    assert "Only editors may see the updates of other people." in response.content.decode()
    assert client.get(URL, {"person": owner.username}).status_code == 200


def test_a_page_manager_has_no_choice_of_person(client, owner):
    client.force_login(owner)

    assert 'name="person"' not in client.get(URL).content.decode()


def test_an_editor_sees_everyones_queue_by_default_and_may_choose_anyone(
    client, editor, owner, page
):
    measure_due(page, name="Owner measure")
    measure_due(StrategyFactory(page_manager=editor), name="Editor measure")
    client.force_login(editor)

    everyone = client.get(URL).content.decode()
    theirs = client.get(URL, {"person": owner.username}).content.decode()

    assert "What is due for everyone" in everyone
    assert '<th scope="col">Who</th>' in everyone
    assert "Editor measure" in everyone
    assert "Owner measure" in everyone
    assert '<option value="" selected>Everyone</option>' in everyone
    assert f'href="{URL}?person={editor.username}">Just yours</a>' in everyone
    assert "Owner measure" in theirs
    assert "Editor measure" not in theirs
    assert f"What is due for {owner.get_full_name()}" in theirs
    assert f'<option value="{owner.username}" selected>' in theirs
    assert f'href="{URL}?person={editor.username}">Just yours</a>' in theirs
    assert f'href="{URL}">Everyone’s</a>' in theirs


def test_an_editor_sees_just_their_own_queue_under_their_username(client, editor, owner, page):
    measure_due(page, name="Owner measure")
    measure_due(StrategyFactory(page_manager=editor), name="Editor measure")
    client.force_login(editor)

    html = client.get(URL, {"person": editor.username}).content.decode()

    assert "What is due for you" in html
    assert "Editor measure" in html
    assert "Owner measure" not in html
    assert '<th scope="col">Who</th>' not in html
    assert f'<option value="{editor.username}" selected>' in html
    assert f'href="{URL}">Everyone’s</a>' in html
    assert "Just yours" not in html


def unmanaged_page_with_one_of_each(title="Unmanaged page"):
    """A public page with no manager, never reviewed, with an unowned value due, an overdue
    action with nobody responsible and a review to answer."""
    unmanaged = StrategyFactory(page_manager=None, title=title)
    measure_due(unmanaged, name="Unowned measure")
    action_overdue(unmanaged, title="Unassigned action")
    ReviewFactory(strategy=unmanaged, reviewer__first_name="Rita")
    return unmanaged


def test_an_editors_own_queue_holds_what_nobody_is_named_for_marked_so(client, editor, outsider):
    unmanaged = unmanaged_page_with_one_of_each()
    measure_due(unmanaged, name="Measure with an owner", owner=outsider)
    client.force_login(editor)

    html = client.get(URL, {"person": editor.username}).content.decode()

    assert "Unowned measure" in section(html, "values")
    assert "Unassigned action" in section(html, "actions")
    assert "Rita" in section(html, "reviews")
    assert unmanaged.title in section(html, "page-reviews")
    assert "Measure with an owner" not in html
    name_someone = reverse("admin:strategy_strategy_change", args=[unmanaged.pk])
    assert html.count("<strong>Nobody named</strong>") == 4
    assert html.count(f'<a href="{name_someone}">name a page manager') == 4


def test_everyones_queue_marks_what_nobody_is_named_for_with_a_link_to_name_someone(client, editor):
    unmanaged = unmanaged_page_with_one_of_each()
    client.force_login(editor)

    html = client.get(URL).content.decode()

    name_someone = reverse("admin:strategy_strategy_change", args=[unmanaged.pk])
    assert html.count(f'nobody named: <a href="{name_someone}">name a page manager') == 4


def test_an_editor_choosing_another_editor_sees_what_nobody_is_named_for_too(client, editor):
    unmanaged_page_with_one_of_each()
    colleague = EditorFactory(username="colleague")
    client.force_login(editor)

    html = client.get(URL, {"person": colleague.username}).content.decode()

    assert "Unowned measure" in html


def test_a_page_managers_queue_leaves_out_what_nobody_is_named_for(client, owner, editor):
    unmanaged = unmanaged_page_with_one_of_each()
    client.force_login(owner)
    own = client.get(URL).content.decode()
    client.force_login(editor)
    chosen = client.get(URL, {"person": owner.username}).content.decode()

    for html in (own, chosen):
        assert "Unowned measure" not in html
        assert unmanaged.title not in html
        assert "Nobody named" not in html


def test_an_unknown_person_is_refused_with_a_message(client, editor):
    client.force_login(editor)

    response = client.get(URL, {"person": "no-such-person"})

    assert response.status_code == 404
    assert "There is no one called “no-such-person”" in response.content.decode()


def test_only_post_and_get_are_answered(client, owner):
    client.force_login(owner)

    assert client.post(URL).status_code == 405


def test_the_header_links_to_the_queue_for_staff_only(client, owner, reviewer):
    link = f'href="{URL}"'
    client.force_login(reviewer)
    assert link not in client.get(reverse("strategy:search")).content.decode()
    client.force_login(owner)
    assert link in client.get(reverse("strategy:search")).content.decode()


def test_the_admin_index_links_to_the_queue(client, owner):
    client.force_login(owner)

    assert f'href="{URL}"' in client.get(reverse("admin:index")).content.decode()


def test_everyones_queue_is_each_persons_queue_put_together(owner, outsider, editor, page):
    measure_due(page)
    measure_due(StrategyFactory(page_manager=outsider))
    action_overdue(page, responsible=outsider)
    ReviewFactory(strategy=page)
    unmanaged_page_with_one_of_each()

    everyone = selectors.update_queue(None, today=TODAY)
    by_person = everyone.by_person(nobody_named_to=[editor])

    for person, queue in by_person:
        own = selectors.update_queue(person, today=TODAY, with_nobody_named=person.pk == editor.pk)
        assert [item.url for item in queue.items] == [item.url for item in own.items]
    assert {person.username for person, _ in by_person} == {"owner", "outsider", "editor"}
    assert {person.username for person, _ in everyone.by_person()} == {"owner", "outsider"}


def fill(size, owner):
    """``size`` of every kind of item for ``owner`` (for nobody, when None), on as many
    pages, with data points."""
    for n in range(size):
        page = StrategyFactory(page_manager=owner)
        measure = measure_due(page)
        for year in range(2015, 2020):
            DataPointFactory(measure=measure, period=f"{year}-Q{n % 4 + 1}")
        action_overdue(page, responsible=UserFactory() if n % 2 else None)
        ReviewFactory(strategy=page)


@pytest.mark.parametrize(
    ("who", "params", "pages_of", "queries"),
    [
        ("owner", {}, "owner", 8),
        ("editor", {}, "owner", 9),
        # An editor's own queue, of what nobody is named for.
        ("editor", {"person": "editor"}, None, 9),
    ],
)
def test_the_queue_costs_a_fixed_number_of_queries(
    client, owner, editor, who, params, pages_of, queries, django_assert_num_queries
):
    user = {"owner": owner, "editor": editor}[who]
    manager = owner if pages_of else None
    client.force_login(user)
    fill(1, manager)
    with django_assert_num_queries(queries):
        assert client.get(URL, params).status_code == 200
    fill(12, manager)
    with django_assert_num_queries(queries):
        html = client.get(URL, params).content.decode()
    # Each measure's values stop in 2019: the newest eight periods due are all missing.
    assert html.count("Enter the value") == 13 * MISSING_LOOK_BACK
