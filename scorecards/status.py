"""How a measure is doing, computed from its data — never typed in.

Pure functions over plain values, so the same rules serve the strategy page,
the scorecard page, the map roll-ups and the CSV export.
"""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from scorecards.periods import add_months, parse_period

# A change smaller than this share of the earlier value counts as flat.
FLAT_TOLERANCE = Decimal("0.02")
TREND_POINTS = 3


class Status(Enum):
    ON_TRACK = ("on_track", "On track")
    OFF_TRACK = ("off_track", "Off track")
    STALE = ("stale", "Stale")
    NO_DATA = ("no_data", "No data")
    NO_TARGET = ("no_target", "No target set")

    def __init__(self, code: str, label: str):
        self.code, self.label = code, label


class Trend(Enum):
    IMPROVING = ("improving", "Improving")
    WORSENING = ("worsening", "Worsening")
    FLAT = ("flat", "Flat")
    UNKNOWN = ("unknown", "Not enough data")

    def __init__(self, code: str, label: str):
        self.code, self.label = code, label


@dataclass(frozen=True)
class Point:
    period: str
    start: datetime.date
    value: Decimal


@dataclass(frozen=True)
class Trajectory:
    """The straight line from the baseline to the target, reached by the target period's end.

    A coalition that sets a target for 2027 from a 2024 baseline is on track in
    2025 when it has come a third of the way, not only once it is there.
    """

    start: datetime.date
    start_value: Decimal
    end: datetime.date
    end_value: Decimal

    def expected(self, day: datetime.date) -> Decimal:
        """Where the line is on ``day``: the baseline before it starts, the target after it ends."""
        share = (day - self.start).days / (self.end - self.start).days
        share = Decimal(str(round(min(max(share, 0), 1), 6)))
        return self.start_value + (self.end_value - self.start_value) * share


def trajectory_to_target(
    *,
    baseline: Decimal | None,
    baseline_period: str,
    target: Decimal | None,
    target_period: str,
) -> Trajectory | None:
    """The line from a measure's baseline to its target; None unless both have a value and a
    period, and the target period ends after the baseline period starts."""
    if baseline is None or target is None or not baseline_period or not target_period:
        return None
    start, end = _period(baseline_period).start, _period(target_period).end
    if end <= start:
        return None
    return Trajectory(start, baseline, end, target)


# A map rolls up thousands of measures, whose periods are a few dozen labels.
_period = functools.lru_cache(maxsize=1024)(parse_period)


def status(
    *,
    latest: Point | None,
    target: Decimal | None,
    lower_is_better: bool,
    stale_after_months: int,
    today: datetime.date,
    path: Trajectory | None = None,
) -> Status:
    """On track or off track; stale when the newest value is too old.

    On track when the newest value meets the target, or, while the target
    period has not ended, the point ``path`` (from the baseline to the target)
    had reached by the newest value's period.
    """
    if latest is None:
        return Status.NO_DATA
    if add_months(latest.start, stale_after_months) < today:
        return Status.STALE
    if target is None:
        return Status.NO_TARGET

    def meets(goal: Decimal) -> bool:
        return latest.value <= goal if lower_is_better else latest.value >= goal

    if meets(target) or (
        path is not None and latest.start < path.end and meets(path.expected(latest.start))
    ):
        return Status.ON_TRACK
    return Status.OFF_TRACK


def trend(points: list[Point], *, lower_is_better: bool) -> Trend:
    """The direction of the last few points: the newest against the mean of the ones before."""
    recent = points[-TREND_POINTS:]
    if len(recent) < 2:
        return Trend.UNKNOWN
    *earlier, newest = (point.value for point in recent)
    before = sum(earlier) / len(earlier)
    change = newest - before
    if abs(change) <= abs(before) * FLAT_TOLERANCE:
        return Trend.FLAT
    better = change < 0 if lower_is_better else change > 0
    return Trend.IMPROVING if better else Trend.WORSENING


def change_from_baseline(latest: Point | None, baseline: Decimal | None) -> Decimal | None:
    """The newest value's change against the baseline, in per cent (None when either is missing)."""
    if latest is None or baseline in (None, 0):
        return None
    return ((latest.value - baseline) / abs(baseline) * 100).quantize(Decimal("0.1"))
