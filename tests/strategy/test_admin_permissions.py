"""Who may open and save what in the admin: the object rule for page managers."""

import datetime

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from strategy.models import Strategy
from tests.admin_forms import admin_form_data
from tests.scorecards.factories import DataPointFactory, MeasureFactory, ObjectiveFactory
from tests.strategy.factories import PageManagerFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@pytest.fixture
def other_page(outsider):
    return StrategyFactory(page_manager=outsider, title="Someone else's page")


def test_page_manager_can_open_and_save_own_strategy(client, owner, page):
    client.force_login(owner)
    response = client.get(change_url(page))
    assert response.status_code == 200

    response = client.post(change_url(page), admin_form_data(response, title="Renamed by owner"))

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title == "Renamed by owner"


def test_page_manager_gets_404_on_another_managers_strategy(client, owner, other_page):
    client.force_login(owner)
    assert client.get(change_url(other_page)).status_code == 404


def test_page_manager_cannot_save_another_managers_strategy(client, owner, outsider, other_page):
    client.force_login(outsider)
    data = admin_form_data(client.get(change_url(other_page)), title="Hijacked")
    client.force_login(owner)

    response = client.post(change_url(other_page), data)

    assert response.status_code == 404
    other_page.refresh_from_db()
    assert other_page.title == "Someone else's page"


@pytest.mark.parametrize(
    "make_child",
    [
        lambda page: ObjectiveFactory(strategy=page),
        lambda page: MeasureFactory(objective__strategy=page),
    ],
    ids=["objective", "measure"],
)
def test_page_manager_gets_404_on_objects_of_another_managers_page(
    client, owner, other_page, make_child
):
    child = make_child(other_page)
    client.force_login(owner)

    assert client.get(change_url(child)).status_code == 404
    delete_url = change_url(child).replace("/change/", "/delete/")
    assert client.post(delete_url, {"post": "yes"}).status_code == 404
    assert type(child).objects.filter(pk=child.pk).exists()


def test_page_manager_cannot_read_history_of_another_managers_page(client, owner, other_page):
    client.force_login(owner)
    history_url = change_url(other_page).replace("/change/", "/history/")
    assert client.get(history_url).status_code == 404


def test_page_manager_lists_only_own_pages(client, owner, page, other_page):
    client.force_login(owner)
    response = client.get(reverse("admin:strategy_strategy_changelist"))
    assert list(response.context["cl"].result_list) == [page]


def test_page_manager_cannot_attach_objective_to_another_managers_page(client, owner, other_page):
    client.force_login(owner)
    response = client.post(
        reverse("admin:scorecards_objective_add"),
        {
            "strategy": other_page.pk,
            "title": "Sneaky objective",
            "order": 0,
            "measures-TOTAL_FORMS": 0,
            "measures-INITIAL_FORMS": 0,
            "actions-TOTAL_FORMS": 0,
            "actions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "strategy" in response.context["adminform"].form.errors
    assert not other_page.objectives.exists()


def test_page_manager_cannot_hand_their_page_to_someone_else(client, owner, outsider, page):
    client.force_login(owner)
    response = client.get(change_url(page))
    data = admin_form_data(response, page_manager=outsider.pk)

    client.post(change_url(page), data)

    page.refresh_from_db()
    assert page.page_manager == owner


def test_page_manager_adding_a_page_becomes_its_manager(client, owner, page):
    client.force_login(owner)
    response = client.get(reverse("admin:strategy_strategy_add"))
    data = admin_form_data(
        response,
        title="A new page",
        slug="a-new-page",
        map=page.map_id,
        band=page.band_id,
        position=1,
        status=Strategy.Status.DRAFT,
        review_interval_months=12,
    )

    response = client.post(reverse("admin:strategy_strategy_add"), data)

    assert response.status_code == 302
    assert Strategy.objects.get(slug="a-new-page").page_manager == owner


def test_editor_can_change_every_managers_pages(client, editor, page, other_page):
    client.force_login(editor)
    for strategy in (page, other_page):
        response = client.get(change_url(strategy))
        assert response.status_code == 200
        response = client.post(
            change_url(strategy), admin_form_data(response, title=f"Edited {strategy.pk}")
        )
        assert response.status_code == 302
        strategy.refresh_from_db()
        assert strategy.title == f"Edited {strategy.pk}"


def test_editor_can_open_objectives_of_any_page(client, editor, page, other_page):
    client.force_login(editor)
    for strategy in (page, other_page):
        assert client.get(change_url(ObjectiveFactory(strategy=strategy))).status_code == 200


def test_reviewer_can_change_no_page(client, reviewer, page, other_page):
    client.force_login(reviewer)
    for strategy in (page, other_page):
        response = client.get(change_url(strategy))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
        client.post(change_url(strategy), {"title": "Reviewer edit"})
        strategy.refresh_from_db()
        assert strategy.title != "Reviewer edit"


def test_anonymous_user_is_sent_to_login(client, page):
    response = client.get(change_url(page))
    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={change_url(page)}"


def test_data_point_inline_rejects_second_value_for_same_period(client, owner, page):
    point = DataPointFactory(measure__objective__strategy=page, period="2025-Q1", value=10)
    measure = point.measure
    client.force_login(owner)
    response = client.get(change_url(measure))
    data = admin_form_data(response)
    data.update(
        {
            "data_points-TOTAL_FORMS": "2",
            "data_points-1-period": "2025-q1",
            "data_points-1-value": "12",
            "data_points-1-measure": str(measure.pk),
        }
    )

    response = client.post(change_url(measure), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "duplicate data for period" in str(formset.non_form_errors())
    assert list(measure.data_points.values_list("value", flat=True)) == [10]


def test_the_change_list_says_a_page_never_reviewed_is_never_reviewed(client, editor):
    StrategyFactory(last_reviewed=None, title="Never looked at")
    StrategyFactory(last_reviewed=datetime.date(2026, 1, 5), title="Looked at")
    client.force_login(editor)

    response = client.get(reverse("admin:strategy_strategy_changelist"))

    rows = [row.split("</tr>")[0] for row in response.content.decode().split("<tr")]
    never = next(row for row in rows if "Never looked at" in row)
    reviewed = next(row for row in rows if ">Looked at<" in row)
    assert "Never reviewed" in never
    assert "Never reviewed" not in reviewed


def test_review_due_filter_finds_overdue_pages(client, editor, page):
    overdue = StrategyFactory(last_reviewed=datetime.date(2020, 1, 1), title="Long overdue")
    client.force_login(editor)

    response = client.get(reverse("admin:strategy_strategy_changelist"), {"review": "overdue"})

    assert list(response.context["cl"].result_list) == [overdue]


def test_only_editors_are_offered_to_restore_a_revision_from_the_admin_history(
    client, owner, editor, page
):
    with reversion.create_revision():
        page.save()
    history_url = change_url(page).replace("/change/", "/history/")
    version = Version.objects.get_for_object(page).get()
    restore_url = reverse("admin:strategy_strategy_revision", args=[page.pk, version.pk])

    client.force_login(owner)
    owners = client.get(history_url).content.decode()
    client.force_login(editor)
    editors = client.get(history_url).content.decode()

    assert restore_url not in owners and "Editors can restore an earlier one." in owners
    assert restore_url in editors
    client.force_login(owner)
    assert client.get(restore_url).status_code == 403


def test_the_admin_history_names_each_person_as_the_site_does(client, editor, page):
    named = PageManagerFactory(username="manager", first_name="Dana", last_name="Rivera")
    unnamed = PageManagerFactory(username="nameless", first_name="", last_name="")
    for user in (named, unnamed):
        with reversion.create_revision():
            reversion.set_user(user)
            page.save()
    client.force_login(editor)

    history = client.get(change_url(page).replace("/change/", "/history/")).content.decode()

    assert "<td>Dana Rivera</td>" in history
    assert "<td>nameless</td>" in history
    assert "manager (Dana Rivera)" not in history


def test_the_page_form_lists_its_parts_in_the_order_the_page_shows_them(client, owner, page):
    client.force_login(owner)

    response = client.get(reverse("admin:strategy_strategy_change", args=[page.pk]))

    headings = [
        formset.opts.verbose_name_plural for formset in response.context["inline_admin_formsets"]
    ]
    assert [str(heading) for heading in headings] == [
        "Promising programs",
        "Tools & resources",
        "Scorecard: objectives, their measures and values, and actions",
        "Resources to investigate",
        "Subject-matter experts",
    ]


def test_the_admin_names_the_sites_icon_so_browsers_do_not_ask_for_favicon_ico(client, owner):
    client.force_login(owner)

    response = client.get(reverse("admin:index"))

    assert 'rel="icon" href="/static/favicon.svg"' in response.content.decode()
