"""A measure's card: how it is doing, from the points that can be judged, and its numbers."""

from decimal import Decimal

from django import template

from scorecards import charts
from scorecards.status import change_from_baseline, newest_judgeable, status_reason
from scorecards.values import in_range

register = template.Library()


@register.simple_tag
def measure_reading(measure) -> dict:
    """The status (with its reason when it needs one), the latest value and its note, the
    trend and the change since the baseline; a point stored out of range is judged by none
    of them."""
    status = measure.status
    latest = newest_judgeable(measure.series)
    change = change_from_baseline(latest, measure.baseline_value)
    return {
        "status": status,
        "reason": status_reason(status),
        "latest": latest,
        # Why the latest value is what it is, in its owner's words: where the measures were
        # read with ``with_latest_note()``, and only when the newest point is the one shown.
        "note": (
            getattr(measure, "latest_note", "")
            if latest is not None and latest == measure.latest
            else ""
        ),
        "trend": measure.trend,
        "change": change,
        # A measure in per cent changes by percentage points: 10 % to 17 % is 7 points.
        "change_in_points": (
            latest.value - measure.baseline_value
            if measure.is_percentage
            and latest is not None
            and measure.baseline_value is not None
            and in_range(measure.baseline_value)
            else None
        ),
    }


@register.filter
def number(value: Decimal, places: int | None = None) -> str:
    """A value as the charts print it ("1,234.50", "48"), or to ``places`` decimals."""
    return charts.number(value, places)


@register.simple_tag
def places_apart(expected: Decimal, latest: Decimal, places: int) -> int:
    """The decimals to print ``expected`` with beside ``latest``: the measure's ``places``,
    or more (up to two) where those would print the two alike though they differ, as a
    value of 58 at risk beside a path standing at 58.33 would read "58 expected"."""
    while places < 2 and expected != latest and round(expected, places) == round(latest, places):
        places += 1
    return places
