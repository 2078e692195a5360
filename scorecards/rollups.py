"""How the measures under each strategy of a map are doing, counted for the map's boxes."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from scorecards.models import STATUS_COLUMNS, Measure, status_from_columns
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


def rollups_for(strategies, *, visible) -> dict[int, Rollup]:
    """Roll-ups for these strategies: their own measures, plus those of their zoom maps' pages.

    Only measures on pages in ``visible`` (a Strategy queryset) count. Expects
    the strategies' ``zoom_map`` selected. One query, whatever the number of
    strategies, measures and data points.
    """
    ids = [strategy.pk for strategy in strategies]
    zoom_maps = [zoom.pk for s in strategies if (zoom := getattr(s, "zoom_map", None))]
    # Pages first, by their own columns, so that the index on them serves the query.
    pages = visible.filter(Q(pk__in=ids) | Q(map_id__in=zoom_maps))
    rows = (
        Measure.objects.filter(objective__strategy__in=pages)
        .with_latest_value()
        # Plain rows, not models: a state-wide map rolls up thousands of measures.
        .values_list(
            "objective__strategy_id", "objective__strategy__map__zooms_into_id", *STATUS_COLUMNS
        )
    )
    today = timezone.localdate()
    rollups = {pk: Rollup() for pk in ids}
    for page_id, zoomed_from_id, *columns in rows:
        judged = status_from_columns(columns, today=today)
        for owner in (page_id, zoomed_from_id):
            if owner in rollups:
                rollups[owner].add(judged)
    return rollups
