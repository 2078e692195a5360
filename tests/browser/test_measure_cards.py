"""Measure cards as a browser draws them: every chart label inside its chart."""

import datetime

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
    # The widest tick label, and the target's at the precision of the measure's numbers.
    assert "1,000,000,000,000" in edges and "Target 999,999,999,999.99" in edges
    assert all(left >= 0 for left in edges.values()), edges
    assert "9999-12-31" not in tab.content()


# Each chart's period labels as the browser lays them out: [left, right] of each, in order.
PERIOD_LABEL_BOXES = """
[...document.querySelectorAll("svg.measure-chart")].map(svg =>
  [...svg.querySelectorAll("text.chart-period")].map(text => {
    const box = text.getBoundingClientRect();
    return [text.textContent, box.left, box.right];
  })
)
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_period_labels_never_overlap_as_drawn(live_server, page_in, width):
    page = StrategyFactory(title="Reduce Illegal Sales")
    this_year = datetime.date.today().year
    quarterly = MeasureFactory(
        objective__strategy=page,
        name="Burglaries",
        baseline_value=52,
        baseline_period=str(this_year - 3),
        target_value=25,
        target_period=str(this_year + 1),
    )
    for step, value in enumerate((48, 45, 41, 39, 35, 33, 30, 28)):
        year, quarter = this_year - 2 + step // 4, step % 4 + 1
        DataPointFactory(measure=quarterly, period=f"{year}-Q{quarter}", value=value)
    monthly = MeasureFactory(objective__strategy=page, name="Kits dispensed", unit="kits")
    for month, value in enumerate((120, 150, 140, 170, 180, 175, 190, 210, 220, 215, 240), 1):
        DataPointFactory(measure=monthly, period=f"{this_year - 1}-{month:02d}", value=value)

    tab = page_in(width=width)
    tab.goto(live_server.url + page.get_absolute_url())
    screenshot(tab, f"measure-charts-{width}")

    charts = tab.evaluate(PERIOD_LABEL_BOXES)
    assert len(charts) == 2
    for labels in charts:
        assert len(labels) >= 3, labels
        for (_, _, right), (text, left, _) in zip(labels, labels[1:], strict=False):
            assert right < left, (text, labels)
    assert "At this rate" in tab.content()
