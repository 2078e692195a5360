"""Reverting, deleting and the shared library: rights that reach beyond one page."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Revision, Version

from base.periods import Frequency
from programs.models import Outcome
from reviews import services as review_services
from scorecards.models import Objective
from strategy.models import Strategy
from tests.admin_forms import admin_form_data
from tests.programs.factories import OutcomeFactory
from tests.reviews.factories import ExpertAssignmentFactory
from tests.scorecards.factories import DataPointFactory, ObjectiveFactory
from tests.strategy.factories import StrategyFactory, StrategyProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_url(obj, view, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def test_page_manager_cannot_revert_even_their_own_page(client, owner, page, editor):
    review_services.mark_reviewed(user=editor, strategies=Strategy.objects.filter(pk=page.pk))
    version = Version.objects.get_for_object(page).get()
    client.force_login(owner)

    response = client.post(admin_url(page, "revision", version.pk), {})

    assert response.status_code == 403


def test_revision_of_another_object_with_the_same_id_is_refused(client, editor, page):
    objective = ObjectiveFactory(strategy=page, id=page.pk)
    review_services.mark_reviewed(user=editor, strategies=Strategy.objects.filter(pk=page.pk))
    objective_version = Version.objects.get_for_object(objective).get()
    assert objective_version.object_id == str(page.pk)
    client.force_login(editor)

    response = client.get(admin_url(page, "revision", objective_version.pk))

    assert response.status_code == 404


def test_page_manager_cannot_browse_deleted_pages(client, owner):
    client.force_login(owner)
    response = client.get(reverse("admin:strategy_strategy_recoverlist"))
    assert response.status_code == 403
    changelist = client.get(reverse("admin:strategy_strategy_changelist")).content.decode()
    assert "Recover deleted" not in changelist


def test_deleting_an_objective_records_a_revision_of_its_page(client, owner, page):
    objective = ObjectiveFactory(strategy=page, title="Retired objective")
    client.force_login(owner)

    response = client.post(admin_url(objective, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not Objective.objects.filter(pk=objective.pk).exists()
    revision = Revision.objects.get()
    assert revision.user == owner
    assert "Retired objective" in revision.comment
    assert Version.objects.get_for_object(page).filter(revision=revision).exists()


def test_page_manager_cannot_delete_from_the_shared_evidence_library(client, owner):
    outcome = OutcomeFactory()
    client.force_login(owner)

    response = client.post(admin_url(outcome.implementation, "delete"), {"post": "yes"})

    assert response.status_code == 403
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_page_manager_can_correct_the_shared_evidence_library(client, owner):
    outcome = OutcomeFactory()
    implementation = outcome.implementation
    client.force_login(owner)
    url = admin_url(implementation, "change")

    response = client.post(url, admin_form_data(client.get(url), place="Rutland, Vermont"))

    assert response.status_code == 302
    implementation.refresh_from_db()
    assert implementation.place == "Rutland, Vermont"
    revision = Revision.objects.get()
    assert Version.objects.get_for_object(implementation.program).filter(revision=revision)


def test_page_manager_sees_people_by_name_only(client, owner):
    person = UserFactory(username="lcarter", email="lee.carter@example.org")
    client.force_login(owner)

    changelist = client.get(reverse("admin:auth_user_changelist"))
    assert "lcarter" in changelist.content.decode()
    assert "lee.carter@example.org" not in changelist.content.decode()
    assert client.get(admin_url(person, "change")).status_code == 403
    assert admin_url(person, "change") not in changelist.content.decode(), "no link to a 403"


def test_page_manager_finds_experts_through_the_autocomplete(client, owner, page):
    UserFactory(username="lcarter", first_name="Lee", last_name="Carter")
    client.force_login(owner)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "reviews",
            "model_name": "expertassignment",
            "field_name": "expert",
            "term": "Carter",
        },
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Lee Carter"]


def test_strategy_autocomplete_offers_only_the_managers_own_pages(client, owner, page):
    StrategyFactory(title="Another manager's page")
    client.force_login(owner)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "scorecards", "model_name": "objective", "field_name": "strategy"},
    )

    assert [result["id"] for result in response.json()["results"]] == [str(page.pk)]


def test_the_same_expert_twice_on_a_page_is_refused_without_an_error_page(client, owner, page):
    assignment = ExpertAssignmentFactory(strategy=page)
    client.force_login(owner)
    url = admin_url(page, "change")
    data = admin_form_data(client.get(url))
    data.update(
        {
            "expert_assignments-TOTAL_FORMS": "2",
            "expert_assignments-1-expert": assignment.expert_id,
            "expert_assignments-1-area": "Again",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert f"Listed twice: {assignment.expert}." in str(response.context["errors"])
    assert page.expert_assignments.count() == 1


def test_strategy_changelist_query_count_does_not_grow(client, editor):
    StrategyFactory()
    url = reverse("admin:strategy_strategy_changelist")
    client.force_login(editor)

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(8):
        StrategyFactory()
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)


def test_swapping_programs_between_two_saved_rows_is_refused_with_a_message(client, owner, page):
    first, second = StrategyProgramFactory(strategy=page), StrategyProgramFactory(strategy=page)
    client.force_login(owner)
    url = admin_url(page, "change")
    data = admin_form_data(client.get(url))
    data["program_links-0-program"], data["program_links-1-program"] = (
        second.program_id,
        first.program_id,
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "is still on another row" in str(response.context["errors"])
    first.refresh_from_db()
    assert first.program_id != second.program_id


def test_swapping_periods_between_two_data_points_is_refused_with_a_message(client, owner, page):
    first = DataPointFactory(
        measure__objective__strategy=page,
        measure__frequency=Frequency.YEARLY,
        period="2020",
        value=1,
    )
    DataPointFactory(measure=first.measure, period="2021", value=2)
    client.force_login(owner)
    url = admin_url(first.measure, "change")
    data = admin_form_data(client.get(url))
    data["data_points-0-period"], data["data_points-1-period"] = "2021", "2020"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "“2021” is still on another row" in str(response.context["errors"])


def test_bulk_delete_across_pages_records_one_revision_per_page(client, editor, page):
    elsewhere = StrategyFactory()
    objectives = [ObjectiveFactory(strategy=page), ObjectiveFactory(strategy=elsewhere)]
    client.force_login(editor)

    client.post(
        reverse("admin:scorecards_objective_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [objective.pk for objective in objectives],
            "post": "yes",
        },
    )

    assert not Objective.objects.exists()
    for strategy in (page, elsewhere):
        revision = Version.objects.get_for_object(strategy).get().revision
        pages = revision.version_set.filter(content_type__model="strategy")
        assert [version.object_id for version in pages] == [str(strategy.pk)]


def test_moving_an_objective_records_both_pages(client, editor, page):
    objective = ObjectiveFactory(strategy=page)
    destination = StrategyFactory()
    client.force_login(editor)
    url = admin_url(objective, "change")

    client.post(url, admin_form_data(client.get(url), strategy=destination.pk))

    revision = Revision.objects.get()
    assert Version.objects.get_for_object(page).filter(revision=revision).exists()
    assert Version.objects.get_for_object(destination).filter(revision=revision).exists()


def test_page_manager_cannot_filter_people_by_email_or_flags(client, owner):
    UserFactory(username="hidden", email="someone@hidden.example", is_superuser=True)
    client.force_login(owner)
    changelist = reverse("admin:auth_user_changelist")

    for query in ({"email__contains": "hidden.example"}, {"is_superuser": "1"}):
        response = client.get(changelist, query)
        assert response.status_code == 400


def test_editor_cannot_make_themselves_superuser(client, editor):
    client.force_login(editor)
    url = admin_url(editor, "change")
    response = client.get(url)
    assert "is_superuser" not in response.context["adminform"].form.fields

    client.post(url, admin_form_data(response, is_superuser="on"))

    editor.refresh_from_db()
    assert not editor.is_superuser


def test_editor_cannot_change_a_superusers_account_or_password(client, editor):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(editor)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "Taken0ver!xyz", "password2": "Taken0ver!xyz"},
    )

    assert response.status_code == 403
    root.refresh_from_db()
    assert not root.check_password("Taken0ver!xyz")


def test_editor_hands_out_only_the_three_roles(client, editor):
    Group.objects.create(name="Site operators")
    client.force_login(editor)

    response = client.get(admin_url(UserFactory(), "change"))

    offered = {group.name for group in response.context["adminform"].form.fields["groups"].queryset}
    assert offered == {"Page managers", "Editors", "Reviewers"}


def test_adding_a_measure_in_the_admin_names_it_and_its_data_points_in_the_history(
    client, owner, page
):
    objective = ObjectiveFactory(strategy=page, title="Close the market")
    client.force_login(owner)
    url = reverse("admin:scorecards_measure_add")
    data = admin_form_data(client.get(url), objective=str(objective.pk), name="Burglaries")
    data.update(
        {
            "data_points-TOTAL_FORMS": "2",
            "data_points-0-period": "2025-Q1",
            "data_points-0-value": "34",
            "data_points-1-period": "2025-Q2",
            "data_points-1-value": "31",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context.get("errors")
    revision = Revision.objects.get()
    assert revision.comment == (
        "Added measure “Burglaries”; added data point 2025-Q1 of “Burglaries”; "
        "added data point 2025-Q2 of “Burglaries”"
    )
    assert Version.objects.get_for_object(page).filter(revision=revision).exists()
    history = client.get(reverse("strategy:strategy-history", args=[page.slug])).content.decode()
    assert "Added measure “Burglaries”; added data point 2025-Q1 of “Burglaries”" in history


def test_adding_an_objective_in_the_admin_names_it_in_the_history(client, owner, page):
    client.force_login(owner)
    url = reverse("admin:scorecards_objective_add")
    data = admin_form_data(client.get(url), strategy=str(page.pk), title="Close the market")

    response = client.post(url, data)

    assert response.status_code == 302
    assert Revision.objects.get().comment == "Added objective “Close the market”"
