"""The admin names people as the site does, full name else username: in change lists, their
filters, choice boxes and autocomplete results, for every foreign key to an account."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.admin import AuthoringSite
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory
from tests.strategy.factories import (
    EditorFactory,
    PageManagerFactory,
    ReviewerFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return PageManagerFactory(username="dmanager", first_name="Dana", last_name="Rivera")


@pytest.fixture
def signed_in_editor(client):
    editor = EditorFactory(username="jeditor", first_name="Jordan", last_name="Ellis")
    client.force_login(editor)
    return editor


def test_the_admin_site_is_the_one_that_names_people():
    assert isinstance(admin.site, AuthoringSite)


def test_the_strategy_list_names_page_managers_in_its_column_and_its_filter(
    client, signed_in_editor, manager
):
    StrategyFactory(title="Named page", page_manager=manager)
    StrategyFactory(title="Unowned page", page_manager=None)

    html = client.get(reverse("admin:strategy_strategy_changelist")).content.decode()

    assert '<td class="field-page_manager">Dana Rivera</td>' in html
    assert f'href="?page_manager__id__exact={manager.pk}">Dana Rivera</a>' in html
    assert "dmanager" not in html
    # Sorting by the column still sorts by the page manager.
    assert 'class="sortable column-page_manager"' in html


def test_a_person_without_a_full_name_is_named_by_username(client, signed_in_editor):
    StrategyFactory(
        page_manager=PageManagerFactory(username="nameless", first_name="", last_name="")
    )

    html = client.get(reverse("admin:strategy_strategy_changelist")).content.decode()

    assert '<td class="field-page_manager">nameless</td>' in html


def test_filtering_by_a_named_page_manager_lists_their_pages_alone(
    client, signed_in_editor, manager
):
    StrategyFactory(title="Dana's page", page_manager=manager)
    StrategyFactory(title="Someone else's page")

    html = client.get(
        reverse("admin:strategy_strategy_changelist"), {"page_manager__id__exact": manager.pk}
    ).content.decode()

    assert "Dana&#x27;s page" in html and "Someone else&#x27;s page" not in html


def test_autocomplete_results_name_people(client, signed_in_editor, manager):
    answer = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "strategy",
            "model_name": "strategy",
            "field_name": "page_manager",
            "term": "Rivera",
        },
    )

    assert answer.status_code == 200
    assert answer.json()["results"] == [{"id": str(manager.pk), "text": "Dana Rivera"}]


def test_autocomplete_results_of_other_things_keep_their_own_names(client, signed_in_editor):
    page = StrategyFactory(title="Reduce Illegal Sales")

    answer = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "strategy", "model_name": "strategylink", "field_name": "cause"},
    )

    assert {"id": str(page.pk), "text": "Reduce Illegal Sales"} in answer.json()["results"]


def test_autocomplete_refuses_a_field_that_is_no_autocomplete(client, signed_in_editor):
    answer = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "strategy", "model_name": "strategy", "field_name": "title"},
    )

    assert answer.status_code == 403


def test_the_strategy_form_names_its_chosen_page_manager_and_expert(
    client, signed_in_editor, manager
):
    page = StrategyFactory(page_manager=manager)
    expert = ReviewerFactory(username="sokafor", first_name="Sam", last_name="Okafor")
    ExpertAssignmentFactory(strategy=page, expert=expert, expert_name="")

    html = client.get(reverse("admin:strategy_strategy_change", args=[page.pk])).content.decode()

    assert f'<option value="{manager.pk}" selected>Dana Rivera</option>' in html
    assert f'<option value="{expert.pk}" selected>Sam Okafor</option>' in html
    assert "dmanager" not in html


def test_the_review_list_filters_and_shows_reviewers_by_name(client, signed_in_editor):
    reviewer = ReviewerFactory(username="sokafor", first_name="Sam", last_name="Okafor")
    ReviewFactory(reviewer=reviewer)

    html = client.get(reverse("admin:reviews_review_changelist")).content.decode()

    assert '<td class="field-reviewer_display">Sam Okafor</td>' in html
    assert "sokafor" not in html
