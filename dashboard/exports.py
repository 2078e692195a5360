"""The dashboard's rows as CSV: every row the filters let through, in the order chosen,
each figure at its measure's precision as the scorecard downloads print them."""

import datetime
from collections.abc import Callable

from django.db.models import QuerySet

from accounts.people import person_name
from dashboard import selectors
from scorecards.exports import value_at_precision
from scorecards.judged import status_of
from scorecards.models import STATUS_COLUMNS

MEASURE_HEADER = [
    "strategy",
    "map",
    "objective",
    "measure",
    "unit",
    "status",
    "latest_period",
    "latest_value",
    "baseline",
    "baseline_period",
    "target",
    "target_period",
    "owner",
    "url",
]
ACTION_HEADER = [
    "strategy",
    "map",
    "objective",
    "action",
    "status",
    "overdue",
    "lead",
    "partners",
    "responsible",
    "start_date",
    "due_date",
    "url",
]
_MEASURE_COLUMNS = (
    "objective__strategy__title",
    "objective__strategy__slug",
    "objective__strategy__map__title",
    "objective__title",
    "pk",
    "name",
    "unit",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "objective__strategy__page_manager__first_name",
    "objective__strategy__page_manager__last_name",
    "objective__strategy__page_manager__username",
)


def measure_rows(
    visible: QuerySet, filters, *, page_url: Callable[[str], str], today: datetime.date
) -> list[list]:
    """The CSV rows of the measures on ``visible`` pages that ``filters`` let through."""
    measures = selectors.measures_in(visible, filters)
    _, found = selectors.judged_measures(measures, filters, today=today)
    places = selectors.precisions(measures)
    columns = (*_MEASURE_COLUMNS, *STATUS_COLUMNS, "status_code")
    rows = []
    for values in selectors.with_latest(found).values_list(*columns):
        row = dict(zip(columns, values, strict=True))
        status = status_of(row["status_code"])
        # A measure deleted between the two queries: each figure with the decimals it needs.
        precision = places.get(row["pk"], 0)
        rows.append(
            [
                row["objective__strategy__title"],
                row["objective__strategy__map__title"],
                row["objective__title"],
                row["name"],
                row["unit"],
                status.label,
                row["latest_period"] or "",
                value_at_precision(row["latest_value"], precision),
                value_at_precision(row["baseline_value"], precision),
                row["baseline_period"],
                value_at_precision(row["target_value"], precision),
                row["target_period"],
                _person(row, "owner__") or _person(row, "objective__strategy__page_manager__"),
                f"{page_url(row['objective__strategy__slug'])}#measure-{row['pk']}",
            ]
        )
    return rows


def action_rows(
    visible: QuerySet, filters, *, page_url: Callable[[str], str], today: datetime.date
) -> list[list]:
    """The CSV rows of the actions on ``visible`` pages that ``filters`` let through."""
    actions = selectors.with_action_status(
        selectors.actions_in(visible, filters), filters.status, today=today
    )
    rows = []
    for action in selectors.action_rows(selectors.sorted_actions(actions, filters)):
        strategy = action.objective.strategy
        rows.append(
            [
                strategy.title,
                strategy.map.title,
                action.objective.title,
                action.title,
                action.get_status_display(),
                "yes" if action.is_overdue else "no",
                action.lead.name if action.lead else "",
                "; ".join(partner.name for partner in action.partners.all()),
                person_name(action.responsible_person, ""),
                action.start_date or "",
                action.due_date or "",
                f"{page_url(strategy.slug)}#action-{action.pk}",
            ]
        )
    return rows


def _person(row: dict, prefix: str) -> str:
    """A person's name from the row's columns that begin with ``prefix``."""
    first, last = row[f"{prefix}first_name"] or "", row[f"{prefix}last_name"] or ""
    return f"{first} {last}".strip() or row[f"{prefix}username"] or ""
