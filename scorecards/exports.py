"""Scorecards as CSV, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterator
from decimal import Decimal
from itertools import chain, groupby
from operator import itemgetter

from django.db.models import QuerySet

from scorecards.models import DataPoint, Measure
from scorecards.status import Point

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
CHUNK = 2000
MEASURE_ORDER = ("objective_id", "order", "id")
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


class _Echo:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, line: str) -> str:
        return line


def scorecard_csv_chunks(measures: QuerySet[Measure]) -> Iterator[str]:
    """The CSV in pieces (the header, then a measure's rows at a time): one row per data
    point, one with no period for a measure without data.

    Two queries whatever the size, read in chunks (server-side cursors on
    PostgreSQL), so the site-wide file streams in constant memory: measures in
    their usual order, and their points in the same order, walked side by side.
    """
    measures = measures.select_related("objective__strategy", "data_source").order_by(
        *MEASURE_ORDER
    )
    points = (
        DataPoint.objects.filter(measure__in=measures.values("pk"))
        .order_by(*(f"measure__{field}" for field in MEASURE_ORDER), "period_start", "period")
        .values_list(
            *(f"measure__{field}" for field in MEASURE_ORDER),
            "period",
            "period_start",
            "value",
            "note",
        )
    )
    points_by_measure = groupby(points.iterator(chunk_size=CHUNK), key=itemgetter(0, 1, 2))
    measure_rows = measures.iterator(chunk_size=CHUNK)
    # Both queries run before the first line is handed out: the caller takes that
    # line before answering, so a database that is down gets a 503, not a cut-off file.
    next_group = next(points_by_measure, None)
    first_measure = next(measure_rows, None)
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for measure in chain([first_measure] if first_measure else [], measure_rows):
        position = (measure.objective_id, measure.order, measure.pk)
        # Points of a measure deleted or unpublished between the two queries are passed over.
        while next_group is not None and next_group[0] < position:
            next_group = next(points_by_measure, None)
        rows = []
        if next_group is not None and next_group[0] == position:
            rows = [row[3:] for row in next_group[1]]
            next_group = next(points_by_measure, None)
        # The points already read, so that measure.status needs no query.
        measure.series = [Point(period, start, value) for period, start, value, _ in rows]
        common = [
            spreadsheet_safe(cell)
            for cell in (
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
            )
        ]
        # One chunk a measure: a chunk a row costs the server more than the row.
        yield "".join(
            writer.writerow(
                [*common, spreadsheet_safe(period), spreadsheet_safe(value), spreadsheet_safe(note)]
            )
            for period, _start, value, note in rows or [("", None, "", "")]
        )
