"""Scorecards as CSV and as Excel workbooks (.xlsx), safe to open in a spreadsheet.

Both hold the same rows, which upload back as they are (``scorecards.uploads``):
one per data point, values at the measure's own precision ("48" for a count,
never fewer decimals than a value has).
"""

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from itertools import chain, groupby
from operator import itemgetter

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from scorecards.models import DataPoint, Measure
from scorecards.status import Point
from scorecards.values import decimal_places, in_range

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


def value_at_precision(value: Decimal | None, places: int) -> Decimal | None:
    """``value`` with ``places`` decimals ("48" for a count), never dropping a digit it has.

    A value out of range (stored past the checks) is left as it is.
    """
    if value is None or not in_range(value):
        return value
    return value.quantize(Decimal(1).scaleb(-max(places, decimal_places(value))))


def _measures_with_points(measures: QuerySet[Measure]) -> Iterator[tuple[Measure, list]]:
    """Each measure, in order, with its data points as (period, start, value, note) rows.

    Two queries whatever the size, read in chunks (server-side cursors on
    PostgreSQL), so the site-wide files are made in constant memory: measures in
    their usual order, and their points in the same order, walked side by side.
    Both queries run when the first measure is asked for.
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
    next_group = next(points_by_measure, None)
    for measure in measure_rows:
        position = (measure.objective_id, measure.order, measure.pk)
        # Points of a measure deleted or unpublished between the two queries are passed over.
        while next_group is not None and next_group[0] < position:
            next_group = next(points_by_measure, None)
        rows = []
        if next_group is not None and next_group[0] == position:
            rows = [row[3:] for row in next_group[1]]
            next_group = next(points_by_measure, None)
        # The points already read, so that measure.status and measure.precision need no query.
        measure.series = [Point(period, start, value) for period, start, value, _ in rows]
        yield measure, rows


def _measure_cells(measure: Measure) -> list:
    """The columns that describe the measure, numbers at its precision."""
    places = measure.precision
    return [
        measure.objective.strategy.title,
        measure.objective.title,
        measure.name,
        measure.unit,
        measure.get_polarity_display(),
        measure.data_source.name if measure.data_source else "",
        value_at_precision(measure.baseline_value, places),
        measure.baseline_period,
        value_at_precision(measure.target_value, places),
        measure.target_period,
        measure.status.label,
    ]


def _scorecard_rows(measures: QuerySet[Measure]) -> Iterator[tuple[Measure, list[list]]]:
    """Each measure with its rows of the file: one a data point, or one with no period for
    a measure without data. The first ``next()`` runs the queries."""
    for measure, points in _measures_with_points(measures):
        common = _measure_cells(measure)
        places = measure.precision
        yield (
            measure,
            [
                [*common, period, value_at_precision(value, places), note]
                for period, _start, value, note in points
            ]
            or [[*common, "", None, ""]],
        )


class _Echo:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, line: str) -> str:
        return line


def scorecard_csv_chunks(measures: QuerySet[Measure]) -> Iterator[str]:
    """The CSV in pieces (the header, then a measure's rows at a time): one row per data
    point, one with no period for a measure without data. Two queries, which run before
    the header is handed out (see ``_measures_with_points``)."""
    measure_rows = _scorecard_rows(measures)
    # The caller takes the header before answering, so a database that is down gets a
    # 503, not a cut-off file.
    first = next(measure_rows, None)
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for _measure, rows in chain([first] if first else [], measure_rows):
        # One chunk a measure: a chunk a row costs the server more than the row.
        yield "".join(writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in rows)


# Column widths of the workbook, in characters, and which columns hold numbers or periods.
XLSX_WIDTHS = {
    "strategy": 36,
    "objective": 36,
    "measure": 40,
    "unit": 12,
    "polarity": 18,
    "data_source": 28,
    "baseline": 12,
    "baseline_period": 15,
    "target": 12,
    "target_period": 13,
    "status": 14,
    "period": 12,
    "value": 14,
    "note": 40,
}
NUMBER_COLUMNS = {"baseline", "target", "value"}
PERIOD_COLUMNS = {"baseline_period", "target_period", "period"}
# Excel's text format: a period typed into the cell ("2025-03") stays text, not a date.
TEXT_FORMAT = "@"
# The rows a workbook holds at most: openpyxl writes about 700 of ours a second on a busy
# two-core server (docs/performance.md, "Excel workbooks"), and the upload reads as many
# (uploads.MAX_SHEET_CELLS), so that a downloaded workbook uploads back. More data: the
# CSV, which streams any size.
XLSX_MAX_ROWS = 10_000


class WorkbookTooLarge(Exception):
    """The data has more rows than a workbook is made of; the message says so, for people."""


def number_format(places: int) -> str:
    """Excel's format for a number with ``places`` decimals and thousands separators."""
    return "#,##0" + ("." + "0" * places if places else "")


def scorecard_xlsx(measures: QuerySet[Measure], *, sheet_title: str) -> bytes:
    """The same rows as the CSV as an Excel workbook of one sheet: header bold and frozen,
    numbers as numbers at the measure's precision, periods as text as the upload reads
    them, and no text a spreadsheet would run as a formula. Two queries.

    Raises ``WorkbookTooLarge`` past ``XLSX_MAX_ROWS`` rows.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(HEADER, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = XLSX_WIDTHS[name]
        if name in PERIOD_COLUMNS:
            dimension.number_format = TEXT_FORMAT
    bold = Font(bold=True)
    sheet.append([_styled(sheet, name, font=bold) for name in HEADER])
    out = io.BytesIO()
    try:
        _write_rows(sheet, measures)
    finally:
        # Saving closes the sheet and removes its temporary file, after an error too.
        workbook.save(out)
    return out.getvalue()


def _write_rows(sheet, measures: QuerySet[Measure]) -> None:
    number_columns = [HEADER.index(name) for name in NUMBER_COLUMNS]
    period_columns = [HEADER.index(name) for name in PERIOD_COLUMNS]
    written = 0
    for measure, rows in _scorecard_rows(measures):
        numbers = number_format(measure.precision)
        written += len(rows)
        if written > XLSX_MAX_ROWS:
            raise WorkbookTooLarge(
                f"This data has more than {XLSX_MAX_ROWS:,} rows, more than the Excel "
                "download holds. Download the CSV instead: it has the same columns, and "
                "Excel opens it."
            )
        for row in rows:
            cells = [_text_cell(sheet, cell) for cell in row]
            for index in number_columns:
                cells[index] = _number_cell(sheet, row[index], numbers)
            for index in period_columns:
                cells[index] = _styled(sheet, row[index], number_format=TEXT_FORMAT)
            sheet.append(cells)


def _styled(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    # A text is text, whatever it starts with: openpyxl would take "=…" for a formula.
    if isinstance(value, str):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _text_cell(sheet, value):
    """A text as it is, marked as text when a spreadsheet would run it once edited."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return _styled(sheet, value, quotePrefix=True)
    return value


def _number_cell(sheet, value: Decimal | None, numbers: str):
    if value is None:
        return None
    if not in_range(value):
        # NaN or a number past the column's size, stored past the checks: kept as text,
        # which the upload refuses, as it refuses the CSV's.
        return _styled(sheet, str(value))
    return _styled(sheet, value, number_format=numbers)
