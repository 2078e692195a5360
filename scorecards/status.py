"""How a measure is doing, computed from its data — never typed in.

Pure functions over plain values, so the same rules serve the strategy page,
the scorecard page, the map roll-ups and the CSV export.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from scorecards.periods import add_months

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


def status(
    *,
    latest: Point | None,
    target: Decimal | None,
    lower_is_better: bool,
    stale_after_months: int,
    today: datetime.date,
) -> Status:
    """On track or off track against the target; stale when the newest value is too old."""
    if latest is None:
        return Status.NO_DATA
    if add_months(latest.start, stale_after_months) < today:
        return Status.STALE
    if target is None:
        return Status.NO_TARGET
    met = latest.value <= target if lower_is_better else latest.value >= target
    return Status.ON_TRACK if met else Status.OFF_TRACK


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
