"""The site's rules beside the groups' model permissions (the whole table is in
tests/reviews/test_permission_matrix.py)."""

import pytest
import rules

from tests.reviews.factories import ExpertAssignmentFactory
from tests.scorecards.factories import MeasureFactory
from tests.strategy.factories import (
    EditorFactory,
    PageManagerFactory,
    StrategyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_page_rule_asked_without_a_page_leaves_the_answer_to_the_groups():
    # Named as a page's manager, but in no group: the site, not the admin.
    named = UserFactory()
    page = StrategyFactory(page_manager=named)
    manager = PageManagerFactory()

    assert named.has_perm("strategy.change_strategy", page)
    assert not named.has_perm("strategy.change_strategy")
    assert manager.has_perm("strategy.change_strategy")
    assert not manager.has_perm("strategy.change_strategy", page)


def test_an_expert_may_review_the_page_naming_them_but_has_no_model_permission():
    expert = UserFactory()
    page = StrategyFactory()
    ExpertAssignmentFactory(strategy=page, expert=expert)

    assert not expert.has_perm("reviews.add_review", StrategyFactory(band=page.band))
    assert expert.has_perm("reviews.add_review", page)
    assert not expert.has_perm("reviews.add_review")


def test_a_superuser_is_no_reviewer_though_has_perm_says_yes_to_every_superuser():
    superuser = UserFactory(is_staff=True, is_superuser=True)
    page = StrategyFactory()

    assert superuser.has_perm("reviews.add_review", page)
    assert not rules.has_perm("reviews.add_review", superuser, page)


def test_inactive_accounts_have_no_rights_from_the_rules():
    editor = EditorFactory(is_active=False)
    manager = PageManagerFactory(is_active=False)
    page = StrategyFactory(page_manager=manager)

    for user in (editor, manager):
        assert not user.has_perm("strategy.change_strategy", page)
        assert not user.has_perm("strategy.view_draft")
        assert not user.has_perm("reviews.view_dashboard")
    assert not editor.has_perm("reversion.revert_revision")


def test_a_page_manager_is_answered_without_loading_their_model_permissions(
    django_assert_num_queries,
):
    manager = PageManagerFactory()
    page = StrategyFactory(page_manager=manager)

    with django_assert_num_queries(0):
        assert manager.has_perm("strategy.change_strategy", page)


def test_a_measures_owner_may_enter_its_values_and_no_other_measures():
    analyst = UserFactory()
    page = StrategyFactory()
    mine = MeasureFactory(objective__strategy=page, owner=analyst)
    other = MeasureFactory(objective=mine.objective)

    assert analyst.has_perm("scorecards.add_datapoint", mine)
    assert not analyst.has_perm("scorecards.add_datapoint", other)
    assert analyst.has_perm("scorecards.enter_values", page)
    assert not analyst.has_perm("scorecards.enter_values", StrategyFactory(band=page.band))
    assert not analyst.has_perm("strategy.change_strategy", page)
    assert not analyst.has_perm("scorecards.add_datapoint")


def test_the_page_manager_and_editors_enter_the_values_of_every_measure_on_it():
    manager = PageManagerFactory()
    page = StrategyFactory(page_manager=manager)
    measure = MeasureFactory(objective__strategy=page, owner=UserFactory())

    for person in (manager, EditorFactory()):
        assert person.has_perm("scorecards.add_datapoint", measure)
        assert person.has_perm("scorecards.enter_values", page)
    assert not PageManagerFactory().has_perm("scorecards.add_datapoint", measure)


def test_an_inactive_owner_enters_no_values():
    analyst = UserFactory(is_active=False)
    measure = MeasureFactory(owner=analyst)

    assert not analyst.has_perm("scorecards.add_datapoint", measure)
    assert not analyst.has_perm("scorecards.enter_values", measure.objective.strategy)
