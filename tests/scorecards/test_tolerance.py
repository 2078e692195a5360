"""A measure just short of its goal is at risk, not off track: its tolerance, or 5 % of the way."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from base.periods import parse_period
from scorecards.models import Measure
from scorecards.status import Point, Status, measure_status, measure_tolerance, status
from tests.scorecards.factories import DataPointFactory, MeasureFactory, write_raw
from tests.strategy.factories import BandFactory, StrategyFactory, TopLevelMapFactory

TODAY = datetime.date(2026, 11, 28)
RECENT = f"{datetime.date.today().year}"


def judge(value, *, target="25", tolerance="0", lower_is_better=True):
    return status(
        latest=Point("2026-Q3", datetime.date(2026, 7, 1), Decimal(value)),
        target=Decimal(target),
        lower_is_better=lower_is_better,
        stale_after_months=13,
        today=TODAY,
        tolerance=Decimal(tolerance),
    )


@pytest.mark.parametrize(
    "value, expected",
    [
        ("25", Status.ON_TRACK),
        ("26", Status.AT_RISK),
        ("27", Status.AT_RISK),
        ("27.01", Status.OFF_TRACK),
    ],
)
def test_a_value_short_of_the_target_by_the_tolerance_or_less_is_at_risk(value, expected):
    assert judge(value, tolerance="2") is expected


@pytest.mark.parametrize(
    "value, expected",
    [("80", Status.ON_TRACK), ("78", Status.AT_RISK), ("77.99", Status.OFF_TRACK)],
)
def test_the_tolerance_counts_below_the_target_when_higher_is_better(value, expected):
    assert judge(value, target="80", tolerance="2", lower_is_better=False) is expected


def test_without_a_tolerance_a_miss_is_off_track():
    assert judge("25.01") is Status.OFF_TRACK


def judge_measure(value, period, *, tolerance=None):
    """Burglaries: 52 in the 2024 baseline, 25 by the end of 2027; judged at the period's end."""
    return measure_status(
        latest=Point(period, parse_period(period).start, Decimal(value)),
        baseline=Decimal(52),
        baseline_period="2024",
        target=Decimal(25),
        target_period="2027",
        lower_is_better=True,
        stale_after_months=13,
        today=parse_period(period).end,
        tolerance=tolerance,
    )


def test_the_default_tolerance_is_five_per_cent_of_the_way_from_baseline_to_target():
    assert measure_tolerance(None, baseline=Decimal(52), target=Decimal(25)) == Decimal("1.35")
    assert measure_tolerance(Decimal(3), baseline=Decimal(52), target=Decimal(25)) == 3
    assert measure_tolerance(None, baseline=None, target=Decimal(25)) == 0


@pytest.mark.parametrize(
    "value, expected",
    [("43", Status.ON_TRACK), ("44.35", Status.AT_RISK), ("44.36", Status.OFF_TRACK)],
)
def test_on_the_way_the_tolerance_counts_from_the_path(value, expected):
    # The path stands at 43 at the end of 2025, a third of the way from 52 to 25.
    assert judge_measure(value, "2025") is expected


def test_a_measures_own_tolerance_replaces_the_default():
    assert judge_measure("44", "2025", tolerance=Decimal(0)) is Status.OFF_TRACK
    assert judge_measure("46", "2025", tolerance=Decimal(3)) is Status.AT_RISK


@pytest.mark.parametrize("stored", [Decimal(-1), Decimal("NaN"), Decimal(10) ** 13])
def test_a_stored_tolerance_out_of_range_cannot_be_judged(stored):
    assert judge_measure("43", "2025", tolerance=stored) is Status.CANNOT_JUDGE


@pytest.mark.django_db
def test_a_negative_tolerance_is_refused_with_a_message():
    measure = MeasureFactory.build(objective=MeasureFactory().objective, tolerance=Decimal(-1))

    with pytest.raises(ValidationError) as refused:
        measure.full_clean()

    assert "tolerance" in refused.value.message_dict


@pytest.mark.django_db
def test_the_map_and_the_card_say_at_risk_in_words(client):
    page = StrategyFactory(band=BandFactory(map=TopLevelMapFactory()), title="Reduce Access")
    measure = MeasureFactory(
        objective__strategy=page,
        name="Burglaries",
        target_value=50,
        tolerance=5,
        polarity=Measure.Polarity.LOWER_IS_BETTER,
    )
    DataPointFactory(measure=measure, period=RECENT, value=53)

    home = client.get(reverse("strategy:home")).content.decode()
    card = client.get(page.get_absolute_url()).content.decode()
    answer = client.get(reverse("api:strategy-scorecard", args=[page.slug])).json()

    assert "Measures: 1 at risk" in home
    assert "status-at_risk" in card and "At risk" in card
    found = answer["objectives"][0]["measures"][0]
    assert (found["status"], found["status_label"], found["tolerance"]) == (
        "at_risk",
        "At risk",
        5.0,
    )


@pytest.mark.django_db
def test_a_tolerance_stored_past_the_checks_makes_the_card_say_cannot_judge(client):
    page = StrategyFactory()
    measure = MeasureFactory(objective__strategy=page, target_value=50)
    DataPointFactory(measure=measure, period=RECENT, value=53)
    write_raw(Measure, measure.pk, tolerance=-3)

    html = client.get(page.get_absolute_url()).content.decode()

    assert "Cannot judge" in html
