"""How a measure is doing, computed from its data — never typed in.

Pure functions over plain values, so the same rules serve the strategy page,
the scorecard page, the embed, the map roll-ups, the CSV export and the API.
They take stored data as it comes and never raise: a period or a value outside
its range (written before the ranges were checked, or past them) makes the
measure "cannot judge".
"""

import datetime
import functools
import time
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from django.core.exceptions import ValidationError

from base.periods import FIRST_YEAR, Period, add_months, last_year, parse_period, year_window
from scorecards.values import VALUE_LIMIT, in_range

# A change smaller than this share of the earlier value counts as flat.
FLAT_TOLERANCE = Decimal("0.02")
# Without a tolerance of its own, a measure short of its goal by at most this share
# of the distance from its baseline to its target is at risk rather than off track.
DEFAULT_TOLERANCE_SHARE = Decimal("0.05")
TREND_POINTS = 3


class Status(Enum):
    ON_TRACK = ("on_track", "On track")
    AT_RISK = ("at_risk", "At risk")
    OFF_TRACK = ("off_track", "Off track")
    STALE = ("stale", "Stale")
    NO_DATA = ("no_data", "No data")
    NO_TARGET = ("no_target", "No target set")
    CANNOT_JUDGE = ("cannot_judge", "Cannot judge")

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

    @property
    def can_be_judged(self) -> bool:
        """A period label within the window, its own first day, and a value in range."""
        return _judged_within(self, _window_years())


# (when to read the date again, the window read last)
_window: tuple[float, range] = (0.0, range(0))


def _window_years() -> range:
    """The years a period may have, read from today's date at most once a second: a map or
    the dashboard judges thousands of measures, and reading the date cost a third of it."""
    global _window
    now = time.monotonic()
    if now >= _window[0]:
        _window = (now + 1, range(FIRST_YEAR, last_year() + 1))
    return _window[1]


def window_years() -> range:
    """The years a period may have (``base.periods.year_window``), read at most once a
    second."""
    return _window_years()


def _judged_within(point: Point, years: range) -> bool:
    if not in_range(point.value):
        return False
    # A chart checks every point of a measure, tens of thousands of daily ones at most:
    # a label as the checks store it needs only its year looked at, not parsing.
    if names_its_start(point):
        return point.start.year in years
    period = stored_period(point.period)
    return period is not None and period.start == point.start


@dataclass(frozen=True)
class Trajectory:
    """The straight line from the baseline to the target, each at the end of its period.

    A coalition that sets a target for 2027 from a 2024 baseline is on track at
    the end of 2025 when it has come a third of the way, not only once it is there.
    """

    start: datetime.date
    start_value: Decimal
    end: datetime.date
    end_value: Decimal

    def expected(self, day: datetime.date) -> Decimal:
        """Where the line stands on ``day``, to the hundredth, for a day within it."""
        share = Decimal((day - self.start).days) / Decimal((self.end - self.start).days)
        return (self.start_value + (self.end_value - self.start_value) * share).quantize(
            Decimal("0.01")
        )


def trajectory_to_target(
    *,
    baseline: Decimal | None,
    baseline_period: str,
    target: Decimal | None,
    target_period: str,
) -> Trajectory | None:
    """The line from a measure's baseline to its target; None unless both have a value and a
    period, both in range, and the target period ends after the baseline period."""
    if baseline is None or target is None or not in_range(baseline) or not in_range(target):
        return None
    baseline_in, target_in = stored_period(baseline_period), stored_period(target_period)
    if baseline_in is None or target_in is None or target_in.end <= baseline_in.end:
        return None
    return Trajectory(baseline_in.end, baseline, target_in.end, target)


def expected_at(
    path: Trajectory | None, latest: Point | None, *, today: datetime.date
) -> Decimal | None:
    """Where ``path`` stands at the end of the newest value's period, or None when it does
    not apply: no path or value, the value is not within the path, or its target period
    has ended."""
    if path is None or latest is None or today >= path.end or not latest.can_be_judged:
        return None
    day = stored_period(latest.period).end
    if not path.start < day < path.end:
        return None
    return path.expected(day)


@functools.lru_cache(maxsize=1024)
def stored_period(label: str) -> Period | None:
    """The period a stored label names; None when it names none within the window."""
    # Cached: a map rolls up thousands of measures, whose periods are a few dozen labels.
    try:
        return parse_period(label)
    except ValidationError:
        return None


def measure_status(
    *,
    latest: Point | None,
    baseline: Decimal | None,
    baseline_period: str,
    target: Decimal | None,
    target_period: str,
    lower_is_better: bool,
    stale_after_months: int,
    today: datetime.date,
    tolerance: Decimal | None = None,
) -> Status:
    """A measure's status from its stored fields: ``status`` with the path from the baseline
    to the target and the measure's tolerance (``measure_tolerance``), or CANNOT_JUDGE when
    one of them is out of range."""
    if (
        not in_range(baseline)
        or not in_range(tolerance)
        or (tolerance is not None and tolerance < 0)
        or (baseline_period and stored_period(baseline_period) is None)
        or (target_period and stored_period(target_period) is None)
    ):
        return Status.CANNOT_JUDGE
    judge = functools.partial(
        status,
        latest=latest,
        target=target,
        lower_is_better=lower_is_better,
        stale_after_months=stale_after_months,
        today=today,
        tolerance=measure_tolerance(tolerance, baseline=baseline, target=target),
    )
    judged = judge()
    if judged not in (Status.OFF_TRACK, Status.AT_RISK):
        return judged
    # The path to the target only matters short of it: a map's roll-up skips it for most.
    path = trajectory_to_target(
        baseline=baseline,
        baseline_period=baseline_period,
        target=target,
        target_period=target_period,
    )
    return judged if path is None else judge(path=path)


def judged_until(
    judged: Status,
    *,
    latest: Point | None,
    target_period: str,
    stale_after_months: int,
    today: datetime.date,
) -> datetime.date | None:
    """The first day after ``today`` on which a measure judged ``judged`` today may be judged
    otherwise with nothing written: the day its newest value grows stale, or the day its
    target period ends and the path to the target no longer applies; for one that cannot be
    judged, the next new year, which widens the window of years. None when only a write can
    change it."""
    if judged is Status.CANNOT_JUDGE:
        return datetime.date(today.year + 1, 1, 1)
    days = []
    if latest is not None:
        last_fresh_day = add_months(latest.start, stale_after_months)
        if last_fresh_day >= today and last_fresh_day < datetime.date.max:
            days.append(last_fresh_day + datetime.timedelta(days=1))
    if target_period and (target := stored_period(target_period)) and target.end > today:
        days.append(target.end)
    return min(days, default=None)


def measure_tolerance(
    tolerance: Decimal | None, *, baseline: Decimal | None, target: Decimal | None
) -> Decimal:
    """The margin, in the measure's unit, by which a value may fall short of its goal and be
    at risk rather than off track: the measure's own, else ``DEFAULT_TOLERANCE_SHARE`` of the
    distance from its baseline to its target (none without both)."""
    if tolerance is not None:
        return tolerance
    if baseline is None or target is None or not (in_range(baseline) and in_range(target)):
        return Decimal(0)
    return (abs(target - baseline) * DEFAULT_TOLERANCE_SHARE).quantize(Decimal("0.01"))


def status(
    *,
    latest: Point | None,
    target: Decimal | None,
    lower_is_better: bool,
    stale_after_months: int,
    today: datetime.date,
    path: Trajectory | None = None,
    tolerance: Decimal = Decimal(0),
) -> Status:
    """On track, at risk or off track; stale when the newest value is too old.

    On track when the newest value meets its goal: the target, or, until the
    target period ends, the point where ``path`` (from the baseline to the
    target) stands at the end of the newest value's period. At risk when it
    misses the goal by no more than ``tolerance``. CANNOT_JUDGE when the newest
    value or the target is out of range.
    """
    if not in_range(target) or (latest is not None and not latest.can_be_judged):
        return Status.CANNOT_JUDGE
    if latest is None:
        return Status.NO_DATA
    if add_months(latest.start, stale_after_months) < today:
        return Status.STALE
    if target is None:
        return Status.NO_TARGET

    def meets(goal: Decimal) -> bool:
        return latest.value <= goal if lower_is_better else latest.value >= goal

    if meets(target):
        return Status.ON_TRACK
    expected = expected_at(path, latest, today=today)
    goal = target if expected is None else expected
    if meets(goal):
        return Status.ON_TRACK
    return Status.AT_RISK if abs(latest.value - goal) <= tolerance else Status.OFF_TRACK


def status_reason(judged: Status) -> str | None:
    """Why a measure has the status it has, in a sentence, where the status alone does not say."""
    if judged is not Status.CANNOT_JUDGE:
        return None
    return (
        "A stored value or period is outside the ranges the site accepts "
        f"(periods {year_window()}; values under {VALUE_LIMIT:,})."
    )


def names_its_start(point: Point) -> bool:
    """Whether the point's label is the normalised label of the period that starts on its
    first day, as every row the checks let through is stored: found without parsing."""
    start, label = point.start, point.period
    if len(label) == 10:
        return label == start.isoformat()
    if start.day != 1:
        return False
    if len(label) == 7 and label[5] == "Q":
        return start.month % 3 == 1 and label == f"{start.year:04d}-Q{start.month // 3 + 1}"
    if len(label) == 7:
        return label == f"{start.year:04d}-{start.month:02d}"
    return len(label) == 4 and start.month == 1 and label == f"{start.year:04d}"


def judgeable(points: list[Point], *, newest: int | None = None) -> list[Point]:
    """The points (oldest first) that can be judged, or the ``newest`` few of them: a
    point stored out of range says nothing of how the measure is doing."""
    years = _window_years()  # once: reading today's date costs more than the check
    if newest is None:
        return [point for point in points if _judged_within(point, years)]
    found = []
    # From the end: of a long series only the newest few are wanted.
    for point in reversed(points):
        if len(found) == newest:
            break
        if _judged_within(point, years):
            found.append(point)
    return found[::-1]


def newest_judgeable(points: list[Point]) -> Point | None:
    """The newest point (of points oldest first) that can be judged: the latest value shown."""
    return next(iter(judgeable(points, newest=1)), None)


def trend(points: list[Point], *, lower_is_better: bool) -> Trend:
    """The direction of the last few points that can be judged: the newest against the mean
    of the ones before."""
    recent = judgeable(points, newest=TREND_POINTS)
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
    """The newest value's change against the baseline, in per cent (None when either is missing
    or cannot be judged)."""
    if latest is None or baseline is None or not (latest.can_be_judged and in_range(baseline)):
        return None
    if baseline == 0:
        return None
    return ((latest.value - baseline) / abs(baseline) * 100).quantize(Decimal("0.1"))
