"""Reverting, deleting and the shared library: rights that reach beyond one page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Revision, Version

from programs.models import Outcome
from scorecards.models import Objective
from strategy import services
from strategy.models import Strategy
from tests.admin_forms import admin_form_data
from tests.programs.factories import OutcomeFactory
from tests.reviews.factories import ExpertAssignmentFactory
from tests.scorecards.factories import ObjectiveFactory
from tests.strategy.factories import StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_url(obj, view, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def test_page_manager_cannot_revert_even_their_own_page(client, owner, page, editor):
    services.mark_strategies_reviewed(user=editor, strategies=Strategy.objects.filter(pk=page.pk))
    version = Version.objects.get_for_object(page).get()
    client.force_login(owner)

    response = client.post(admin_url(page, "revision", version.pk), {})

    assert response.status_code == 403


def test_revision_of_another_object_with_the_same_id_is_refused(client, editor, page):
    objective = ObjectiveFactory(strategy=page, id=page.pk)
    services.mark_strategies_reviewed(user=editor, strategies=Strategy.objects.filter(pk=page.pk))
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
    assert [result["text"] for result in response.json()["results"]] == ["lcarter"]


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
