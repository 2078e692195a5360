"""Status, trend and change against baseline are computed from the data."""

import datetime
from decimal import Decimal

import pytest

from base.periods import parse_period
from scorecards.status import (
    Point,
    Status,
    Trend,
    change_from_baseline,
    expected_at,
    status,
    trajectory_to_target,
    trend,
)

TODAY = datetime.date(2026, 11, 28)


def point(value, start=datetime.date(2026, 7, 1), period="2026-Q3"):
    return Point(period, start, Decimal(value))


def judge(value, target, *, lower_is_better, start=datetime.date(2026, 7, 1), stale_after=13):
    return status(
        latest=point(value, start, period=start.isoformat()) if value is not None else None,
        target=Decimal(target) if target is not None else None,
        lower_is_better=lower_is_better,
        stale_after_months=stale_after,
        today=TODAY,
    )


@pytest.mark.parametrize(
    "value, expected",
    [("24", Status.ON_TRACK), ("25", Status.ON_TRACK), ("26", Status.OFF_TRACK)],
)
def test_lower_is_better_is_on_track_at_or_below_the_target(value, expected):
    assert judge(value, "25", lower_is_better=True) is expected


@pytest.mark.parametrize(
    "value, expected",
    [("79", Status.OFF_TRACK), ("80", Status.ON_TRACK), ("81", Status.ON_TRACK)],
)
def test_higher_is_better_is_on_track_at_or_above_the_target(value, expected):
    assert judge(value, "80", lower_is_better=False) is expected


def test_no_value_means_no_data():
    assert judge(None, "25", lower_is_better=True) is Status.NO_DATA


def test_a_value_older_than_the_allowed_months_is_stale():
    old = datetime.date(2025, 10, 1)
    assert judge("10", "25", lower_is_better=True, start=old) is Status.STALE
    assert judge("10", "25", lower_is_better=True, start=old, stale_after=14) is Status.ON_TRACK


def test_a_value_exactly_at_the_limit_is_not_yet_stale():
    limit = datetime.date(2025, 10, 28)  # 13 months before TODAY
    assert judge("10", "25", lower_is_better=True, start=limit) is Status.ON_TRACK


def test_without_a_target_the_status_says_so():
    assert judge("10", None, lower_is_better=True) is Status.NO_TARGET


def series(*values):
    return [
        point(value, datetime.date(2025, 1 + 3 * i, 1), f"2025-Q{i + 1}")
        for i, value in enumerate(values)
    ]


def test_falling_values_are_improving_when_lower_is_better():
    assert trend(series("40", "35", "30"), lower_is_better=True) is Trend.IMPROVING
    assert trend(series("40", "35", "30"), lower_is_better=False) is Trend.WORSENING


def test_small_changes_are_flat():
    assert trend(series("100", "101", "100.5"), lower_is_better=True) is Trend.FLAT


def test_trend_needs_two_points():
    assert trend(series("40"), lower_is_better=True) is Trend.UNKNOWN
    assert trend([], lower_is_better=True) is Trend.UNKNOWN


def test_trend_looks_at_the_last_three_points_only():
    assert trend(series("10", "50", "45", "40"), lower_is_better=True) is Trend.IMPROVING


def test_change_from_baseline_in_per_cent():
    assert change_from_baseline(point("26"), Decimal("52")) == Decimal("-50.0")
    assert change_from_baseline(point("26"), None) is None
    assert change_from_baseline(None, Decimal("52")) is None
    assert change_from_baseline(point("26"), Decimal("0")) is None


# On the way to the target: Burglaries, 52 in the 2024 baseline, 25 by the end of 2027.
BURGLARIES_PATH = {"baseline": Decimal(52), "baseline_period": "2024", "target_period": "2027"}


def judge_on_path(value, period, *, lower_is_better=True, path=BURGLARIES_PATH, target="25"):
    return status(
        latest=Point(period, parse_period(period).start, Decimal(value)),
        target=Decimal(target),
        lower_is_better=lower_is_better,
        stale_after_months=13,
        today=parse_period(period).end,
        path=trajectory_to_target(target=Decimal(target), **path),
    )


def test_the_path_runs_from_the_end_of_the_baseline_period_to_the_end_of_the_target_period():
    path = trajectory_to_target(target=Decimal(25), **BURGLARIES_PATH)

    assert (path.start, path.end) == (datetime.date(2025, 1, 1), datetime.date(2028, 1, 1))
    assert path.expected(datetime.date(2026, 1, 1)) == Decimal("43.00"), "a third of the way"


@pytest.mark.parametrize(
    "value, expected",
    [("40", Status.ON_TRACK), ("43", Status.ON_TRACK), ("43.01", Status.OFF_TRACK)],
)
def test_a_value_on_the_path_is_on_track_before_the_target_period(value, expected):
    assert judge_on_path(value, "2025") == expected


def test_a_quarter_is_judged_at_its_end():
    # The end of 2026-Q1 is 15 of the path's 36 months: 52 - 27 * 455 / 1095.
    assert judge_on_path("40.78", "2026-Q1") == Status.ON_TRACK
    assert judge_on_path("40.79", "2026-Q1") == Status.OFF_TRACK


def test_the_path_works_for_measures_where_higher_is_better():
    rising = {"baseline": Decimal(40), "baseline_period": "2024", "target_period": "2027-Q4"}

    def judge(value):
        return judge_on_path(value, "2025", lower_is_better=False, path=rising, target="80")

    # A third of the way from 40 to 80: 53.33.
    assert (judge("53.4"), judge("53.3")) == (Status.ON_TRACK, Status.OFF_TRACK)


@pytest.mark.parametrize(
    "value, period, expected",
    [
        ("31", "2027", Status.OFF_TRACK),
        ("26.5", "2027-Q4", Status.OFF_TRACK),
        ("25", "2027", Status.ON_TRACK),
    ],
)
def test_a_value_for_the_target_period_itself_must_meet_the_target(value, period, expected):
    assert judge_on_path(value, period) == expected


def test_once_the_target_period_has_ended_an_older_value_must_meet_the_target():
    path = trajectory_to_target(target=Decimal(25), **BURGLARIES_PATH)
    latest = Point("2026", datetime.date(2026, 1, 1), Decimal(36))

    assert expected_at(path, latest, today=datetime.date(2027, 12, 31)) == Decimal("34.00")
    assert expected_at(path, latest, today=datetime.date(2028, 1, 1)) is None


def test_periods_of_different_lengths_meet_at_their_ends():
    monthly_baseline = {
        "baseline": Decimal(100),
        "baseline_period": "2024-12",
        "target_period": "2025",
    }

    assert judge_on_path("60", "2025", path=monthly_baseline, target="0") == Status.OFF_TRACK
    assert judge_on_path("60", "2025-06", path=monthly_baseline, target="0") == Status.OFF_TRACK
    assert judge_on_path("40", "2025-06", path=monthly_baseline, target="0") == Status.ON_TRACK


@pytest.mark.parametrize(
    "missing",
    [
        {"baseline": None},
        {"baseline_period": ""},
        {"target_period": ""},
        {"target_period": "2024"},
        {"target_period": "2027-Q5"},
    ],
)
def test_without_a_whole_path_only_the_target_counts(missing):
    path = {**BURGLARIES_PATH, **missing}

    assert trajectory_to_target(target=Decimal(25), **path) is None
    assert judge_on_path("40", "2025", path=path) == Status.OFF_TRACK
