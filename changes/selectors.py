"""What the recent changes, their feeds and the watch digest read.

A change is one revision of one strategy page: the page's own version in that
revision (a revision that spans several pages, such as a bulk action or an
import, is one change per page). Each carries its revision's author, comment
and kind (``base.models.RevisionKind``) and the page's previous version, for
the link to its differences on the page's history.
"""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.text import Truncator
from reversion.models import Version

from accounts.people import person_name
from base.models import ChangeKind, RevisionKind
from changes.models import Watch
from strategy.models import Strategy, StrategyMap

# How long a summary may be before it is cut, in characters.
SUMMARY_LENGTH = 140


@dataclass(frozen=True)
class Change:
    """One revision of one page, as the lists show it."""

    version_id: int
    previous_version_id: int | None
    created: datetime.datetime
    author: str
    user_id: int | None
    kind: ChangeKind
    summary: str
    page: Strategy

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def diff_url(self) -> str:
        """Where the history shows what this revision changed (the first: where it lists it)."""
        history = reverse("strategy:strategy-history", args=[self.page.slug])
        if self.previous_version_id is None:
            return f"{history}#revision-{self.version_id}"
        return f"{history}?from={self.previous_version_id}&to={self.version_id}#changes"


def page_versions(pages: QuerySet[Strategy]) -> QuerySet[Version]:
    """The versions of ``pages``, newest first, each with what a ``Change`` shows. One query.

    Joined: the revision, its author and its kind; annotated: the page's
    previous version (``previous_id``), in the order the page's history lists them.
    """
    keys = pages.order_by().annotate(key=Cast("pk", output_field=CharField())).values("key")
    of_pages = Q(content_type__app_label="strategy", content_type__model="strategy")
    # The same page's versions, matched as reversion's unique index reads them.
    previous = (
        Version.objects.filter(
            db=OuterRef("db"),
            content_type=OuterRef("content_type"),
            object_id=OuterRef("object_id"),
        )
        .filter(
            Q(revision__date_created__lt=OuterRef("revision__date_created"))
            | Q(
                revision__date_created=OuterRef("revision__date_created"),
                revision_id__lt=OuterRef("revision_id"),
            )
        )
        .order_by("-revision__date_created", "-revision_id")
        .values("pk")[:1]
    )
    return (
        Version.objects.filter(of_pages, object_id__in=keys)
        .select_related("revision__user", "revision__kind")
        .defer("serialized_data")
        .annotate(previous_id=Subquery(previous))
        .order_by("-revision__date_created", "-revision_id", "-pk")
    )


def of_kind(versions: QuerySet[Version], kind: str) -> QuerySet[Version]:
    """Only the versions recorded by revisions of ``kind``."""
    return versions.filter(revision__kind__kind=kind)


def describe(versions) -> list[Change]:
    """The changes these versions record, their pages read at once. One query for the pages."""
    versions = list(versions)
    pages = Strategy.objects.select_related("map").only("title", "slug", "status", "map__title")
    pages = pages.in_bulk({int(version.object_id) for version in versions})
    changes = []
    for version in versions:
        revision = version.revision
        try:
            kind = ChangeKind(revision.kind.kind)
        except RevisionKind.DoesNotExist:
            kind = ChangeKind.EDIT
        comment = " ".join(revision.get_comment().split())
        changes.append(
            Change(
                version_id=version.pk,
                previous_version_id=version.previous_id,
                created=revision.date_created,
                # No user: written by a command such as the demo loader.
                author=person_name(revision.user, "system"),
                user_id=revision.user_id,
                kind=kind,
                summary=Truncator(comment or kind.label).chars(SUMMARY_LENGTH),
                page=pages[int(version.object_id)],
            )
        )
    return changes


def maps_in_tree_order() -> list[StrategyMap]:
    """Every map, each followed by its zoom maps, with ``depth`` set. One query."""
    maps = list(StrategyMap.objects.only("title", "slug", "parent_id").order_by("title", "pk"))
    children: dict[int | None, list[StrategyMap]] = {}
    for strategy_map in maps:
        children.setdefault(strategy_map.parent_id, []).append(strategy_map)
    ordered: list[StrategyMap] = []
    seen: set[int] = set()

    def visit(strategy_map: StrategyMap, depth: int) -> None:
        if (
            strategy_map.pk in seen
        ):  # clean() refuses cycles; this guards against one written past it
            return
        seen.add(strategy_map.pk)
        strategy_map.depth = depth
        ordered.append(strategy_map)
        for child in children.get(strategy_map.pk, ()):
            visit(child, depth + 1)

    for top in children.get(None, ()):
        visit(top, 0)
    return ordered


def map_and_zoom_maps(chosen: StrategyMap, maps: list[StrategyMap]) -> set[int]:
    """The ids of ``chosen`` and of every map beneath it, from ``maps_in_tree_order()``."""
    ids = {chosen.pk}
    for strategy_map in maps[maps.index(chosen) + 1 :]:
        if strategy_map.depth <= chosen.depth:
            break
        ids.add(strategy_map.pk)
    return ids


# -- Watching ---------------------------------------------------------------------------


def watched_pages(user, pages: QuerySet[Strategy]) -> QuerySet[Strategy]:
    """Which of ``pages`` ``user`` watches: chosen, or managed and not declined (models.py)."""
    choices = Watch.objects.filter(user=user, strategy=OuterRef("pk"))
    return pages.filter(
        Exists(choices.filter(watching=True))
        | (Q(page_manager=user) & ~Exists(choices.filter(watching=False)))
    )


def declined_pages(user, pages: QuerySet[Strategy]) -> QuerySet[Strategy]:
    """Which of ``pages`` ``user`` manages but chose not to watch."""
    return pages.filter(
        page_manager=user,
        pk__in=Watch.objects.filter(user=user, watching=False).values("strategy"),
    )


def is_watching(user, page: Strategy) -> bool:
    """Whether ``user`` watches ``page``. One query for a signed-in person, none otherwise."""
    if not user.is_authenticated:
        return False
    choice = Watch.objects.filter(user=user, strategy=page).values_list("watching", flat=True)
    chosen = choice.first()
    if chosen is None:
        return page.page_manager_id == user.pk
    return chosen
