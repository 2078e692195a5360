"""Charts people can read: round ticks, period labels that never overlap, the path to the
target, and a forecast at the measure's precision."""

import datetime
import math
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from base.periods import Frequency, period_of, shift_period
from scorecards.charts import (
    FEWEST_TICKS,
    HEIGHT,
    LABEL_GAP,
    LEGEND_ROOM,
    MOST_TICKS,
    WIDTH,
    build_chart,
    forecast,
    nice_ticks,
    number,
    tick_places,
)
from scorecards.status import Point
from scorecards.values import VALUE_LIMIT
from tests.scorecards.factories import DataPointFactory, MeasureFactory
from tests.strategy.factories import StrategyFactory

BOUNDED = settings(max_examples=150, deadline=datetime.timedelta(seconds=2))
# A day when every period these tests forecast to is still to come.
BEFORE_THEM = datetime.date(2000, 1, 1)


def quarters(first: str, *values) -> list[Point]:
    """Points for consecutive quarters from ``first`` ("2025-Q1")."""
    year, quarter = int(first[:4]), int(first[-1])
    points = []
    for value in values:
        start = datetime.date(year, 3 * quarter - 2, 1)
        points.append(Point(f"{year}-Q{quarter}", start, Decimal(value)))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return points


# Ticks ----------------------------------------------------------------------------------

levels = st.decimals(min_value=-VALUE_LIMIT + 1, max_value=VALUE_LIMIT - 1, places=2)


@BOUNDED
@given(levels, levels, st.integers(0, 2))
@example(Decimal(40), Decimal(40), 0)
@example(Decimal(0), Decimal(0), 0)
@example(Decimal(10), Decimal(11), 0)
@example(Decimal("0.01"), Decimal("0.02"), 2)
@example(-VALUE_LIMIT + 1, VALUE_LIMIT - 1, 2)
def test_ticks_are_three_to_five_round_steps_covering_every_level(low, high, places):
    low, high = min(low, high), max(low, high)

    ticks = nice_ticks(low, high, places=places)

    assert FEWEST_TICKS <= len(ticks) <= MOST_TICKS
    assert ticks[0] <= low and ticks[-1] >= high
    step = ticks[1] - ticks[0]
    assert all(b - a == step for a, b in zip(ticks, ticks[1:], strict=False))
    assert step / Decimal(10) ** math.floor(step.log10()) in {1, 2, Decimal("2.5"), 5}
    # A count's ticks are whole numbers, and no two print alike.
    assert tick_places(ticks) <= places
    labels = [number(tick, tick_places(ticks)) for tick in ticks]
    assert len(set(labels)) == len(labels)
    if low >= 0:
        assert ticks[0] >= 0


@pytest.mark.parametrize(
    "low, high, places, ticks",
    [
        (28, 52, 0, [20, 30, 40, 50, 60]),
        (0, 60, 0, [0, 20, 40, 60]),
        (40, 40, 0, [36, 38, 40, 42, 44]),
        (10, 11, 0, [10, 11, 12]),
        (Decimal("29.6"), Decimal("35.9"), 1, [28, 30, 32, 34, 36]),
        (Decimal("0.1"), Decimal("0.6"), 1, [0, Decimal("0.2"), Decimal("0.4"), Decimal("0.6")]),
        (-15, 10, 0, [-20, -10, 0, 10]),
    ],
)
def test_ticks_for_some_measures(low, high, places, ticks):
    assert nice_ticks(Decimal(low), Decimal(high), places=places) == [Decimal(t) for t in ticks]


def test_a_count_gets_whole_ticks_however_close_its_values():
    ticks = nice_ticks(Decimal(3), Decimal(4), places=0)

    assert [number(tick, tick_places(ticks)) for tick in ticks] == ["3", "4", "5"]


# The forecast ---------------------------------------------------------------------------


def test_a_straight_line_goes_on_four_periods_without_a_target_period():
    ahead = forecast(quarters("2025-Q1", 10, 20, 30, 40), today=BEFORE_THEM)

    assert (ahead.period.label, ahead.value) == ("2026-Q4", Decimal(80))
    assert not ahead.at_target_period


def test_the_line_is_fitted_by_least_squares_and_drawn_on_from_the_newest_value():
    # Slope of 10, 12, 11, 13: 0.8 a quarter; four quarters on from 13.
    ahead = forecast(quarters("2025-Q1", 10, 12, 11, 13), today=BEFORE_THEM)

    assert ahead.value == Decimal("16.20")
    assert ahead.rate.per_period == Fraction(4, 5)


def test_only_the_newest_eight_values_are_fitted():
    points = quarters("2023-Q1", 500, -300, 900, 0, 10, 20, 30, 40, 50, 60, 70, 80)

    ahead = forecast(points, today=BEFORE_THEM)

    assert len(ahead.rate.fitted) == 8
    assert ahead.value == Decimal(120)


def test_the_forecast_reaches_the_target_period_counted_in_the_measures_own_periods():
    ahead = forecast(
        quarters("2025-Q1", 100, 90, 80, 70, 60), target_period="2026", today=BEFORE_THEM
    )

    assert (ahead.period.label, ahead.value, ahead.at_target_period) == ("2026-Q4", 30, True)


def test_a_yearly_measure_forecasts_to_a_year():
    points = [
        Point(str(year), datetime.date(year, 1, 1), Decimal(value))
        for year, value in ((2023, "32.4"), (2024, "29.6"), (2025, "33.8"))
    ]

    ahead = forecast(points, target_period="2028", today=BEFORE_THEM)

    assert (ahead.period.label, ahead.value) == ("2028", Decimal("35.90"))


def test_the_forecast_stops_at_its_horizon_before_a_far_target():
    # Three quarters of values say nothing of six years on: it looks twice their span ahead.
    ahead = forecast(quarters("2025-Q1", 10, 20, 30, 40), target_period="2031", today=BEFORE_THEM)

    assert (ahead.period.label, ahead.at_target_period) == ("2027-Q2", False)
    assert ahead.value == Decimal(100)


def test_a_target_period_already_passed_forecasts_four_periods_on():
    ahead = forecast(quarters("2025-Q1", 1, 2, 3, 4), target_period="2024", today=BEFORE_THEM)

    assert (ahead.period.label, ahead.at_target_period) == ("2026-Q4", False)


@pytest.mark.parametrize("count", [0, 1, 2])
def test_fewer_than_three_values_make_no_forecast(count):
    assert forecast(quarters("2025-Q1", 10, 20)[:count], today=BEFORE_THEM) is None


def test_old_values_make_no_forecast_for_a_period_already_over():
    assert forecast(quarters("2015-Q1", 1, 2, 3), today=datetime.date(2026, 12, 3)) is None


def test_a_flat_series_forecasts_where_it_is():
    chart = build_chart(
        quarters("2025-Q1", 7, 7, 7, 7), baseline=None, target=None, today=BEFORE_THEM
    )

    assert chart.forecast.value == 7
    assert chart.forecast_words == "7 by 2026-Q4"
    assert "Over its last 4 values it held level." in chart.description


def test_a_count_falling_fast_is_forecast_to_stop_at_zero():
    ahead = forecast(quarters("2025-Q1", 30, 20, 10, 5), today=BEFORE_THEM)

    assert ahead.value == 0


@pytest.mark.parametrize(
    "lower_is_better, values, words",
    [
        (True, (52, 45, 38, 31), "3 by 2026-Q4, meeting the target of 25"),
        (True, (52, 50, 49, 47), "41 by 2026-Q4, missing the target of 25"),
        (False, (10, 20, 30, 40), "80 by 2026-Q4, meeting the target of 75"),
        (False, (10, 12, 11, 13), "16 by 2026-Q4, missing the target of 75"),
    ],
)
def test_the_words_say_whether_the_forecast_meets_the_target_either_way(
    lower_is_better, values, words
):
    chart = build_chart(
        quarters("2025-Q1", *values),
        baseline=None,
        target=Decimal(25 if lower_is_better else 75),
        target_period="2026",
        lower_is_better=lower_is_better,
        places=0,
        today=BEFORE_THEM,
    )

    assert chart.forecast_words == words
    assert f"At this rate: {words}." in chart.description


def test_the_forecast_prints_at_the_measures_precision():
    points = quarters("2025-Q1", 10, 12, 11, 13)

    counts = build_chart(points, baseline=None, target=None, places=0, today=BEFORE_THEM)
    rates = build_chart(points, baseline=None, target=None, places=1, today=BEFORE_THEM)

    assert counts.forecast_words == "16 by 2026-Q4"
    assert rates.forecast_words == "16.2 by 2026-Q4"
    assert "rose by about 0.8 a quarter" in counts.description


# Labels and placement -------------------------------------------------------------------


def consecutive(kind: str, first: datetime.date, count: int) -> list[Point]:
    frequency = {"year": Frequency.YEARLY, "quarter": Frequency.QUARTERLY}.get(
        kind, Frequency.MONTHLY
    )
    period = period_of(first, frequency)
    periods = [shift_period(period, frequency, step) for step in range(count)]
    return [Point(p.label, p.start, Decimal(10 + step % 7)) for step, p in enumerate(periods)]


@BOUNDED
@given(
    kind=st.sampled_from(["year", "quarter", "month"]),
    first=st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31)),
    count=st.integers(1, 60),
    target_years_on=st.none() | st.integers(-5, 40),
    baseline=st.none() | st.integers(0, 1000),
)
def test_period_labels_never_overlap_and_the_first_and_last_sit_at_the_plots_edges(
    kind, first, count, target_years_on, baseline
):
    points = consecutive(kind, first, count)
    target_period = "" if target_years_on is None else str(first.year + target_years_on)

    chart = build_chart(
        points,
        baseline=None if baseline is None else Decimal(baseline),
        baseline_period=str(first.year),
        target=Decimal(5),
        target_period=target_period,
        today=BEFORE_THEM,
    )

    labels = chart.period_labels
    assert all(a.right + LABEL_GAP <= b.left for a, b in zip(labels, labels[1:], strict=False))
    assert all(label.left >= 0 and label.right <= WIDTH for label in labels)
    if len(labels) > 1:
        assert (labels[0].anchor, labels[0].x) == ("start", chart.plot_left)
        assert (labels[-1].anchor, labels[-1].x) == ("end", chart.plot_right)
    else:
        assert labels[0].anchor in ("middle", "end")
    assert all(chart.plot_left <= dot.x <= chart.plot_right for dot in chart.dots)
    assert all(chart.plot_top - 0.01 <= dot.y <= chart.plot_bottom + 0.01 for dot in chart.dots)


def test_quarters_are_labelled_a_year_apart_when_every_quarter_does_not_fit():
    chart = build_chart(
        quarters("2024-Q4", 48, 45, 41, 39, 35, 33, 30, 28),
        baseline=Decimal(52),
        baseline_period="2024",
        target=Decimal(25),
        target_period="2027",
        lower_is_better=True,
        today=BEFORE_THEM,
    )

    assert [label.label for label in chart.period_labels] == [
        "2024-Q4",
        "2025-Q4",
        "2026-Q4",
        "2027-Q4",
    ]


def test_the_path_runs_from_the_baseline_to_the_target_where_the_status_judges_by_it():
    chart = build_chart(
        quarters("2025-Q1", 50, 45),
        baseline=Decimal(52),
        baseline_period="2024",
        target=Decimal(25),
        target_period="2027",
        lower_is_better=True,
        today=BEFORE_THEM,
    )

    # From 2024-Q4, the quarter whose end the path starts at, to 2027-Q4.
    assert [label.label for label in chart.period_labels][0] == "2024-Q4"
    assert chart.period_labels[-1].label == "2027-Q4"
    assert (chart.path.x1, chart.path.x2) == (chart.plot_left, chart.plot_right)
    assert chart.path.y1 == pytest.approx(chart.baseline.y)
    assert chart.path.y2 == pytest.approx(chart.target.y)


def test_without_a_baseline_period_the_path_starts_at_the_first_value():
    points = quarters("2025-Q1", 50, 45)
    chart = build_chart(
        points, baseline=None, target=Decimal(25), target_period="2026", today=BEFORE_THEM
    )

    assert (chart.path.x1, chart.path.y1) == (chart.dots[0].x, chart.dots[0].y)


def test_a_path_to_a_far_target_is_cut_at_the_horizon():
    chart = build_chart(
        quarters("2025-Q1", 50, 45),
        baseline=Decimal(50),
        baseline_period="2024",
        target=Decimal(10),
        target_period="2060",
        today=BEFORE_THEM,
    )

    assert chart.period_labels[-1].label == "2028-Q2"
    assert chart.target.y > chart.path.y2 > chart.baseline.y


def test_a_single_value_is_a_labelled_point_in_the_middle():
    chart = build_chart(
        quarters("2025-Q1", 48), baseline=None, target=None, places=0, today=BEFORE_THEM
    )

    (dot,) = chart.dots
    assert dot.x == (chart.plot_left + chart.plot_right) / 2
    assert chart.point_label.label == "48"
    assert [(label.label, label.anchor) for label in chart.period_labels] == [("2025-Q1", "middle")]
    assert chart.forecast is None
    # Nothing to name in a legend, and no room kept for one.
    assert not chart.has_legend and chart.height == HEIGHT - LEGEND_ROOM
    assert chart.description.startswith("One value, 48 in 2025-Q1.")
    assert "A forecast takes 3 values or more." in chart.description


def test_no_values_no_chart():
    assert build_chart([], baseline=Decimal(1), target=Decimal(2), today=BEFORE_THEM) is None


# On the page ----------------------------------------------------------------------------


@pytest.fixture
def recent_quarters():
    """The four quarters before this one: recent enough for a forecast."""
    this = period_of(datetime.date.today(), Frequency.QUARTERLY)
    return [shift_period(this, Frequency.QUARTERLY, step) for step in range(-4, 0)]


def chart_of(html: str, measure) -> str:
    start = html.index("<svg", html.index(f'id="measure-{measure.pk}"'))
    return html[start : html.index("</table>", start)]


@pytest.mark.django_db
def test_the_card_and_the_table_say_where_the_values_are_heading(client, recent_quarters):
    page = StrategyFactory()
    measure = MeasureFactory(
        objective__strategy=page, polarity="higher", baseline_value=10, target_value=90
    )
    for period, value in zip(recent_quarters, (10, 20, 30, 40), strict=True):
        DataPointFactory(measure=measure, period=period.label, value=value)
    ahead = shift_period(recent_quarters[-1], Frequency.QUARTERLY, 4).label

    html = client.get(page.get_absolute_url()).content.decode()

    assert f"<dt>At this rate</dt><dd>80 by {ahead}</dd>" in html
    chart = chart_of(html, measure)
    assert f'<tfoot><tr><th scope="row">At this rate</th><td>80 by {ahead}</td>' in chart
    assert f"At this rate: 80 by {ahead}." in chart
    assert 'class="chart-forecast"' in chart and 'stroke-dasharray="6 4"' in chart
    assert '<g class="chart-legend">' in chart and ">At this rate</text>" in chart
    # Counts print bare, everywhere.
    assert "<td>40</td>" in chart and "40.00" not in html
    assert "Latest</dt><dd>40 (" in html
    assert "Baseline</dt><dd>10 (" in html


@pytest.mark.django_db
def test_a_rate_prints_its_decimals_in_the_card_the_chart_and_the_table(client):
    page = StrategyFactory()
    measure = MeasureFactory(
        objective__strategy=page, baseline_value=Decimal("32.4"), target_value=20
    )
    DataPointFactory(measure=measure, period="2025", value=30)

    html = client.get(page.get_absolute_url()).content.decode()
    chart = chart_of(html, measure)

    assert "Latest</dt><dd>30.0 (2025)</dd>" in html
    assert "Target</dt><dd>20.0</dd>" in html
    assert "<td>30.0</td>" in chart and "<title>2025: 30.0</title>" in chart
    assert "Baseline 32.4</text>" in chart and "Target 20.0</text>" in chart


@pytest.mark.django_db
def test_a_single_value_is_drawn_as_a_labelled_point(client):
    page = StrategyFactory()
    measure = MeasureFactory(objective__strategy=page)
    DataPointFactory(measure=measure, period="2025-Q1", value=48)

    chart = chart_of(client.get(page.get_absolute_url()).content.decode(), measure)

    assert 'class="chart-point-label"' in chart and ">48</text>" in chart
    assert "<polyline" not in chart
    assert 'text-anchor="middle" fill="#3a4350">2025-Q1</text>' in chart


@pytest.mark.django_db
def test_a_measure_without_values_has_no_chart(client):
    page = StrategyFactory()
    MeasureFactory(objective__strategy=page)

    html = client.get(page.get_absolute_url()).content.decode()

    assert "measure-chart" not in html
    assert "no data yet" in html
    assert "At this rate" not in html


@pytest.mark.django_db
def test_the_chart_carries_its_own_colours_and_fonts(client):
    page = StrategyFactory()
    measure = MeasureFactory(objective__strategy=page, target_period="2030")
    for period, value in (("2025-Q1", 50), ("2025-Q2", 45), ("2025-Q3", 43)):
        DataPointFactory(measure=measure, period=period, value=value)

    chart = chart_of(client.get(page.get_absolute_url()).content.decode(), measure)
    svg = chart[: chart.index("</svg>")]

    assert 'font-family="' in svg and 'font-size="11"' in svg
    texts = re.findall(r"<text [^>]*>", svg)
    assert texts and all(' fill="#' in text for text in texts)
    lines = re.findall(r"<(?:line|polyline) [^>]*>", svg)
    assert lines and all(' stroke="#' in line for line in lines)
