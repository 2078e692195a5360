"""Scorecards as CSV, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from scorecards.models import Measure

HEADER = [
    "strategy",
    "objective",
    "measure",
    "unit",
    "polarity",
    "data_source",
    "baseline",
    "baseline_period",
    "target",
    "target_period",
    "status",
    "period",
    "value",
    "note",
]
# A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """The cell as text, prefixed with an apostrophe when a spreadsheet would run it.

    Numbers are left alone: -53 is a value, not a formula.
    """
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def scorecard_csv(measures: Iterable[Measure]) -> str:
    """One row per data point (one row with empty period for a measure without data).

    Expects measures with ``objective__strategy`` and ``data_source`` selected and
    ``data_points`` prefetched.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for measure in measures:
        common = [
            measure.objective.strategy.title,
            measure.objective.title,
            measure.name,
            measure.unit,
            measure.get_polarity_display(),
            measure.data_source.name if measure.data_source else "",
            measure.baseline_value,
            measure.baseline_period,
            measure.target_value,
            measure.target_period,
            measure.status.label,
        ]
        points = list(measure.data_points.all()) or [None]
        for point in points:
            row = common + ([point.period, point.value, point.note] if point else ["", "", ""])
            writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
