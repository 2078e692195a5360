"""The data-entry grid: a strategy page's measures (or one objective's) by recent periods,
each value editable in place, saved in one revision of the page or not at all.

One view beside the page's change form, ``<page>/values/`` (named
``admin:strategy_strategy_enter_values``; ``?objective=<id>`` narrows it to
one objective), for people who may change the page: another manager's page is
a 404, a page the user may only view a 403, as for the CSV upload.

Rows are measures, grouped by reporting frequency and lag, so that every row
of a table shares its columns: the ``ENDED_COLUMNS`` periods up to the newest
one whose value is due (``Measure.latest_due_period``) and the next one to
fall due. The form is plain HTML, one box for the value and one for the note
per measure and period (``value-<measure id>-<period>``, ``note-…``);
``static/scorecards/grid.js`` adds keyboard movement and pasting a block
copied from a spreadsheet.

Saving sends the boxes that differ from what the grid showed, as
``uploads.ValueEntry`` rows, through ``uploads.preview_values`` and
``uploads.apply_values``: the CSV upload's checks and messages, each shown in
its box. Nothing is saved when any box has a problem, when a value someone
else stored after the grid was loaded would be overwritten (the grid keeps
what it showed in a hidden field and compares), or, once, when a new value
leaves its measure off track or at risk without a note: the grid then asks
for one (optional), which the strategy page shows beside the latest value.
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from base.periods import Frequency, Period, shift_period
from scorecards import uploads
from scorecards.exports import value_at_precision
from scorecards.models import DataPoint, Measure, Objective
from scorecards.status import Status

TEMPLATE = "admin/scorecards/value_grid.html"
COMMENT = "Entered values in the grid"
# Periods shown up to the newest one whose value is due; the next one to fall due follows.
ENDED_COLUMNS = 4
# Two boxes a cell, five cells a measure: a form of more measures would pass Django's
# limit on the number of fields a request may post (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1,000).
MAX_MEASURES = 80
REMOVE_ELSEWHERE = "A value cannot be removed here: delete it on the measure's page."


@dataclass(frozen=True)
class Column:
    period: Period
    due_on: datetime.date

    @property
    def due_label(self) -> str:
        return format_date(self.due_on, "j M Y")


@dataclass
class Cell:
    """One measure and period: the stored point, what the boxes hold and what was shown."""

    measure: Measure
    column: Column
    stored: DataPoint | None
    value: str = ""
    note: str = ""
    # What the grid showed when it was loaded: (value, note), or None for an empty cell.
    shown: tuple[str, str] | None = None
    errors: list[str] = field(default_factory=list)
    # The status a new value leaves its measure in, when the grid asks for a note.
    asks_note: Status | None = None
    today: datetime.date | None = None

    @property
    def key(self) -> str:
        return f"{self.measure.pk}-{self.column.period.label}"

    @property
    def touched(self) -> bool:
        return (self.value, self.note) != (self.shown or ("", ""))

    @property
    def is_due(self) -> bool:
        """Empty, and its value due by today."""
        return self.stored is None and not self.value and self.column.due_on <= self.today

    def show_stored(self) -> None:
        """Fill the boxes, and what they showed, with the stored point."""
        self.value, self.note = stored_texts(self.stored)
        self.shown = (self.value, self.note) if self.stored else None


@dataclass
class Row:
    measure: Measure
    cells: list[Cell]
    objective_title: str


@dataclass
class Group:
    """Measures that share their columns: one frequency and one lag."""

    frequency: str
    lag_days: int
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{Frequency(self.frequency).label} measures"

    @property
    def timing(self) -> str:
        unit = {Frequency.MONTHLY: "month", Frequency.QUARTERLY: "quarter"}.get(
            self.frequency, "year"
        )
        days = f"{self.lag_days} day{'' if self.lag_days == 1 else 's'}"
        return f"each value is due {days} after its {unit} ends"


def stored_texts(point: DataPoint | None) -> tuple[str, str]:
    """A stored point as its boxes show it: the value at its measure's precision, the note."""
    if point is None:
        return "", ""
    return str(value_at_precision(point.value, point.measure.precision)), point.note


def columns_of(measure: Measure, today: datetime.date) -> list[Column]:
    newest_due = measure.latest_due_period(today)
    periods = [
        shift_period(newest_due, measure.frequency, step) for step in range(1 - ENDED_COLUMNS, 2)
    ]
    return [Column(period, measure.due_on(period)) for period in periods]


@dataclass
class Grid:
    page: object
    objective: Objective | None
    today: datetime.date
    groups: list[Group]
    too_many: int = 0

    @property
    def cells(self) -> list[Cell]:
        return [cell for group in self.groups for row in group.rows for cell in row.cells]

    @property
    def asked(self) -> list[str]:
        return [cell.key for cell in self.cells if cell.asks_note]


def load_grid(page, objective: Objective | None, today: datetime.date) -> Grid:
    """The page's measures (``objective``'s only, if given) in groups, with their stored
    points for the grid's periods: two queries."""
    measures = Measure.objects.filter(objective__strategy=page)
    if objective is not None:
        measures = measures.filter(objective=objective)
    measures = list(
        measures.select_related("objective")
        .with_points()
        .order_by("objective__order", "objective_id", "order", "id")
    )
    if objective is None and len(measures) > MAX_MEASURES:
        return Grid(page, objective, today, [], too_many=len(measures))
    groups: dict[tuple[str, int], Group] = {}
    for measure in measures:
        key = (measure.frequency, measure.lag_days)
        if key not in groups:
            groups[key] = Group(measure.frequency, measure.lag_days, columns_of(measure, today))
        groups[key].rows.append(Row(measure, [], measure.objective.title))
    labels = {column.period.label for group in groups.values() for column in group.columns}
    stored = {
        (point.measure_id, point.period): point
        for point in DataPoint.objects.filter(
            measure__in=[measure.pk for measure in measures], period__in=labels
        )
    }
    by_id = {measure.pk: measure for measure in measures}
    for point in stored.values():
        point.measure = by_id[point.measure_id]
    for group in groups.values():
        for row in group.rows:
            for column in group.columns:
                cell = Cell(
                    row.measure,
                    column,
                    stored.get((row.measure.pk, column.period.label)),
                    today=today,
                )
                cell.show_stored()
                row.cells.append(cell)
    return Grid(page, objective, today, list(groups.values()))


def urls(model_admin) -> list:
    """The grid's URL pattern, under the strategy admin ``model_admin``."""
    prefix = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}"

    def grid_view(request, object_id):
        return value_grid_view(model_admin, request, object_id)

    return [
        path(
            "<path:object_id>/values/",
            model_admin.admin_site.admin_view(grid_view),
            name=f"{prefix}_enter_values",
        )
    ]


def grid_url(page, objective: Objective | None = None) -> str:
    url = reverse("admin:strategy_strategy_enter_values", args=[page.pk])
    return f"{url}?objective={objective.pk}" if objective else url


def _target(model_admin, request, object_id):
    """The page and the objective asked for, if the user may change the page: 404 for other
    managers' pages and for an objective not on the page, else 403."""
    page = model_admin.get_object(request, unquote(object_id))
    if not model_admin.has_change_permission(request, page):
        raise PermissionDenied
    objective = None
    if "objective" in request.GET:
        try:
            objective = page.objectives.get(pk=int(request.GET["objective"]))
        except (ValueError, Objective.DoesNotExist):
            raise Http404("This page has no such objective.") from None
    return page, objective


def value_grid_view(model_admin, request, object_id):
    """Show the grid (GET) or save what was typed in it (POST)."""
    page, objective = _target(model_admin, request, object_id)
    if request.method != "POST":
        grid = load_grid(page, objective, timezone.localdate())
        return _render(model_admin, request, grid)
    # The columns of the grid as it was loaded, whatever the day now.
    try:
        today = datetime.date.fromisoformat(request.POST.get("as_of", ""))
    except ValueError:
        today = timezone.localdate()
    grid = load_grid(page, objective, today)
    problems = _read_form(grid, request.POST)
    entries, cells_by_line = _entries(grid)
    if problems or any(cell.errors for cell in grid.cells):
        return _refused(model_admin, request, grid, problems)
    if not entries:
        messages.info(request, "Nothing was changed, so nothing was saved.")
        return redirect(grid_url(page, objective))
    preview = uploads.preview_values(strategy=page, entries=entries)
    if preview.errors:
        _place_errors(preview.errors, cells_by_line, problems)
        return _refused(model_admin, request, grid, problems)
    if _ask_for_notes(preview, cells_by_line, set(request.POST.getlist("asked"))):
        return _render(model_admin, request, grid, asking=True)
    try:
        result = uploads.apply_values(
            strategy=page,
            entries=entries,
            user=request.user,
            comment=COMMENT,
            expected_plan=preview.plan,
        )
    except uploads.UploadRefused as refused:
        # A value stored meanwhile: read the grid again to show which.
        grid = load_grid(page, objective, today)
        problems = _read_form(grid, request.POST)
        _place_errors(refused.preview.errors, _entries(grid)[1], problems)
        if not problems and not any(cell.errors for cell in grid.cells):
            problems.append(refused.message)
        return _refused(model_admin, request, grid, problems)
    if result.added or result.changed:
        messages.success(
            request,
            f"Saved in one revision of the page: {result.added} value"
            f"{'' if result.added == 1 else 's'} added, {result.changed} changed.",
        )
    else:
        messages.info(request, "Every value was already stored as typed: nothing was saved.")
    return redirect(grid_url(page, objective))


def _read_form(grid: Grid, data) -> list[str]:
    """Fill the cells from the posted boxes; mark boxes cleared or changed since the grid was
    loaded. Returns problems that belong to no cell."""
    problems = []
    try:
        shown = json.loads(data.get("shown", "{}"))
        if not isinstance(shown, dict):
            raise ValueError
    except ValueError:
        shown = {}
        problems.append("The form was damaged in transit; nothing was saved. Open it again.")
    for cell in grid.cells:
        if f"value-{cell.key}" not in data:
            continue  # Not in the form that was posted: left as stored.
        cell.value = data[f"value-{cell.key}"].strip()
        cell.note = data.get(f"note-{cell.key}", "").strip()
        was = shown.get(cell.key)
        cell.shown = (str(was[0]), str(was[1])) if isinstance(was, list) and len(was) == 2 else None
        if not cell.touched:
            cell.show_stored()  # As it is now, should someone have changed it meanwhile.
        elif conflict := _conflict(cell):
            cell.errors.append(conflict)
            # Saving again, knowingly, replaces it.
            cell.shown = stored_texts(cell.stored) if cell.stored else None
        elif cell.shown and not cell.value:
            cell.errors.append(REMOVE_ELSEWHERE)
    return problems


def _conflict(cell: Cell) -> str:
    """Why the stored point differs from what the grid showed, or ""."""
    stored, shown = cell.stored, cell.shown
    if stored is None and shown is None:
        return ""
    if stored is not None and shown is not None:
        try:
            same_value = Decimal(shown[0].replace(",", "")) == stored.value
        except InvalidOperation:
            same_value = False
        if same_value and shown[1] == stored.note:
            return ""
    if stored is None:
        now = "it has since been removed"
    else:
        value, note = stored_texts(stored)
        now = f"it is now {value}" + (f" (note: “{note}”)" if note else "")
    return (
        f"Someone changed this value after you opened the grid: {now}. "
        "Your entry is kept here; save again to store it instead."
    )


def _entries(grid: Grid) -> tuple[list[uploads.ValueEntry], dict[int, Cell]]:
    """The boxes typed in, as entries (problems found in the form left out), and each
    entry's cell by its line."""
    entries, cells = [], {}
    for cell in grid.cells:
        if cell.touched and not cell.errors:
            line = len(entries) + 1
            entries.append(
                uploads.ValueEntry(
                    line, cell.measure.pk, cell.column.period.label, cell.value, note=cell.note
                )
            )
            cells[line] = cell
    return entries, cells


def _place_errors(errors, cells_by_line: dict[int, Cell], problems: list[str]) -> None:
    for error in errors:
        cell = cells_by_line.get(error.line)
        if cell is None:
            problems.append(error.message)
        else:
            cell.errors.append(error.message)


def _ask_for_notes(preview, cells_by_line: dict[int, Cell], asked: set[str]) -> bool:
    """Mark the cells whose new value leaves its measure off track or at risk without a note;
    whether any was not asked about before (the grid asks once)."""
    asking = False
    for item in preview.falling_behind():
        if item.row.new_note:
            continue
        cell = cells_by_line[item.row.line]
        cell.asks_note = item.status
        asking = asking or cell.key not in asked
    return asking


def _refused(model_admin, request, grid: Grid, problems: list[str]):
    return _render(model_admin, request, grid, problems=problems, refused=True)


def _render(model_admin, request, grid: Grid, *, problems=(), refused=False, asking=False):
    cells = grid.cells
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": grid.page,
        "has_view_permission": model_admin.has_view_permission(request),
        "title": "Enter values",
        "grid": grid,
        "objectives": grid.page.objectives.all() if grid.too_many else (),
        "as_of": grid.today.isoformat(),
        "shown": json.dumps(
            {cell.key: cell.shown for cell in cells if cell.shown}, ensure_ascii=False
        ),
        "problems": problems,
        "refused": refused,
        "cell_errors": sum(1 for cell in cells if cell.errors),
        "asking": asking,
        "grid_url": grid_url(grid.page, grid.objective),
        "page_url": reverse("admin:strategy_strategy_change", args=[grid.page.pk]),
    }
    return TemplateResponse(request, TEMPLATE, context)
