"""Status, trend and change against baseline are computed from the data."""

import datetime
from decimal import Decimal

import pytest

from scorecards.status import Point, Status, Trend, change_from_baseline, status, trend

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
