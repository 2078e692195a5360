"""Status, trend and change against baseline are computed from the data."""

import datetime
from decimal import Decimal

import pytest

from scorecards.status import (
    Point,
    Status,
    Trend,
    change_from_baseline,
    status,
    trajectory_to_target,
    trend,
)

TODAY = datetime.date(2026, 11, 28)


def point(value, start=datetime.date(2026, 7, 1), period="2026-Q3"):
    return Point(period, start, Decimal(value))


def judge(value, target, *, lower_is_better, start=datetime.date(2026, 7, 1), stale_after=13):
    return status(
        latest=point(value, start) if value is not None else None,
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


def judge_on_path(value, *, start, lower_is_better=True, path=BURGLARIES_PATH, target="25"):
    return status(
        latest=point(value, start),
        target=Decimal(target),
        lower_is_better=lower_is_better,
        stale_after_months=13,
        today=start + datetime.timedelta(days=30),
        path=trajectory_to_target(target=Decimal(target), **path),
    )


def test_the_path_runs_from_the_baseline_period_start_to_the_target_period_end():
    path = trajectory_to_target(target=Decimal(25), **BURGLARIES_PATH)

    assert (path.start, path.end) == (datetime.date(2024, 1, 1), datetime.date(2028, 1, 1))
    halfway = path.expected(datetime.date(2026, 1, 1))  # 731 of 1,461 days
    assert round(halfway, 2) == Decimal("38.49")
    assert path.expected(datetime.date(2023, 6, 1)) == 52, "the baseline before the path"
    assert path.expected(datetime.date(2029, 1, 1)) == 25, "the target after it"


@pytest.mark.parametrize(
    "value, expected",
    [("35", Status.ON_TRACK), ("38.4", Status.ON_TRACK), ("38.6", Status.OFF_TRACK)],
)
def test_before_the_target_period_ends_a_value_on_the_path_is_on_track(value, expected):
    assert judge_on_path(value, start=datetime.date(2026, 1, 1)) == expected


def test_the_path_works_for_measures_where_higher_is_better():
    rising = {"baseline": Decimal(40), "baseline_period": "2024", "target_period": "2027-Q4"}

    on_path = judge_on_path(
        "62", start=datetime.date(2026, 1, 1), lower_is_better=False, path=rising, target="80"
    )
    behind = judge_on_path(
        "55", start=datetime.date(2026, 1, 1), lower_is_better=False, path=rising, target="80"
    )

    assert (on_path, behind) == (Status.ON_TRACK, Status.OFF_TRACK)


def test_once_the_target_period_has_ended_only_the_target_counts():
    assert judge_on_path("30", start=datetime.date(2028, 1, 1)) == Status.OFF_TRACK
    assert judge_on_path("25", start=datetime.date(2028, 1, 1)) == Status.ON_TRACK


@pytest.mark.parametrize(
    "missing",
    [{"baseline": None}, {"baseline_period": ""}, {"target_period": ""}, {"target_period": "2023"}],
)
def test_without_a_whole_path_only_the_target_counts(missing):
    path = {**BURGLARIES_PATH, **missing}

    assert trajectory_to_target(target=Decimal(25), **path) is None
    assert judge_on_path("35", start=datetime.date(2026, 1, 1), path=path) == Status.OFF_TRACK
