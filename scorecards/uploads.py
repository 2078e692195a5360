"""Measure data uploaded as CSV or as an Excel workbook (.xlsx) for one strategy page:
preview first, then apply.

A file has a header row naming the columns ``measure``, ``period``, ``value``
and, optionally, ``note``, in any order. ``preview_upload`` reads it against
the page as it stands and sorts the rows into additions, changes and unchanged
rows, or lists every problem with its line number (the header is line 1).
``apply_upload`` reads the file again against the database as it is then, and
writes the whole file in one transaction and one revision of the page, or
nothing at all. The file is decoded once: a preview keeps its text, which is
what the confirmation passes back. A workbook of one sheet is read the same way,
its cells as the text a CSV would hold and its row numbers as line numbers
(``base.spreadsheets`` reads it, within ``MAX_SHEET_ROWS`` and
``MAX_SHEET_CELLS``); its preview keeps the rows it read.

The site's own scorecard downloads (``scorecards/exports.py``) upload back as
they are. Their other columns describe the measure and are not read, except
``strategy``: rows for another page (a site-wide download) are skipped. A row
naming a measure with no period and no value, as a download lists a measure
without data, is skipped too. Both are counted in the preview.

Values given one at a time, by the data-entry grid or the API, are
``ValueEntry`` rows read by ``preview_values`` and written by ``apply_values``
with the same checks, messages and single revision as a file's rows.

A preview also says which measures the new values would leave off track or at
risk (``UploadPreview.falling_behind``), so that the upload and the grid can
ask for a note on those values: the strategy page shows it beside the latest
value.

A file up to the size limit (about 100,000 rows) previews and applies in
seconds: rows are written with multi-row inserts and the page's revision is
written in bulk (``base.revisions``); see docs/performance.md, "Uploads".
"""

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from base.periods import (
    OUTSIDE_WINDOW,
    PERIOD_HELP,
    Period,
    not_begun_message,
    parse_period,
    wrong_length_message,
    year_window,
)
from base.revisions import ChangeKind, insert_rows, record_page_revision, recorded_change
from base.spreadsheets import SheetRefused, is_workbook, read_sheet
from scorecards.exports import FORMULA_STARTS, HEADER
from scorecards.models import VALUE_PLACES, DataPoint, Measure
from scorecards.status import Point, Status
from scorecards.values import VALUE_LIMIT, decimal_places
from strategy.models import Strategy

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_LABEL = "2 MB"
# A workbook is compressed: within the same 2 MB it may hold many more rows than a
# CSV, so its sheet is also limited in rows (as many as a CSV at the limit holds)
# and in cells, which bound the time it takes to read.
MAX_SHEET_ROWS = 100_000
# openpyxl reads about 7,500 cells a second on a busy two-core server (docs/performance.md,
# "Excel workbooks"). A downloaded workbook (14 columns, at most exports.XLSX_MAX_ROWS
# rows) stays within this.
MAX_SHEET_CELLS = 150_000
# A workbook's rows, kept for the confirmation as JSON after this mark (no text file
# holds a NUL: ``_decode`` refuses one).
SHEET_ROWS_MARK = "\x00sheet rows\n"
WORKBOOK_ENDINGS = (".xlsx", ".xlsm", ".xls")
REQUIRED_COLUMNS = ("measure", "period", "value")
COLUMNS = (*REQUIRED_COLUMNS, "note")
# The downloads' columns that describe a measure: accepted, and not read.
DESCRIPTIVE_COLUMNS = tuple(name for name in HEADER if name not in COLUMNS)
# Digits, optionally grouped in threes by commas ("1,234.5"), and a decimal part.
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_NOTE_LENGTH = DataPoint._meta.get_field("note").max_length
# A measure and period given twice: where the first one was, in a file and among entries.
REPEATED_LINE = "“{measure}” for {period} is already on line {first}"
REPEATED_ENTRY = "“{measure}” for {period} is already given in item {first}"


@dataclass(frozen=True)
class RowError:
    """A problem with the file: ``line`` is the file's line number (None for the whole file);
    ``column`` the column it is about (``measure``, ``period``, ``value``, ``note``), when one."""

    line: int | None
    message: str
    column: str | None = None

    def __str__(self):
        return f"Line {self.line}: {self.message}" if self.line is not None else self.message


@dataclass(frozen=True)
class PlannedRow:
    """One row of the file, read and matched to a measure of the page.

    ``note`` is None when the file has no note column (an existing note is kept).
    ``existing`` is the data point already stored for that measure and period.
    """

    line: int
    measure: Measure
    period: Period
    value: Decimal
    note: str | None
    existing: DataPoint | None

    @property
    def new_note(self) -> str:
        if self.note is not None:
            return self.note
        return self.existing.note if self.existing else ""

    @property
    def places(self) -> int:
        """The decimals to print its values with: the measure's precision, or more when
        a value needs them (a count prints "34", never "34.00")."""
        values = [self.value] + ([self.existing.value] if self.existing else [])
        return max(self.measure.precision, *(decimal_places(value) for value in values))

    @property
    def value_changed(self) -> bool:
        return self.existing is not None and self.existing.value != self.value

    @property
    def note_changed(self) -> bool:
        return self.existing is not None and self.existing.note != self.new_note

    @property
    def is_unchanged(self) -> bool:
        return self.existing is not None and not (self.value_changed or self.note_changed)


@dataclass(frozen=True)
class FallingBehind:
    """A measure that the values about to be stored leave off track or at risk; ``row`` is
    its newest value's, whose note the strategy page shows beside that value."""

    row: PlannedRow
    status: Status


@dataclass
class UploadPreview:
    """What applying a file would do; nothing may be applied while ``errors`` is not empty."""

    errors: list[RowError] = field(default_factory=list)
    # The file's text once decoded (a workbook's rows, see SHEET_ROWS_MARK): a
    # confirmation reads it again as it is.
    text: str = ""
    added: list[PlannedRow] = field(default_factory=list)
    changed: list[PlannedRow] = field(default_factory=list)
    unchanged: list[PlannedRow] = field(default_factory=list)
    has_note_column: bool = False
    # Rows not read: how many name each other page, and how many no period or value.
    other_pages: dict[str, int] = field(default_factory=dict)
    without_data: int = 0

    @property
    def can_apply(self) -> bool:
        """No errors and something to write."""
        return not self.errors and bool(self.added or self.changed)

    @property
    def plan(self) -> str:
        """A digest of what would be written and of the stored values it replaces.

        Equal digests from the preview and from the confirmation mean the user
        confirmed exactly what will be written.
        """
        digest = hashlib.sha256()
        for kind, rows in (("add", self.added), ("change", self.changed)):
            for row in rows:
                old = (row.existing.value, row.existing.note) if row.existing else None
                digest.update(
                    repr(
                        (kind, row.measure.pk, row.period.label, row.value, row.new_note, old)
                    ).encode()
                )
        return digest.hexdigest()

    def falling_behind(self) -> list[FallingBehind]:
        """The measures whose newest value would be one of the rows to write and would leave
        them off track or at risk, in the rows' order: a short note can tell readers why.
        Judged from the points the preview read, with no query."""
        rows_by_measure: dict[int, dict[str, PlannedRow]] = {}
        for row in self.added + self.changed:
            rows_by_measure.setdefault(row.measure.pk, {})[row.period.label] = row
        behind = []
        for rows in rows_by_measure.values():
            measure = next(iter(rows.values())).measure
            points = {point.period: point for point in measure.series}
            points.update(
                (label, Point(label, row.period.start, row.value)) for label, row in rows.items()
            )
            newest = max(points.values(), key=lambda point: (point.start, point.period))
            row = rows.get(newest.period)
            if row is not None:
                status = measure.status_with(newest)
                if status in (Status.OFF_TRACK, Status.AT_RISK):
                    behind.append(FallingBehind(row, status))
        return sorted(behind, key=lambda item: item.row.line)


@dataclass(frozen=True)
class UploadResult:
    added: int
    changed: int
    unchanged: int
    # What was read and written: its rows, each with the value stored before.
    preview: UploadPreview | None = field(default=None, compare=False, repr=False)


class UploadRefused(ValidationError):
    """Nothing was written; ``preview`` shows the file against the data as it now stands."""

    def __init__(self, message: str, *, preview: UploadPreview):
        super().__init__(message, code="upload_refused")
        self.preview = preview


def preview_upload(*, strategy: Strategy, data: bytes | str, name: str = "") -> UploadPreview:
    """Read a CSV file or a workbook against the page's measures and data. Two queries;
    writes nothing.

    ``data`` is the file as uploaded, or the ``text`` of an earlier preview of it;
    ``name``, the file's name if known: one named as a workbook must be one.
    """
    preview = UploadPreview()
    rows = _read_file(data, name, preview)
    if rows is None:
        return preview
    header, records = rows
    columns = _check_header(header, preview.errors)
    if columns is None:
        return preview
    if not records:
        preview.errors.append(RowError(None, "The file has a header but no data rows."))
        return preview
    preview.has_note_column = "note" in columns
    this_page = _unescaped(strategy.title).casefold()

    def page_rows():
        for line, cells in records:
            page_title = _unescaped(_cell(cells, columns, "strategy"))
            if page_title and page_title.casefold() != this_page:
                preview.other_pages[page_title] = preview.other_pages.get(page_title, 0) + 1
                continue
            if _cell(cells, columns, "measure") and not (
                _cell(cells, columns, "period") or _cell(cells, columns, "value")
            ):
                preview.without_data += 1
                continue
            if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
                preview.errors.append(
                    RowError(
                        line,
                        f"The row has {len(cells)} cells but the header has {len(columns)} "
                        'columns (put a number written with commas in quotes: "1,234.5").',
                    )
                )
                continue
            texts = {name: _cell(cells, columns, name) for name in COLUMNS if name in columns}
            if "note" in texts:
                texts["note"] = _unescaped(texts["note"])
            yield line, texts

    _plan(preview, strategy, page_rows())
    return preview


@dataclass(frozen=True)
class ValueEntry:
    """One value given for a page's measure, from the data-entry grid or the API.

    ``measure`` is one of the page's measures, by id or by name; ``period`` and
    ``value`` are read as a file's cells are; ``note`` None keeps a stored
    note. ``line`` is where its problems are reported: the entry's position
    (the API's index in the list it was given, from 0).
    """

    line: int
    measure: int | str
    period: str
    value: str
    note: str | None = None


def preview_values(*, strategy: Strategy, entries: list[ValueEntry]) -> UploadPreview:
    """Read ``entries`` against the page as the file upload reads its rows: the same
    checks and messages, each problem on its entry's ``line``. Two queries; writes nothing."""
    preview = UploadPreview(has_note_column=any(entry.note is not None for entry in entries))
    if not entries:
        preview.errors.append(RowError(None, "No values were given."))
        return preview
    rows = (
        (
            entry.line,
            {
                "measure": entry.measure,
                "period": entry.period.strip(),
                "value": entry.value.strip(),
                **({} if entry.note is None else {"note": entry.note.strip()}),
            },
        )
        for entry in entries
    )
    _plan(preview, strategy, rows, repeated=REPEATED_ENTRY)
    return preview


def _plan(preview: UploadPreview, strategy: Strategy, rows, *, repeated=REPEATED_LINE) -> None:
    """Sort ``rows`` (line, texts by column) into the preview's additions, changes and
    unchanged rows against the page's measures and stored values, or into its errors.
    ``repeated`` says that a measure and period were given before, at line ``first``."""
    measures = _page_measures(strategy)
    stored = {
        (point.measure_id, point.period): point
        for point in DataPoint.objects.filter(measure__objective__strategy=strategy)
    }
    seen: dict[tuple[int, str], int] = {}
    readings: dict[str, dict] = {"measure": {}, "period": {}, "value": {}}
    for line, texts in rows:
        row = _read_record(line, texts, measures, seen, readings, preview.errors, repeated)
        if row is None:
            continue
        measure, period, value, note = row
        planned = PlannedRow(
            line, measure, period, value, note, stored.get((measure.id, period.label))
        )
        if planned.existing is None:
            preview.added.append(planned)
        elif planned.is_unchanged:
            preview.unchanged.append(planned)
        else:
            preview.changed.append(planned)
    preview.errors.sort(key=lambda error: error.line or 0)


def apply_upload(
    *, strategy: Strategy, data: bytes | str, user, expected_plan: str | None = None
) -> UploadResult:
    """Write the whole file in one transaction and one revision of the page, or nothing.

    The file is read again against the data as it is now (locking the page
    against a concurrent upload on PostgreSQL). Raises ``UploadRefused`` when
    the file has errors, or when ``expected_plan`` (the ``plan`` of the preview
    the user confirmed) no longer matches what would be written; raises
    ``PermissionDenied`` if ``user`` may not change the page. ``data`` is as
    for ``preview_upload``. A constant number of queries up to 1,000 rows
    written (one more for each 1,000 on PostgreSQL), whatever the page holds.
    """
    return _apply(
        strategy=strategy,
        user=user,
        expected_plan=expected_plan,
        read=lambda page: preview_upload(strategy=page, data=data),
        what="the file",
        comment="Uploaded scorecard data",
    )


def apply_values(
    *,
    strategy: Strategy,
    entries: list[ValueEntry],
    user,
    comment: str,
    expected_plan: str | None = None,
    measure_owners: bool = False,
) -> UploadResult:
    """Store ``entries`` as ``apply_upload`` stores a file: all in one transaction and one
    revision of the page (``comment``, with the counts, by ``user``), or nothing, raising
    ``UploadRefused`` with every problem or ``PermissionDenied``.

    Only who may change the page may store values, unless ``measure_owners``: then
    also the owner of a measure, for that measure's values (the permissions
    ``scorecards.enter_values`` on the page and ``scorecards.add_datapoint`` on
    each measure given); values of a measure they do not own refuse them all.
    """
    return _apply(
        strategy=strategy,
        user=user,
        expected_plan=expected_plan,
        read=lambda page: preview_values(strategy=page, entries=entries),
        what="the values",
        comment=comment,
        measure_owners=measure_owners,
    )


def _locked_page(strategy: Strategy, user, *, measure_owners: bool) -> Strategy:
    """The page, locked for the write, if ``user`` may store values on it at all."""
    pages = Strategy.objects.all() if measure_owners else Strategy.objects.editable_by(user)
    try:
        page = pages.select_for_update(of=("self",)).get(pk=strategy.pk)
    except Strategy.DoesNotExist:
        page = None
    if page is None or (measure_owners and not user.has_perm("scorecards.enter_values", page)):
        raise PermissionDenied(f"You may not change: {strategy.title}.")
    return page


def _check_measures(page: Strategy, preview: UploadPreview, user) -> None:
    """Refuse the values of measures ``user`` may not store values of (they may not change
    the page: they own some of its measures)."""
    if user.has_perm("strategy.change_strategy", page):
        return
    refused = {
        row.measure.name
        for row in (*preview.added, *preview.changed, *preview.unchanged)
        if not user.has_perm("scorecards.add_datapoint", row.measure)
    }
    if refused:
        names = ", ".join(f"“{name}”" for name in sorted(refused))
        raise PermissionDenied(
            f"You may store values only of the measures you own; not of {names}."
        )


def _apply(
    *, strategy, user, expected_plan, read, what: str, comment: str, measure_owners=False
) -> UploadResult:
    """Read with ``read(page)`` on the locked page and write it all, or raise; the
    refusals speak of ``what`` ("the file", "the values")."""
    has, was = ("have", "were") if what.endswith("s") else ("has", "was")
    try:
        with transaction.atomic():
            page = _locked_page(strategy, user, measure_owners=measure_owners)
            preview = read(page)
            if measure_owners:
                _check_measures(page, preview, user)
            if preview.errors:
                raise UploadRefused(
                    f"{what.capitalize()} {has} {_count(len(preview.errors), 'problem')}; "
                    "nothing was written.",
                    preview=preview,
                )
            if expected_plan is not None and preview.plan != expected_plan:
                raise UploadRefused(
                    "The page's data changed after the preview, so nothing was written. "
                    "Check the rows below and confirm again.",
                    preview=preview,
                )
            if preview.can_apply:
                _write(page=page, preview=preview, user=user, comment=comment)
    except IntegrityError:
        # Someone stored a value for one of these periods after the page was read.
        raise UploadRefused(
            f"The page's data changed while {what} {was} being applied, so nothing was "
            "written. Check the rows below and confirm again.",
            preview=read(strategy),
        ) from None
    return UploadResult(
        added=len(preview.added),
        changed=len(preview.changed),
        unchanged=len(preview.unchanged),
        preview=preview,
    )


def _write(*, page: Strategy, preview: UploadPreview, user, comment: str) -> None:
    comment = f"{comment} ({len(preview.added)} added, {len(preview.changed)} changed)"
    with recorded_change(user=user, comment=comment, kind=ChangeKind.DATA):
        # The rows go in without DataPoint.save(), so the normalised label and
        # period_start come from the parsed period here. A value stored for
        # one of the added periods since the preview raises IntegrityError.
        insert_rows(
            DataPoint,
            ("measure", "period", "period_start", "value", "note"),
            (
                (row.measure.pk, row.period.label, row.period.start, row.value, row.new_note)
                for row in preview.added
            ),
        )
        insert_rows(
            DataPoint,
            ("id", "measure", "period", "period_start", "value", "note"),
            (
                (
                    row.existing.pk,
                    row.existing.measure_id,
                    row.existing.period,
                    row.existing.period_start,
                    row.value,
                    row.new_note,
                )
                for row in preview.changed
            ),
            update_on_conflict=("value", "note"),
        )
        # The revision holds the whole page, new and changed points included.
        record_page_revision(page)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _read_file(data: bytes | str, name: str, preview: UploadPreview):
    """The header's cells and the non-blank rows after it (as ``_read_rows``) of a CSV file
    or a workbook, keeping in ``preview.text`` what a confirmation reads again; or None
    after adding the file's problem to ``preview.errors``."""
    if isinstance(data, str) and data.startswith(SHEET_ROWS_MARK):
        # Read and checked by an earlier preview.
        preview.text = data
        rows = [(line, cells) for line, cells in json.loads(data[len(SHEET_ROWS_MARK) :])]
        return rows[0][1], rows[1:]
    if isinstance(data, bytes) and len(data) > MAX_UPLOAD_BYTES:
        preview.errors.append(RowError(None, f"The file is larger than {MAX_UPLOAD_LABEL}."))
        return None
    if (
        isinstance(data, bytes)
        and not is_workbook(data)
        and name.lower().endswith(WORKBOOK_ENDINGS)
    ):
        preview.errors.append(
            RowError(
                None,
                f"“{name}” is named as an Excel workbook but is not one (a workbook is a zip "
                "archive, and this file is not): it may be damaged, or another kind of file "
                "renamed. Save it from your spreadsheet as “Excel Workbook (.xlsx)” or as "
                "“CSV UTF-8”.",
            )
        )
        return None
    if isinstance(data, bytes) and is_workbook(data):
        try:
            rows = read_sheet(data, max_rows=MAX_SHEET_ROWS, max_cells=MAX_SHEET_CELLS)
        except SheetRefused as refused:
            preview.errors.append(RowError(None, refused.message))
            return None
        if not any(cells for _line, cells in rows):
            preview.errors.append(RowError(None, "The workbook's sheet is empty."))
            return None
        preview.text = SHEET_ROWS_MARK + json.dumps(rows, ensure_ascii=False)
        return rows[0][1], rows[1:]
    text = _decode(data, preview.errors)
    if text is None:
        return None
    preview.text = text
    return _read_rows(text, preview.errors)


def _decode(data: bytes | str, errors: list[RowError]) -> str | None:
    if isinstance(data, str):
        # Decoded and checked by an earlier preview.
        return data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        errors.append(
            RowError(
                None,
                f"The file is not UTF-8 text (line {line} has a byte that is not UTF-8). "
                "Save it from your spreadsheet as “CSV UTF-8”.",
            )
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        errors.append(
            RowError(
                None,
                f"The file is not UTF-8 text (line {line} holds a NUL character; "
                "UTF-16 files look like this). Save it from your spreadsheet as “CSV UTF-8”.",
            )
        )
        return None
    if not text.strip():
        errors.append(RowError(None, "The file is empty."))
        return None
    return text


def _read_rows(text: str, errors: list[RowError]):
    """The header cells and the non-blank rows after it, each with the line it starts on.

    Blank rows (also rows of empty cells, as spreadsheets export) are skipped.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, last_line = [], 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            # A row is blank when its cells are (spreadsheets export rows of empty cells).
            if line == 1 or "".join(cells).strip():
                rows.append((line, cells))
    except csv.Error as error:
        errors.append(RowError(last_line + 1, f"The file cannot be read as CSV: {error}."))
        return None
    return rows[0][1], rows[1:]


def _check_header(header: list[str], errors: list[RowError]) -> dict[str, int] | None:
    """Each column's position, or None (and an error on line 1) if the header is wrong."""
    names = [cell.strip().lower() for cell in header]
    if not any(names):
        errors.append(RowError(1, f"The first line must be the header: {','.join(COLUMNS)}."))
        return None
    problems = []
    for name in dict.fromkeys(names):
        if name not in COLUMNS + DESCRIPTIVE_COLUMNS:
            problems.append(f"unknown column “{name}”" if name else "a column without a name")
        elif names.count(name) > 1:
            problems.append(f"“{name}” appears {names.count(name)} times")
    problems += [f"no “{name}” column" for name in REQUIRED_COLUMNS if name not in names]
    if not problems:
        return {name: index for index, name in enumerate(names)}
    hint = " Separate the columns with commas." if any(";" in name for name in names) else ""
    errors.append(
        RowError(
            1,
            "The header must name the columns measure, period, value and (optionally) note, "
            f"in any order: {'; '.join(problems)}.{hint}",
        )
    )
    return None


def _unescaped(text: str) -> str:
    """``text`` as written, without the apostrophe the downloads put before a formula."""
    text = text.strip()
    # Our CSV downloads put an apostrophe before a text a spreadsheet would run
    # as a formula; such a text still means what follows it.
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text.strip()


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    """The row's text in column ``name``; empty when the file has no such column or cell."""
    index = columns.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _measure_key(name: str) -> str:
    return _unescaped(name).casefold()


def _page_measures(strategy: Strategy) -> dict[str | int, list[Measure]]:
    """The page's measures by name (as ``_measure_key`` folds it) and by id."""
    measures: dict[str | int, list[Measure]] = {}
    # With their points, for the precision the preview prints values at.
    # With their objective and page, which the access rules ask about a measure read.
    for measure in (
        Measure.objects.filter(objective__strategy=strategy)
        .select_related("objective__strategy")
        .with_points()
    ):
        measures.setdefault(_measure_key(measure.name), []).append(measure)
        measures[measure.id] = [measure]
    return measures


def _read_record(line, texts, measures, seen, readings, errors, repeated) -> tuple | None:
    """The row's measure, period, value and note, or None after adding its problems to errors.

    ``texts`` holds the row's text in each column (the measure may be an id);
    ``readings`` keeps what each measure, period and value text read as: a
    large file repeats them.
    """
    problems: list[tuple[str, str]] = []  # (column, problem)
    measure = _remembered(
        readings["measure"],
        lambda name, found: _read_measure(name, measures, found),
        "measure",
        texts["measure"],
        problems,
    )
    period = _remembered(readings["period"], _read_period, "period", texts["period"], problems)
    value = _remembered(readings["value"], _read_value, "value", texts["value"], problems)
    note = texts.get("note")
    if note is not None and len(note) > _NOTE_LENGTH:
        problems.append(("note", f"the note is longer than {_NOTE_LENGTH} characters"))
    if measure and period:
        key = (measure.id, period.label)
        wrong_length = wrong_length_message(period, measure.frequency, measure.name)
        if wrong_length:
            problems.append(("period", wrong_length))
        elif key in seen:
            problems.append(
                (
                    "period",
                    repeated.format(measure=measure.name, period=period.label, first=seen[key]),
                )
            )
        else:
            seen[key] = line
    if problems:
        errors.extend(
            RowError(line, problem[0].upper() + problem[1:] + ".", column)
            for column, problem in problems
        )
        return None
    return measure, period, value, note


def _remembered(readings: dict, read, column: str, text: str, problems: list[tuple[str, str]]):
    """``read(text, found)``, reading each distinct text once; its problems go to ``problems``
    as about ``column``."""
    if text not in readings:
        found: list[str] = []
        readings[text] = (read(text, found), found)
    result, found = readings[text]
    problems += [(column, problem) for problem in found]
    return result


def _read_measure(name: str | int, measures, problems: list[str]) -> Measure | None:
    if isinstance(name, int):
        if name not in measures:
            problems.append(f"this page has no measure with the id {name}")
            return None
        return measures[name][0]
    if not name:
        problems.append("the measure is empty")
        return None
    found = measures.get(_measure_key(name), [])
    if len(found) == 1:
        return found[0]
    if found:
        problems.append(
            f"{len(found)} measures on this page are named “{name}”; "
            "rename one in the admin so that each name is unique"
        )
    else:
        problems.append(f"this page has no measure named “{name}”")
    return None


def _read_period(text: str, problems: list[str]) -> Period | None:
    if not text:
        problems.append("the period is empty")
        return None
    try:
        period = parse_period(text)
    except ValidationError as error:
        if error.code == OUTSIDE_WINDOW:
            problems.append(f"the period “{text}” is outside {year_window()}")
        else:
            problems.append(f"the period “{text}” cannot be read; write it as {PERIOD_HELP[:-1]}")
        return None
    # A value for a period to come would stand as the measure's latest: a typo
    # (2030 for 2026) would decide its status everywhere.
    if period.start > timezone.localdate():
        problems.append(f"the period {not_begun_message(period)}")
        return None
    return period


def _read_value(text: str, problems: list[str]) -> Decimal | None:
    if not text:
        problems.append("the value is empty")
        return None
    if not _NUMBER.match(text):
        problems.append(f"the value “{text}” is not a number (write it like 1234.5 or 1,234.5)")
        return None
    value = Decimal(text.replace(",", ""))
    # Measured first: quantizing a number of more digits than the context holds raises.
    if abs(value) >= VALUE_LIMIT:
        problems.append(
            f"the value “{text}” is too large: values are under {VALUE_LIMIT:,} in size"
        )
        return None
    if value != value.quantize(VALUE_PLACES):
        problems.append(f"the value “{text}” has more than two decimal places")
        return None
    return value.quantize(VALUE_PLACES)
