"""Values are printed with thousands separators, and the chart leaves room for its labels."""

import re

import pytest

from scorecards.models import Measure
from tests.scorecards.factories import DataPointFactory, MeasureFactory

pytestmark = pytest.mark.django_db

# The labels are 11px (static/css/site.css); a sans-serif digit is about 0.55 em wide.
LABEL_CHARACTER_WIDTH = 11 * 0.6


def value_labels(html: str) -> list[tuple[float, str]]:
    """(x, text) of each value label left of the chart's plot."""
    return [
        (float(x), text)
        for x, text in re.findall(
            r'<text class="chart-tick" x="([\d.]+)" y="[\d.]+" dy="[\d.]+" text-anchor="end" '
            r'fill="#[0-9a-f]+">([^<]*)</text>',
            html,
        )
    ]


@pytest.fixture
def large_values():
    measure = MeasureFactory(
        polarity=Measure.Polarity.HIGHER_IS_BETTER,
        baseline_value=1234.5,
        baseline_period="2024",
        target_value=999999999999.99,
    )
    DataPointFactory(measure=measure, period="2025-Q1", value=1234.5)
    DataPointFactory(measure=measure, period="2025-Q2", value=582648401836.91)
    return measure


def test_chart_value_labels_have_thousands_separators_and_room_to_the_left(client, large_values):
    html = client.get(large_values.objective.strategy.get_absolute_url()).content.decode()

    labels = value_labels(html)
    # Round ticks from below the smallest value to above the target, at a whole step.
    assert [text for _, text in labels] == [
        "0",
        "250,000,000,000",
        "500,000,000,000",
        "750,000,000,000",
        "1,000,000,000,000",
    ]
    for x, text in labels:
        # Anchored at its end: the label runs left from x and must not pass the chart's edge.
        assert x - len(text) * LABEL_CHARACTER_WIDTH >= 0, text
    assert "Target 999,999,999,999.99</text>" in html
    assert "<title>2025-Q2: 582,648,401,836.91</title>" in html


def test_the_card_prints_values_with_thousands_separators(client, large_values):
    html = client.get(large_values.objective.strategy.get_absolute_url()).content.decode()

    assert "Latest</dt><dd>582,648,401,836.91 (2025-Q2)</dd>" in html
    assert "Baseline</dt><dd>1,234.50 (2024)</dd>" in html
    assert "Target</dt><dd>999,999,999,999.99</dd>" in html
    assert "Since baseline</dt><dd>+47,197,116,290.2 %</dd>" in html


def test_small_values_keep_the_narrow_margin(client):
    measure = MeasureFactory()
    DataPointFactory(measure=measure, period="2025-Q1", value=48)

    html = client.get(measure.objective.strategy.get_absolute_url()).content.decode()

    assert '<line class="chart-axis" x1="48"' in html
