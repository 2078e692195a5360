"""A measure's figures print as its own numbers do, and a measure in per cent changes in points."""

from decimal import Decimal

import pytest
from django.utils import timezone

from scorecards.charts import number
from scorecards.templatetags.measures import places_apart
from scorecards.values import decimal_places
from tests.scorecards.factories import DataPointFactory, MeasureFactory
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value, places",
    [("48.00", 0), ("12.50", 1), ("36.27", 2), ("1E+3", 0), ("-0.10", 1), ("0", 0)],
)
def test_a_value_needs_the_decimals_it_does_not_end_in_zeros(value, places):
    assert decimal_places(Decimal(value)) == places


def test_numbers_round_to_the_places_asked_for():
    assert number(Decimal("36.27"), 0) == "36"
    assert number(Decimal("1234.5"), 1) == "1,234.5"
    assert number(Decimal("48.00")) == "48"


def test_a_measure_counts_the_decimals_of_its_values_baseline_and_target():
    counts = MeasureFactory(baseline_value=52, target_value=25)
    DataPointFactory(measure=counts, period="2025", value=40)
    rates = MeasureFactory(baseline_value=Decimal("10.5"), target_value=20)
    DataPointFactory(measure=rates, period="2025", value=Decimal("12.25"))

    assert (counts.precision, rates.precision) == (0, 2)
    assert MeasureFactory().precision == 0


def test_a_count_on_its_way_prints_where_it_should_be_as_a_whole_number(client):
    page = StrategyFactory()
    this_year = timezone.localdate().year
    measure = MeasureFactory(
        objective__strategy=page,
        baseline_value=52,
        baseline_period=str(this_year - 2),
        target_value=25,
        target_period=str(this_year + 1),
    )
    DataPointFactory(measure=measure, period=f"{this_year}-Q1", value=36)

    html = client.get(page.get_absolute_url()).content.decode()

    assert measure.expected_at_latest != measure.expected_at_latest.to_integral()
    assert f"{measure.expected_at_latest:.0f} expected by the end of" in html
    assert f"{measure.expected_at_latest} expected" not in html


@pytest.mark.parametrize(
    "expected, latest, places, shown",
    [
        ("58.33", "58", 0, 1),  # "58.3 expected" beside 58, not "58 expected"
        ("58.34", "58.3", 1, 2),
        ("58.33", "57", 0, 0),  # apart already at the measure's places
        ("58.00", "58", 0, 0),  # alike indeed
        ("58.001", "58", 1, 2),  # never more than two
    ],
)
def test_where_the_path_stands_prints_apart_from_the_latest_value(expected, latest, places, shown):
    assert places_apart(Decimal(expected), Decimal(latest), places) == shown


@pytest.mark.parametrize("baseline, value, change", [(10, 17, "+7"), (0, 5, "+5"), (20, 19, "-1")])
def test_a_measure_in_per_cent_reads_its_change_in_percentage_points(
    client, baseline, value, change
):
    page = StrategyFactory()
    measure = MeasureFactory(objective__strategy=page, unit="%", baseline_value=baseline)
    DataPointFactory(measure=measure, period=str(timezone.localdate().year), value=value)

    html = client.get(page.get_absolute_url()).content.decode()

    assert f"Since baseline</dt><dd>{change} percentage point" in html
    assert " %</dd>" not in html


def test_other_measures_still_read_their_change_in_per_cent(client):
    page = StrategyFactory()
    measure = MeasureFactory(objective__strategy=page, unit="incidents", baseline_value=10)
    DataPointFactory(measure=measure, period=str(timezone.localdate().year), value=17)

    html = client.get(page.get_absolute_url()).content.decode()

    assert "+70.0 %" in html
    assert "percentage point" not in html
