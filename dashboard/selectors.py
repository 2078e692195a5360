"""What the dashboard reads: every measure and action on the pages a reader may see,
filtered, counted by status, sorted and cut into pages, in a fixed number of queries.

A measure's status depends on its newest value, its baseline, its target, the path
between them and its tolerance (``scorecards.status.measure_status``). Every measure's
status is kept in the database (``scorecards.judged``), so the counts, the status filter,
a sort by status and the page shown are all SQL: the database counts and pages through
10,000 measures, and Python judges only those written since they were last judged.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower

from scorecards.judged import status_of, with_judged_status
from scorecards.models import Action, Measure, Partner, latest_point
from scorecards.rollups import SHOWN
from strategy.models import StrategyMap

PER_PAGE = 50

# ?status= on the measures: each status by its code, hyphenated ("off-track").
MEASURE_STATUSES = {status.code.replace("_", "-"): status for status in SHOWN}
# ?status= on the actions: their own statuses, and overdue (past due and not done).
OVERDUE = "overdue"
ACTION_STATUSES = {
    **{code.replace("_", "-"): label for code, label in Action.Status.choices},
    OVERDUE: "Overdue",
}

PAGE_ORDER = ("objective__strategy__title", "objective__order", "objective_id", "order", "id")


def _owner_order(owner: str) -> list:
    """The person who answers for a row by name: the one named in ``owner``, else the page's
    manager."""
    manager = "objective__strategy__page_manager"

    def name(part: str):
        return Case(
            When(**{f"{owner}__isnull": False}, then=F(f"{owner}__{part}")),
            default=F(f"{manager}__{part}"),
        )

    return [name("last_name"), name("first_name"), name("username")]


ACTION_STATUS_RANK = Case(
    *(When(status=code, then=Value(rank)) for rank, code in enumerate(Action.Status.values)),
    output_field=IntegerField(),
)

# A measure's status by its place in the order the site shows statuses in.
MEASURE_STATUS_RANK = Case(
    *(When(status_code=status.code, then=Value(rank)) for rank, status in enumerate(SHOWN)),
    output_field=IntegerField(),
)

# ?sort= on each table: the column and the SQL order behind it (page order breaks ties).
MEASURE_SORTS = {
    "measure": [Lower("name")],
    "page": [],
    "status": [MEASURE_STATUS_RANK],
    "latest": [F("latest_start")],
    "owner": _owner_order("owner"),
}
ACTION_SORTS = {
    "action": [Lower("title")],
    "page": [],
    "status": [ACTION_STATUS_RANK],
    "due": [F("due_date")],
    "lead": [Lower("lead__name")],
    "responsible": _owner_order("responsible"),
}


def ordering(keys: list, *, descending: bool) -> list:
    """``keys`` in the direction asked (rows without a value last either way), then the page
    order."""
    ordered = [
        key.desc(nulls_last=True) if descending else key.asc(nulls_last=True) for key in keys
    ]
    if not keys:  # the page order itself
        first, *rest = PAGE_ORDER
        ordered = [F(first).desc() if descending else F(first).asc()]
        return [*ordered, *rest]
    return [*ordered, *PAGE_ORDER]


@dataclass(frozen=True)
class Choices:
    """What the filters offer: the maps, the partners, the people who answer for rows."""

    maps: list[StrategyMap]
    partners: list[Partner]
    people: list


def filter_choices(visible: QuerySet) -> Choices:
    """Three queries, whatever the size of the site."""
    maps = list(
        StrategyMap.objects.only("pk", "slug", "title", "parent_id").order_by(
            F("parent_id").asc(nulls_first=True), "title"
        )
    )
    partners = list(Partner.objects.only("pk", "slug", "name", "sector").order_by("name"))
    on_visible = Q(objective__strategy__in=visible)
    people = list(
        get_user_model()
        .objects.filter(
            Exists(visible.filter(page_manager=OuterRef("pk")))
            | Exists(Measure.objects.filter(on_visible, owner=OuterRef("pk")))
            | Exists(Action.objects.filter(on_visible, responsible=OuterRef("pk")))
        )
        .only("pk", "username", "first_name", "last_name")
        .order_by("first_name", "last_name", "username")
    )
    return Choices(maps, partners, people)


def map_with_zoom_maps(chosen: StrategyMap, maps: list[StrategyMap]) -> set[int]:
    """The ids of ``chosen`` and every map below it, from the maps already read."""
    children: dict[int | None, list[int]] = {}
    for each in maps:
        children.setdefault(each.parent_id, []).append(each.pk)
    found, waiting = set(), [chosen.pk]
    while waiting:
        pk = waiting.pop()
        if pk not in found:  # a cycle written past the checks ends here
            found.add(pk)
            waiting.extend(children.get(pk, []))
    return found


@dataclass(frozen=True)
class Filters:
    """The filters chosen, each None or empty when not."""

    map_ids: frozenset[int] | None = None
    partner: Partner | None = None
    sector: str = ""
    owner: object = None  # a user
    status: str = ""
    sort: str = ""

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    @property
    def sort_column(self) -> str:
        return self.sort.lstrip("-")


def _works_with(partners: Q) -> Exists:
    """Actions with a partner matching ``partners`` (a Q on Partner) among their partners."""
    return Exists(
        Action.partners.through.objects.filter(action_id=OuterRef("pk")).filter(
            partner__in=Partner.objects.filter(partners)
        )
    )


def _partner_q(filters: Filters) -> Q | None:
    """Actions led or joined by the partner chosen, or by a partner of the sector chosen."""
    found = None
    if filters.partner is not None:
        found = Q(lead=filters.partner) | Q(_works_with(Q(pk=filters.partner.pk)))
    if filters.sector:
        in_sector = Q(lead__sector=filters.sector) | Q(_works_with(Q(sector=filters.sector)))
        found = in_sector if found is None else found & in_sector
    return found


def actions_in(visible: QuerySet, filters: Filters) -> QuerySet:
    """The actions on ``visible`` pages that every filter but the status lets through."""
    actions = Action.objects.filter(objective__strategy__in=visible)
    if filters.map_ids is not None:
        actions = actions.filter(objective__strategy__map_id__in=filters.map_ids)
    if (partners := _partner_q(filters)) is not None:
        actions = actions.filter(partners)
    if filters.owner is not None:
        actions = actions.responsible(filters.owner)
    return actions


def measures_in(visible: QuerySet, filters: Filters) -> QuerySet:
    """The measures on ``visible`` pages that every filter but the status lets through.

    A partner (or a sector) works on an objective when it leads or joins one of the
    objective's actions: its measures are the ones that partner helps move.
    """
    measures = Measure.objects.filter(objective__strategy__in=visible)
    if filters.map_ids is not None:
        measures = measures.filter(objective__strategy__map_id__in=filters.map_ids)
    if (partners := _partner_q(filters)) is not None:
        measures = measures.filter(
            Exists(Action.objects.filter(partners, objective_id=OuterRef("objective_id")))
        )
    if filters.owner is not None:
        measures = measures.owned_by(filters.owner)
    return measures


def judged_measures(
    measures: QuerySet, filters: Filters, *, today: datetime.date
) -> tuple[Counter, QuerySet]:
    """The counts by status of ``measures``, and those with the status chosen in the order
    chosen, each with ``status_code`` (``scorecards.judged.with_judged_status``). Two
    queries: the statuses left to judge, and the counts."""
    measures = with_judged_status(measures, today=today).filter(status_code__isnull=False)
    counts = Counter(
        {
            status_of(code): number
            for code, number in measures.order_by()
            .values_list("status_code")
            .annotate(number=Count("pk"))
        }
    )
    if filters.status:
        measures = measures.filter(status_code=MEASURE_STATUSES[filters.status].code)
    keys = MEASURE_SORTS.get(filters.sort_column, [])
    if filters.sort_column == "latest":
        measures = measures.with_latest_value()
    return counts, measures.order_by(*ordering(keys, descending=filters.descending))


def with_latest(measures: QuerySet) -> QuerySet:
    """``measures`` with their newest value (``with_latest_value``), once."""
    if "latest_value" in measures.query.annotations:
        return measures
    return measures.with_latest_value()


def precisions(measures: QuerySet) -> dict[int, int]:
    """Each of ``measures``' precision (``Measure.precision``: the decimals its own numbers
    use), by its id. One query, with every measure's points."""
    rows = measures.with_points().only("pk", "baseline_value", "target_value")
    return {measure.pk: measure.precision for measure in rows}


def measure_page(visible: QuerySet, filters: Filters, *, page, today) -> tuple[Counter, Page]:
    """The counts by status (of every measure the filters but the status let through) and
    page ``page`` of the measures with the status chosen, each with ``dashboard_status`` and
    ``latest_shown`` (its newest value, if it can be judged) and ``places`` (its precision).
    Six queries: those of ``judged_measures``, the number of rows, the ids of the page, its
    rows and their precisions."""
    counts, found = judged_measures(measures_in(visible, filters), filters, today=today)
    # The ids first: sorting thousands of narrow rows, then reading fifty wide ones, is
    # several times quicker than sorting the wide ones.
    shown = Paginator(found.values_list("pk", flat=True), PER_PAGE).get_page(page)
    ids = list(shown.object_list)
    rows = with_latest(
        Measure.objects.filter(pk__in=ids)
        .select_related("objective__strategy__map", "objective__strategy__page_manager", "owner")
        .annotate(status_code=F("judged__code"))
    )
    by_pk = {measure.pk: measure for measure in rows}
    places = precisions(Measure.objects.filter(pk__in=ids))
    measures = []
    for pk in ids:
        if (measure := by_pk.get(pk)) is None:  # deleted between the two queries
            continue
        measure.dashboard_status = status_of(measure.status_code)
        measure.places = places.get(pk, 0)
        latest = latest_point(measure.latest_period, measure.latest_start, measure.latest_value)
        measure.latest_shown = latest if latest is not None and latest.can_be_judged else None
        measures.append(measure)
    shown.object_list = measures
    return counts, shown


def action_counts(actions: QuerySet, *, today: datetime.date) -> dict[str, int]:
    """How many of ``actions`` have each status, how many are overdue, and the total. One
    query."""
    overdue = Q(due_date__lt=today) & ~Q(status=Action.Status.DONE)
    return actions.aggregate(
        total=Count("pk"),
        **{
            code.replace("_", "-"): Count("pk", filter=Q(status=code))
            for code in Action.Status.values
        },
        **{OVERDUE: Count("pk", filter=overdue)},
    )


def with_action_status(actions: QuerySet, status: str, *, today: datetime.date) -> QuerySet:
    if not status:
        return actions
    if status == OVERDUE:
        return actions.filter(due_date__lt=today).exclude(status=Action.Status.DONE)
    return actions.filter(status=status.replace("-", "_"))


def sorted_actions(actions: QuerySet, filters: Filters) -> QuerySet:
    keys = ACTION_SORTS.get(filters.sort_column, [])
    return actions.order_by(*ordering(keys, descending=filters.descending))


def action_rows(actions: QuerySet) -> QuerySet:
    """What a row of the actions table shows."""
    return actions.select_related(
        "objective__strategy__map", "objective__strategy__page_manager", "lead", "responsible"
    ).prefetch_related("partners")
