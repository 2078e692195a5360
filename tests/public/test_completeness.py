"""The completeness checklist is computed from what the page holds."""

import datetime

import pytest

from public.completeness import checklist
from public.selectors import with_page_content
from strategy.models import Strategy
from tests.reviews.factories import ExpertAssignmentFactory
from tests.scorecards.factories import DataPointFactory, MeasureFactory
from tests.strategy.factories import StrategyFactory, StrategyProgramFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


def check_of(page):
    result = checklist(with_page_content(Strategy.objects).get(pk=page.pk), today=TODAY)
    return {check.label: check.done for check in result.checks}, result


def test_an_empty_page_lacks_almost_everything():
    page = StrategyFactory(page_manager=None, intro="")
    checks, result = check_of(page)
    assert not any(done for label, done in checks.items() if label != "No placeholder text left")
    assert checks["No placeholder text left"]
    assert result.score == 14


def test_a_complete_page_scores_100():
    page = StrategyFactory(intro="A real introduction.")
    ExpertAssignmentFactory(strategy=page)
    StrategyProgramFactory(strategy=page)
    DataPointFactory(measure__objective__strategy=page, period="2026-Q2")

    checks, result = check_of(page)

    assert result.score == 100
    assert result.missing == []


@pytest.mark.parametrize(
    "placeholder", ["[insert name here]", "(Under Construction)", "Add a intro paragraph here"]
)
def test_placeholder_text_from_the_old_wiki_is_flagged(placeholder):
    page = StrategyFactory(intro=f"Intro. {placeholder}")
    checks, _ = check_of(page)
    assert not checks["No placeholder text left"]


def test_old_data_and_a_measure_without_a_source_are_flagged():
    page = StrategyFactory()
    DataPointFactory(measure__objective__strategy=page, period="2024-Q4")
    MeasureFactory(objective=page.objectives.get(), data_source=None)

    checks, _ = check_of(page)

    assert not checks["Data newer than a year"]
    assert not checks["Every measure names its data source"]


def test_checklist_costs_no_queries_on_a_loaded_page(django_assert_num_queries):
    page = StrategyFactory()
    DataPointFactory(measure__objective__strategy=page, period="2026-Q2")
    loaded = with_page_content(Strategy.objects).get(pk=page.pk)
    with django_assert_num_queries(0):
        checklist(loaded, today=TODAY)


def test_a_page_without_measures_is_asked_for_one_not_for_their_sources():
    checks, _ = check_of(StrategyFactory())

    assert checks["At least one measure"] is False
    assert "Every measure names its data source" not in checks
