"""Server-rendered trend charts: the geometry of an SVG per measure, and its words.

Values are placed by their period's first day, so gaps in the data show as gaps in
time. Around them: a y-axis of three to five round ticks, as many period labels as
fit on the x-axis, the baseline and the target as labelled lines, the path from the
baseline to the target, and a forecast ("at this rate") fitted to the newest values.
The measure_chart template tag draws what this computes; it prints, and needs no
JavaScript. docs/architecture.md ("Charts") explains the forecast.
"""

import calendar
import datetime
import functools
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from itertools import pairwise

from base.periods import Frequency, Period, period_of, shift_period
from scorecards.status import Point, judgeable, stored_period, window_years
from scorecards.values import VALUE_DECIMAL_PLACES, VALUE_PLACES, decimal_places, in_range

WIDTH, HEIGHT = 360, 210
# The plot's margins: the left one grows with the widest value label; the bottom one
# holds the period labels and the legend.
LEFT, RIGHT, TOP, BOTTOM = 48, 14, 16, 46
FONT_SIZE = 11
# A digit of a sans-serif is about 0.55 em wide; 0.65 em leaves room for a wider font, so
# the plot starts far enough right for its widest value label never to be cut off at the
# chart's left edge, and period labels estimated this wide never overlap.
TICK_GAP = 6
TICK_CHARACTER_WIDTH = FONT_SIZE * 0.65
# The least room between two period labels.
LABEL_GAP = 8
PERIOD_LABEL_DROP = 15
LEGEND_DROP = 35
# A chart without a legend (values alone) is this much shorter.
LEGEND_ROOM = 20

# Ticks step by 1, 2, 2.5 or 5 times a power of ten: steps a reader adds up at a glance.
HALF_STEP = Decimal("2.5")
NICE_STEPS = (Decimal(1), Decimal(2), HALF_STEP, Decimal(5))
FEWEST_TICKS, MOST_TICKS = 3, 5

# The forecast is a least-squares line through the newest values that can be judged: eight
# of them at most (two years of a quarterly measure), so that it follows what the programs
# do now rather than a decade ago, and three at least, since a line through two points is
# their difference and says nothing of whether they lie on a trend.
FORECAST_POINTS = 8
FORECAST_FEWEST_POINTS = 3
# Without a target period, it looks this many periods ahead.
PERIODS_AHEAD = 4
# It never looks further ahead than twice the time its points span, nor more than three
# years: a straight line drawn further out says more about the ruler than the measure.
MOST_AHEAD = {"year": 3, "quarter": 12, "month": 36, "day": 1096}

YEAR, QUARTER, MONTH, DAY = "year", "quarter", "month", "day"
# The x-axis can label any period from the first to the last (every tenth year, say), up to
# this many; beyond it (years of daily values), it labels periods that have values.
MOST_AXIS_PERIODS = 400
NICE_STRIDES = {
    YEAR: (1, 2, 5, 10, 20, 25, 50, 100),
    QUARTER: (1, 2, 4, 8, 12, 16, 20, 40, 80, 100, 200),
    MONTH: (1, 2, 3, 6, 12, 24, 36, 48, 60, 120, 240),
    DAY: (1, 2, 7, 14, 28),
}
_MONTHS = {YEAR: 12, QUARTER: 3, MONTH: 1}
_FREQUENCY = {YEAR: Frequency.YEARLY, QUARTER: Frequency.QUARTERLY, MONTH: Frequency.MONTHLY}
_EACH = {YEAR: "a year", QUARTER: "a quarter", MONTH: "a month", DAY: "a day"}
_ONE_DAY = datetime.timedelta(days=1)


def number(value: Decimal, places: int | None = None) -> str:
    """A value as the site prints it, with thousands separators: rounded to ``places``
    decimals when given ("36" for a count), else whole numbers bare and others with two
    decimals ("1,234.50")."""
    if places is not None:
        return f"{value:,.{places}f}"
    return f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,.2f}"


def label_width(label: str) -> int:
    """Room, in the chart's units, that a label needs at most."""
    return math.ceil(len(label) * TICK_CHARACTER_WIDTH)


# Ticks ----------------------------------------------------------------------------------


def nice_ticks(low: Decimal, high: Decimal, *, places: int) -> list[Decimal]:
    """Three to five evenly spaced round values from at or below ``low`` to at or above
    ``high``, stepping by 1, 2, 2.5 or 5 times a power of ten, never by a step finer than
    ``places`` decimals (so a count's ticks are whole numbers)."""
    if low > high:
        low, high = high, low
    if low == high:
        # One level: a band around it a tenth of its size (a unit at the least), kept at or
        # above zero for a measure that never goes below it.
        pad = max(abs(low) / 10, Decimal(1).scaleb(-places))
        low, high = (low - pad if low - pad >= 0 or low < 0 else Decimal(0)), high + pad
    # The finest step worth trying: five ticks span four steps, so no step under a quarter
    # of the span, and none under a tenth of the span's power of ten, can do; nor one
    # finer than ``places`` allow.
    exponent = max(-places, (high - low).adjusted() - 1)
    while True:
        for multiple in NICE_STEPS:
            # 2.5 × 10^e has a decimal more than 10^e: too fine a step for ``places``.
            if multiple == HALF_STEP and exponent < 1 - places:
                continue
            step = multiple.scaleb(exponent)
            first = (low / step).to_integral_value(rounding=ROUND_FLOOR)
            last = (high / step).to_integral_value(rounding=ROUND_CEILING)
            if last - first + 1 <= MOST_TICKS:
                return _at_least_fewest(int(first), int(last), step, low)
        exponent += 1


def _at_least_fewest(first: int, last: int, step: Decimal, low: Decimal) -> list[Decimal]:
    """Ticks ``first`` to ``last`` steps, widened to ``FEWEST_TICKS``: upwards first, and
    downwards only where that does not take a measure that never goes below zero there."""
    upwards = True
    while last - first + 1 < FEWEST_TICKS:
        if upwards or ((first - 1) * step < 0 <= low):
            last += 1
        else:
            first -= 1
        upwards = not upwards
    return [(step * index).quantize(step) for index in range(first, last + 1)]


def tick_places(ticks: list[Decimal]) -> int:
    """The decimals the ticks need: those of their step."""
    return decimal_places(ticks[1] - ticks[0]) if len(ticks) > 1 else 0


# Periods on a time line ------------------------------------------------------------------


def period_kind(label: str) -> str:
    """Year, quarter, month or day, from a normalised period label."""
    if len(label) == 4:
        return YEAR
    if "Q" in label:
        return QUARTER
    return MONTH if len(label) == 7 else DAY


def _units(day: datetime.date, kind: str) -> int | Fraction:
    """Where ``day`` lies in days (for daily periods) or months (for the others) since the
    calendar began: a whole number for a period's first day."""
    if kind == DAY:
        return day.toordinal()
    months = day.year * 12 + day.month - 1
    if day.day == 1:
        return months
    return months + Fraction(day.day - 1, calendar.monthrange(day.year, day.month)[1])


# Cached: a page's charts place the same few dozen period starts over and over.
@functools.lru_cache(maxsize=4096)
def position(day: datetime.date, kind: str) -> Fraction:
    """Where ``day`` lies on a time line counted in periods of ``kind``: exact, so that
    every quarter is one step, however many days it has."""
    return Fraction(_units(day, kind), _MONTHS.get(kind, 1))


def place(day: datetime.date, kind: str) -> float:
    """``position`` as a float, for drawing: quick for the thousands of points of a daily
    measure."""
    if kind == DAY:
        return float(day.toordinal())
    return float(_units(day, kind) / _MONTHS[kind])


def period_containing(day: datetime.date, kind: str) -> Period:
    if kind == DAY:
        return Period(day.isoformat(), day)
    return period_of(day, _FREQUENCY[kind])


def last_period_of(period: Period, kind: str) -> Period:
    """The last period of ``kind`` within ``period`` (2027-Q4 for 2027, counted in quarters)."""
    return period_containing(period.end - _ONE_DAY, kind)


def shifted(period: Period, kind: str, steps: int) -> Period | None:
    """The period ``steps`` periods of ``kind`` after ``period``; None outside the years
    a period may have."""
    if kind == DAY:
        try:
            day = period.start + datetime.timedelta(days=steps)
        except OverflowError:
            return None
        moved = Period(day.isoformat(), day)
    else:
        moved = shift_period(period, _FREQUENCY[kind], steps)
    return moved if moved.start.year in window_years() else None


# The forecast ---------------------------------------------------------------------------


def least_squares_slope(xs: list, ys: list) -> Fraction | None:
    """The slope of the least-squares line through the points, exactly (whole numbers or
    fractions in, a fraction out); None when they all lie at one ``x``."""
    count, sum_x, sum_y = len(xs), sum(xs), sum(ys)
    spread = count * sum(x * x for x in xs) - sum_x * sum_x
    if spread == 0:
        return None
    return Fraction(count * sum(x * y for x, y in zip(xs, ys, strict=True)) - sum_x * sum_y) / (
        spread
    )


def _hundredths(value: Decimal) -> int | Fraction:
    """A stored value in hundredths: a whole number, so that the fit is integer arithmetic."""
    scaled = value.scaleb(VALUE_DECIMAL_PLACES)
    return int(scaled) if scaled == scaled.to_integral_value() else Fraction(scaled)


@dataclass(frozen=True)
class Rate:
    """How fast the newest values change: the least-squares slope through them."""

    per_period: Fraction
    kind: str
    fitted: list[Point]


def recent_rate(points: list[Point]) -> Rate | None:
    """The rate of the newest ``FORECAST_POINTS`` of ``points`` (which can all be judged),
    counted per period of the newest one's kind; None for fewer than
    ``FORECAST_FEWEST_POINTS``."""
    fitted = points[-FORECAST_POINTS:]
    if len(fitted) < FORECAST_FEWEST_POINTS:
        return None
    kind = period_kind(fitted[-1].period)
    slope = least_squares_slope(
        [_units(point.start, kind) for point in fitted],
        [_hundredths(point.value) for point in fitted],
    )
    if slope is None:
        return None
    # Per day or month, in hundredths: per period, in the values' unit.
    return Rate(slope * _MONTHS.get(kind, 1) / 10**VALUE_DECIMAL_PLACES, kind, fitted)


@dataclass(frozen=True)
class Forecast:
    """Where the newest value gets to by ``period`` if it keeps changing at ``rate``."""

    period: Period
    value: Decimal
    rate: Rate
    # Whether ``period`` is the target's (its last period of the measure's kind).
    at_target_period: bool


def forecast(
    points: list[Point], *, target_period: str = "", today: datetime.date
) -> Forecast | None:
    """The forecast from ``points`` (oldest first, all can be judged): from the newest value
    on at the rate fitted to the newest few, up to the target period or, without one still
    ahead, ``PERIODS_AHEAD`` periods; never further than the horizon (``MOST_AHEAD``, and
    twice the time the fitted points span). None with too few points, with nowhere to look
    ahead, or when the period it would reach has already ended by ``today`` (data that old
    has nothing left to forecast)."""
    rate = recent_rate(points)
    if rate is None:
        return None
    kind, newest = rate.kind, rate.fitted[-1]
    here = position(newest.start, kind)
    span = here - position(rate.fitted[0].start, kind)
    furthest = min(Fraction(MOST_AHEAD[kind]), 2 * span)
    newest_period = Period(newest.period, newest.start)
    horizon, at_target = None, False
    target = stored_period(target_period) if target_period else None
    if target is not None:
        horizon = last_period_of(target, kind)
        at_target = horizon.start > newest.start
    if not at_target:
        horizon = shifted(newest_period, kind, PERIODS_AHEAD)
    if horizon is not None and position(horizon.start, kind) - here > furthest:
        horizon, at_target = shifted(newest_period, kind, math.floor(furthest)), False
    if horizon is None or horizon.start <= newest.start or horizon.end <= today:
        return None
    value = Fraction(newest.value) + rate.per_period * (position(horizon.start, kind) - here)
    # Counts and rates never go below zero: the line gets there and stays.
    if value < 0 <= min(point.value for point in rate.fitted):
        value = Fraction(0)
    reached = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(VALUE_PLACES)
    if not in_range(reached):
        return None
    return Forecast(horizon, reached, rate, at_target)


def forecast_words(
    ahead: Forecast, *, places: int, target: Decimal | None, lower_is_better: bool
) -> str:
    """ "31 by 2027-Q4", and, at the target period, whether that meets the target."""
    reached = ahead.value.quantize(Decimal(1).scaleb(-places))
    words = f"{number(reached, places)} by {ahead.period.label}"
    if ahead.at_target_period and target is not None:
        meets = reached <= target if lower_is_better else reached >= target
        words += f", {'meeting' if meets else 'missing'} the target of {number(target, places)}"
    return words


def rate_words(rate: Rate, *, places: int) -> str:
    """ "fell by about 2.6 a quarter": a rate to one decimal more than the values have."""
    shown = min(places + 1, 3)
    per_period = (
        Decimal(rate.per_period.numerator) / Decimal(rate.per_period.denominator)
    ).quantize(Decimal(1).scaleb(-shown))
    if per_period == 0:
        return "held level"
    verb = "rose" if per_period > 0 else "fell"
    return f"{verb} by about {abs(per_period).normalize():,f} {_EACH[rate.kind]}"


# The chart ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    point: Point


@dataclass(frozen=True)
class Level:
    """A horizontal line (baseline, target or tick) with its label."""

    y: float
    label: str


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class PeriodLabel:
    x: float
    label: str
    anchor: str  # "start", "middle" or "end"

    @property
    def left(self) -> float:
        width = label_width(self.label)
        return {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]

    @property
    def right(self) -> float:
        return self.left + label_width(self.label)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    dots: list[Dot]
    baseline: Level | None
    target: Level | None
    y_ticks: list[Level]
    period_labels: list[PeriodLabel]
    path: Segment | None
    forecast: Forecast | None
    forecast_line: Segment | None
    forecast_words: str
    # A single value's label beside its point, and which side of it.
    point_label: PeriodLabel | None
    description: str
    places: int
    plot_left: int

    @property
    def line(self) -> str:
        return " ".join(f"{dot.x:.1f},{dot.y:.1f}" for dot in self.dots)

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def plot_top(self) -> int:
        return TOP

    @property
    def plot_bottom(self) -> int:
        return HEIGHT - BOTTOM

    @property
    def has_legend(self) -> bool:
        """Whether lines other than the values' need naming: the path and the forecast."""
        return bool(self.path or self.forecast_line)

    @property
    def period_labels_y(self) -> int:
        return self.plot_bottom + PERIOD_LABEL_DROP

    @property
    def legend_y(self) -> int:
        return self.plot_bottom + LEGEND_DROP

    @property
    def first_period(self) -> str:
        return self.dots[0].point.period

    @property
    def last_period(self) -> str:
        return self.dots[-1].point.period

    def value(self, value: Decimal) -> str:
        """A value at the measure's precision."""
        return number(value, self.places)


def path_to_target(
    points: list[Point],
    *,
    kind: str,
    baseline: Decimal | None,
    baseline_period: str,
    target: Decimal | None,
    target_period: str,
) -> tuple[Period, Decimal, Period, Decimal] | None:
    """Where the path to the target starts and ends, as periods of ``kind`` with their
    values: from the baseline (or, without a baseline period, the first value) to the
    target in the target period's last period of ``kind``. Placed as the values are, so
    that the path stands, above a value's point, where the status judges that value against
    (``scorecards.status.Trajectory``: the path at the end of the value's period)."""
    end = stored_period(target_period) if target_period and target is not None else None
    if end is None:
        return None
    end_period = last_period_of(end, kind)
    start = stored_period(baseline_period) if baseline_period and baseline is not None else None
    if start is not None:
        start_period, start_value = last_period_of(start, kind), baseline
    else:
        first = points[0]
        start_period, start_value = Period(first.period, first.start), first.value
    if end_period.start <= start_period.start:
        return None
    return start_period, start_value, end_period, target


def _between(start: tuple[Fraction, Decimal], end: tuple[Fraction, Decimal], at: Fraction):
    """The value on the straight line from ``start`` to ``end`` at ``at``."""
    share = (at - start[0]) / (end[0] - start[0])
    value = Fraction(start[1]) + (Fraction(end[1]) - Fraction(start[1])) * share
    return at, Decimal(value.numerator) / Decimal(value.denominator)


def periods_between(first: datetime.date, last: datetime.date, kind: str) -> list[tuple]:
    """(position, label) of every period of ``kind`` from the one ``first`` falls in to the
    one ``last`` falls in; none when there are more than ``MOST_AXIS_PERIODS``."""
    if kind == DAY:
        if last.toordinal() - first.toordinal() >= MOST_AXIS_PERIODS:
            return []
        days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
        return [(place(day, kind), day.isoformat()) for day in days]
    # Counted in months, without building the periods: an axis has hundreds at most.
    length = _MONTHS[kind]
    start = (first.year * 12 + first.month - 1) // length * length
    end = last.year * 12 + last.month - 1
    if (end - start) // length >= MOST_AXIS_PERIODS:
        return []
    labels = {
        YEAR: lambda year, month: f"{year:04d}",
        QUARTER: lambda year, month: f"{year:04d}-Q{month // 3 + 1}",
        MONTH: lambda year, month: f"{year:04d}-{month + 1:02d}",
    }[kind]
    return [
        (months / length, labels(*divmod(months, 12))) for months in range(start, end + 1, length)
    ]


def strides(kind: str, count: int) -> list[int]:
    """The steps between labelled periods to try, finest first: whole years, halves and
    quarters of them before other steps."""
    preferred = [step for step in NICE_STRIDES[kind] if step < count]
    return preferred + [step for step in range(1, count) if step not in preferred]


def choose_period_labels(candidates: list[tuple[float, str]], kind: str) -> list[PeriodLabel]:
    """As many of the labels (x, text; left to right) as fit without overlapping: the first
    and the last always, anchored at the plot's edges, and every k-th between them for the
    finest step k that fits (``strides``)."""
    if len(candidates) == 1:
        x, label = candidates[0]
        return [PeriodLabel(x, label, "middle")]
    count = len(candidates)
    # Each label's left and right edges, centred on its period: plain floats, since a chart
    # tries several steps over every candidate.
    halves = [label_width(label) / 2 for _, label in candidates]
    lefts = [x - half for (x, _), half in zip(candidates, halves, strict=True)]
    rights = [x + half for (x, _), half in zip(candidates, halves, strict=True)]
    first_right = candidates[0][0] + 2 * halves[0]
    last_left = candidates[-1][0] - 2 * halves[-1]
    span = candidates[-1][0] - candidates[0][0]
    # Steps too small for the labels to fit even if spread evenly are not tried: a
    # chart of years of daily values would try thousands.
    narrowest = 2 * min(halves) + LABEL_GAP
    least = max(1, int((count - 1) * narrowest / max(span, 1) / 2))
    for stride in (step for step in strides(kind, count) if step >= least):
        chosen = list(range(stride, count - 1, stride))
        while chosen and rights[chosen[-1]] + LABEL_GAP > last_left:
            chosen.pop()
        edges = [(candidates[0][0], first_right)]
        edges += [(lefts[index], rights[index]) for index in chosen]
        edges.append((last_left, candidates[-1][0]))
        if all(a[1] + LABEL_GAP <= b[0] for a, b in pairwise(edges)):
            return [
                PeriodLabel(*candidates[0], "start"),
                *(PeriodLabel(*candidates[index], "middle") for index in chosen),
                PeriodLabel(*candidates[-1], "end"),
            ]
    # Not even the first and the last fit side by side: the newest says most.
    return [PeriodLabel(*candidates[-1], "end")]


def build_chart(
    points: list[Point],
    *,
    baseline: Decimal | None,
    target: Decimal | None,
    today: datetime.date,
    baseline_period: str = "",
    target_period: str = "",
    lower_is_better: bool = False,
    places: int | None = None,
) -> Chart | None:
    """The chart for a measure's points (oldest first), or None when there is nothing to draw.

    Points that cannot be judged (a value or period stored past the checks) have no place on
    the scales and are left out, as are a baseline or target out of range. ``places`` is the
    measure's precision (``Measure.precision``); by default, the most its numbers have.
    """
    points = judgeable(points)
    baseline, target = (level if in_range(level) else None for level in (baseline, target))
    if not points:
        return None
    levels = [v for v in (baseline, target) if v is not None]
    if places is None:
        places = max(decimal_places(v) for v in [point.value for point in points] + levels)
    kind = period_kind(points[-1].period)
    newest = Period(points[-1].period, points[-1].start)
    ahead = forecast(points, target_period=target_period, today=today)
    path = path_to_target(
        points,
        kind=kind,
        baseline=baseline,
        baseline_period=baseline_period,
        target=target,
        target_period=target_period,
    )
    # Places on the time line, with their labels.
    places_in_time = [(place(point.start, kind), point.period, point.start) for point in points]
    if ahead:
        places_in_time.append(
            (place(ahead.period.start, kind), ahead.period.label, ahead.period.start)
        )
    path_ends = None
    if path:
        start_period, start_value, end_period, end_value = path
        start = (position(start_period.start, kind), start_value)
        end = (position(end_period.start, kind), end_value)
        # A path from a baseline long before the values, or to a target long after them,
        # is cut at the horizon, so that it does not squeeze the values into a corner.
        earliest = shifted(Period(points[0].period, points[0].start), kind, -MOST_AHEAD[kind])
        latest = shifted(newest, kind, MOST_AHEAD[kind])
        if earliest is not None and start[0] < position(earliest.start, kind) < end[0]:
            start_period = earliest
            start = _between(start, end, position(earliest.start, kind))
        if latest is not None and start[0] < position(latest.start, kind) < end[0]:
            end_period = latest
            end = _between(start, end, position(latest.start, kind))
        path_ends = (start, end)
        places_in_time += [
            (float(start[0]), start_period.label, start_period.start),
            (float(end[0]), end_period.label, end_period.start),
        ]
        levels += [start[1], end[1]]
    levels += [point.value for point in points]
    if ahead:
        levels.append(ahead.value)

    ticks = nice_ticks(min(levels), max(levels), places=places)
    shown = tick_places(ticks)
    tick_labels = [number(tick, shown) for tick in ticks]
    left = max(LEFT, TICK_GAP * 2 + max(label_width(label) for label in tick_labels))
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    low, high = ticks[0], ticks[-1]
    places_in_time.sort()
    earliest_x, latest_x = places_in_time[0][0], places_in_time[-1][0]
    span = latest_x - earliest_x

    top_value, value_span = float(high), float(high - low)

    def y_of(value: Decimal) -> float:
        return TOP + (top_value - float(value)) / value_span * (bottom - TOP)

    # Drawn in floats: exact positions matter to the forecast, not to a pixel.
    def x_of(where: float) -> float:
        if not span:
            return (left + right) / 2
        return left + (where - earliest_x) / span * (right - left)

    dots = [Dot(x_of(place(point.start, kind)), y_of(point.value), point) for point in points]
    # Every period from the first to the last can be labelled, not only those with values,
    # so that the labels fall at even steps.
    axis = periods_between(places_in_time[0][2], places_in_time[-1][2], kind)
    labels_at: dict[str, float] = {}
    for where, label, _ in places_in_time if not axis else []:
        labels_at.setdefault(label, where)
    for where, label in axis:
        if earliest_x <= where <= latest_x:
            labels_at.setdefault(label, where)
    words = ""
    if ahead:
        words = forecast_words(ahead, places=places, target=target, lower_is_better=lower_is_better)
    point_label = None
    if len(dots) == 1:
        dot = dots[0]
        beside = "end" if dot.x > (left + right) / 2 else "start"
        point_label = PeriodLabel(
            dot.x + (-8 if beside == "end" else 8), number(dot.point.value, places), beside
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT if path_ends or ahead else HEIGHT - LEGEND_ROOM,
        dots=dots,
        baseline=Level(y_of(baseline), f"Baseline {number(baseline, places)}")
        if baseline is not None
        else None,
        target=Level(y_of(target), f"Target {number(target, places)}")
        if target is not None
        else None,
        y_ticks=[Level(y_of(tick), label) for tick, label in zip(ticks, tick_labels, strict=True)],
        period_labels=choose_period_labels(
            [(x_of(where), label) for label, where in labels_at.items()], kind
        ),
        path=Segment(
            x_of(float(path_ends[0][0])),
            y_of(path_ends[0][1]),
            x_of(float(path_ends[1][0])),
            y_of(path_ends[1][1]),
        )
        if path_ends
        else None,
        forecast=ahead,
        forecast_line=Segment(
            dots[-1].x,
            dots[-1].y,
            x_of(place(ahead.period.start, kind)),
            y_of(ahead.value),
        )
        if ahead
        else None,
        forecast_words=words,
        point_label=point_label,
        description=describe(
            points,
            places=places,
            baseline=baseline,
            baseline_period=baseline_period,
            target=target,
            target_period=target_period,
            rate=ahead.rate if ahead else recent_rate(points),
            forecast_words=words,
        ),
        places=places,
        plot_left=left,
    )


def describe(
    points: list[Point],
    *,
    places: int,
    baseline: Decimal | None,
    baseline_period: str,
    target: Decimal | None,
    target_period: str,
    rate: Rate | None,
    forecast_words: str,
) -> str:
    """The chart in words, for its ``<desc>``: its values, levels, trend and forecast."""
    newest = points[-1]
    if len(points) == 1:
        words = f"One value, {number(newest.value, places)} in {newest.period}"
    else:
        words = (
            f"{len(points)} values from {points[0].period} to {newest.period}, "
            f"latest {number(newest.value, places)}"
        )
    if target is not None:
        words += f"; target {number(target, places)}"
        if target_period:
            words += f" by {target_period}"
    if baseline is not None:
        words += f"; baseline {number(baseline, places)}"
        if baseline_period:
            words += f" in {baseline_period}"
    words += "."
    if rate is not None:
        words += f" Over its last {len(rate.fitted)} values it {rate_words(rate, places=places)}."
    if forecast_words:
        words += f" At this rate: {forecast_words}."
    elif len(points) < FORECAST_FEWEST_POINTS:
        words += f" A forecast takes {FORECAST_FEWEST_POINTS} values or more."
    return words + " The numbers are in the table that follows."
