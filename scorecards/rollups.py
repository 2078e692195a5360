"""How the measures under each strategy of a map are doing, counted for the map's boxes
from the statuses kept for every measure (``scorecards.judged``)."""

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from django.db.models import Q, QuerySet
from django.utils import timezone

from scorecards.judged import status_of, with_judged_status
from scorecards.models import Action, Measure
from scorecards.status import Status

SHOWN = [
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.STALE,
    Status.NO_TARGET,
    Status.NO_DATA,
    Status.CANNOT_JUDGE,
]


@dataclass
class Rollup:
    counts: Counter = field(default_factory=Counter)

    def add(self, status: Status):
        self.counts[status] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def parts(self) -> list[tuple[Status, int]]:
        """(status, count) for each status that occurs, in a fixed order."""
        return [(status, self.counts[status]) for status in SHOWN if self.counts[status]]

    @property
    def summary(self) -> str:
        """e.g. "2 on track, 1 off track, 1 no data"; "none yet" when there are no measures."""
        if not self.total:
            return "none yet"
        return ", ".join(f"{count} {status.label.lower()}" for status, count in self.parts)

    @property
    def performance(self) -> "Performance":
        return performance_of(self)


def _pages_under(strategies, *, visible) -> tuple[list[int], QuerySet]:
    """The strategies' ids, and the pages in ``visible`` that count for them: the
    strategies themselves and the pages of their zoom maps (``zoom_map`` selected)."""
    ids = [strategy.pk for strategy in strategies]
    zoom_maps = [zoom.pk for s in strategies if (zoom := getattr(s, "zoom_map", None))]
    # Pages first, by their own columns, so that the index on them serves the query.
    return ids, visible.filter(Q(pk__in=ids) | Q(map_id__in=zoom_maps))


def rollups_for(strategies, *, visible) -> dict[int, Rollup]:
    """Roll-ups for these strategies: their own measures, plus those of their zoom maps' pages.

    Only measures on pages in ``visible`` (a Strategy queryset) count. Expects
    the strategies' ``zoom_map`` selected. Two queries, whatever the number of
    strategies, measures and data points, reading the statuses kept
    (``scorecards.judged``); more when some must be judged again.
    """
    ids, pages = _pages_under(strategies, visible=visible)
    measures = with_judged_status(
        Measure.objects.filter(objective__strategy__in=pages), today=timezone.localdate()
    )
    rows = measures.order_by().values_list(
        "objective__strategy_id", "objective__strategy__map__zooms_into_id", "status_code"
    )
    rollups = {pk: Rollup() for pk in ids}
    for page_id, zoomed_from_id, code in rows:
        if (judged := status_of(code)) is None:  # added since its status was judged
            continue
        for owner in (page_id, zoomed_from_id):
            if owner in rollups:
                rollups[owner].add(judged)
    return rollups


class Performance(Enum):
    """A box's colour on the map: how its measures are doing, rolled up into one of four.

    Off track when any measure judged is off track, else at risk when any is, else on
    track; no data when none can be judged (no values, stale, no target, cannot judge).
    """

    ON_TRACK = ("on-track", "On track")
    AT_RISK = ("at-risk", "At risk")
    OFF_TRACK = ("off-track", "Off track")
    NO_DATA = ("no-data", "No data")

    def __init__(self, slug: str, label: str):
        self.slug, self.label = slug, label

    @classmethod
    def from_slug(cls, slug: str) -> "Performance | None":
        return next((p for p in cls if p.slug == slug), None)


def performance_of(rollup: Rollup) -> Performance:
    for status, performance in (
        (Status.OFF_TRACK, Performance.OFF_TRACK),
        (Status.AT_RISK, Performance.AT_RISK),
        (Status.ON_TRACK, Performance.ON_TRACK),
    ):
        if rollup.counts[status]:
            return performance
    return Performance.NO_DATA


@dataclass
class PartnerWork:
    slug: str
    name: str
    strategies: set = field(default_factory=set)


def partners_for(strategies, *, visible) -> dict[str, PartnerWork]:
    """The partners who lead or join actions on these strategies, by slug, with the
    strategies they work on; as the roll-ups do, a strategy with a zoom map counts the
    actions on that zoom map's pages. Only pages in ``visible`` count. One query."""
    ids, pages = _pages_under(strategies, visible=visible)
    rows = (
        Action.objects.filter(objective__strategy__in=pages)
        .order_by()
        .values_list(
            "objective__strategy_id",
            "objective__strategy__map__zooms_into_id",
            "lead__slug",
            "lead__name",
            "partners__slug",
            "partners__name",
        )
    )
    found: dict[str, PartnerWork] = {}
    wanted = set(ids)
    for page_id, zoomed_from_id, *names in rows:
        owners = {page_id, zoomed_from_id} & wanted
        for slug, name in (names[0:2], names[2:4]):
            if slug is not None:
                found.setdefault(slug, PartnerWork(slug=slug, name=name)).strategies |= owners
    return dict(sorted(found.items(), key=lambda item: item[1].name.lower()))
