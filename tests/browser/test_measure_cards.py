"""Measure cards as a browser draws them: every chart label inside its chart."""

import pytest

from scorecards.models import Measure
from tests.browser.conftest import screenshot
from tests.scorecards.factories import (
    DataPointFactory,
    MeasureFactory,
    measure_with_its_newest_point_in_the_year_9999,
)
from tests.strategy.factories import StrategyFactory

pytestmark = [
    pytest.mark.browser,
    # Serialized like the other browser tests: after a plain flush, which makes the content
    # types again, the next serialized test could not put back its own.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Each chart text's left edge, relative to its chart's left edge, as the browser lays it out.
TEXT_LEFT_EDGES = """
[...document.querySelectorAll("svg.measure-chart")].flatMap(svg => {
  const chartLeft = svg.getBoundingClientRect().left;
  return [...svg.querySelectorAll("text")].map(
    text => [text.textContent, text.getBoundingClientRect().left - chartLeft]
  );
})
"""


def test_chart_labels_of_large_values_are_not_cut_off(live_server, page_in):
    page = StrategyFactory(title="Reduce Illegal Sales")
    large = MeasureFactory(
        objective__strategy=page,
        name="Dollars seized",
        polarity=Measure.Polarity.HIGHER_IS_BETTER,
        baseline_value=1234.5,
        baseline_period="2024",
        target_value=999999999999.99,
    )
    for period, value in (("2025-Q1", 1234.5), ("2025-Q2", 582648401836.91)):
        DataPointFactory(measure=large, period=period, value=value)
    measure_with_its_newest_point_in_the_year_9999(objective__strategy=page, name="Burglaries")

    tab = page_in(width=1280)
    tab.goto(live_server.url + page.get_absolute_url())
    screenshot(tab, "measure-cards")

    edges = dict(tab.evaluate(TEXT_LEFT_EDGES))
    assert "999,999,999,999.99" in edges and "1,234.50" in edges
    assert all(left >= 0 for left in edges.values()), edges
    assert "9999-12-31" not in tab.content()
