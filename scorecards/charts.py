"""Small server-rendered trend charts: the geometry of an SVG per measure.

Values are placed by their period's first day, so gaps in the data show as
gaps in time. The measure_chart template tag draws what this computes; it prints, and needs no
JavaScript.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from scorecards.status import Point, judgeable
from scorecards.values import in_range

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 48, 14, 14, 30
# The value labels left of the plot (.chart-tick in static/css/site.css is 11px). A digit of
# a sans-serif is about 0.55 em wide; 0.65 em leaves room for a wider font, so the plot starts
# far enough right for its widest label never to be cut off at the chart's left edge.
TICK_GAP = 6
TICK_CHARACTER_WIDTH = 11 * 0.65


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    point: Point


@dataclass(frozen=True)
class Level:
    """A horizontal reference line (baseline or target) with its label."""

    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    dots: list[Dot]
    baseline: Level | None
    target: Level | None
    y_ticks: list[Level]
    first_period: str
    last_period: str
    plot_left: int

    @property
    def line(self) -> str:
        return " ".join(f"{dot.x:.1f},{dot.y:.1f}" for dot in self.dots)

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM


def number(value: Decimal, places: int | None = None) -> str:
    """A value as the site prints it, with thousands separators: rounded to ``places``
    decimals when given ("36" for a count), else whole numbers bare and others with two
    decimals ("1,234.50")."""
    if places is not None:
        return f"{value:,.{places}f}"
    return f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,.2f}"


def label_width(label: str) -> int:
    """Room, in the chart's units, that a value label needs at most."""
    return math.ceil(len(label) * TICK_CHARACTER_WIDTH)


def build_chart(
    points: list[Point], *, baseline: Decimal | None, target: Decimal | None
) -> Chart | None:
    """The chart for a measure's points (oldest first), or None when there is nothing to draw.

    Points that cannot be judged (a value or period stored past the checks) have no place on
    the scales and are left out.
    """
    points = judgeable(points)
    baseline, target = (level if in_range(level) else None for level in (baseline, target))
    if not points:
        return None
    levels = [point.value for point in points] + [v for v in (baseline, target) if v is not None]
    smallest, largest = min(levels), max(levels)
    low, high = smallest, largest
    if low == high:
        low, high = low - 1, high + 1
    margin = (high - low) * Decimal("0.08")
    low, high = low - margin, high + margin
    tick_values = sorted({largest, smallest})
    left = max(LEFT, TICK_GAP * 2 + max(label_width(number(value)) for value in tick_values))
    first, last = points[0].start.toordinal(), points[-1].start.toordinal()
    span = max(last - first, 1)
    plot_width, plot_height = WIDTH - left - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(value: Decimal) -> float:
        return TOP + float((high - value) / (high - low)) * plot_height

    def x_of(point: Point) -> float:
        if len(points) == 1:
            return left + plot_width / 2
        return left + (point.start.toordinal() - first) / span * plot_width

    return Chart(
        width=WIDTH,
        height=HEIGHT,
        dots=[Dot(x_of(point), y_of(point.value), point) for point in points],
        baseline=Level(y_of(baseline), f"Baseline {number(baseline)}")
        if baseline is not None
        else None,
        target=Level(y_of(target), f"Target {number(target)}") if target is not None else None,
        y_ticks=[Level(y_of(value), number(value)) for value in tick_values],
        first_period=points[0].period,
        last_period=points[-1].period,
        plot_left=left,
    )
