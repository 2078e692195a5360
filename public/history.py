"""A strategy page's history: its revisions, and readable differences between two of them.

Every revision holds the whole page (the strategy and everything it follows;
see docs/architecture.md, "Revisions"), so the page as it stood at a revision
is the versions in that revision that belong to it. A revision can also hold
other pages (a bulk action, an import), which is why parts are picked by
walking down from the page rather than by model alone.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from reversion.errors import RevertError
from reversion.models import Revision, Version
from reversion.revisions import _get_options

from accounts.people import person_name
from base.revisions import page_objects
from base.textdiff import DiffLine, line_diff
from programs.models import Program
from reviews.models import ExpertAssignment, Review, ReviewMark
from scorecards.models import Action, DataPoint, Measure, Objective
from strategy.models import Band, Strategy, StrategyProgram, StrategyResource

EMPTY = "(none)"


@dataclass(frozen=True)
class PartKind:
    """One kind of part on a page, as the history groups them."""

    key: str
    title: str
    model: type[models.Model]
    parent_field: str  # attname of the foreign key to the page or to the parent part
    parent_kind: str | None = None  # None: the parent is the page itself
    parent_label: str = ""
    # A record of fact (a review, a mark of review): shown in diffs, never restored.
    record: bool = False


# Parents come before their children: the walk in page_state() relies on it.
KINDS: tuple[PartKind, ...] = (
    PartKind("programs", "Promising programs", StrategyProgram, "strategy_id"),
    PartKind(
        "resources",
        "Tools & resources and resources to investigate",
        StrategyResource,
        "strategy_id",
    ),
    PartKind("objectives", "Objectives", Objective, "strategy_id"),
    PartKind("measures", "Measures", Measure, "objective_id", "objectives", "Objective"),
    PartKind("data_points", "Data points", DataPoint, "measure_id", "measures", "Measure"),
    PartKind("actions", "Actions", Action, "objective_id", "objectives", "Objective"),
    PartKind("experts", "Subject-matter experts", ExpertAssignment, "strategy_id"),
    PartKind("reviews", "Reviews", Review, "strategy_id", record=True),
    PartKind("review_marks", "Marked reviewed", ReviewMark, "strategy_id", record=True),
)
KIND_OF_MODEL = {kind.model: kind for kind in KINDS}
KIND = {kind.key: kind for kind in KINDS}


# -- The list of revisions ----------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One revision of a page, as the history lists it."""

    version: Version  # the page's own version in that revision
    created: datetime.datetime
    author: str
    comment: str
    previous: "HistoryEntry | None" = None

    @property
    def version_id(self) -> int:
        return self.version.pk


def page_history(strategy: Strategy) -> list[HistoryEntry]:
    """Every revision of the page, newest first. One query, however many there are."""
    versions = (
        Version.objects.get_for_object(strategy)
        .select_related("revision__user")
        .defer("serialized_data")
        .order_by("-revision__date_created", "-revision_id")
    )
    entries: list[HistoryEntry] = []
    for version in reversed(list(versions)):
        revision = version.revision
        entries.append(
            HistoryEntry(
                version=version,
                created=revision.date_created,
                # No user: written by a command such as the demo loader.
                author=person_name(revision.user, "system"),
                # The admin stores its change messages as JSON; this renders them as text.
                comment=revision.get_comment(),
                previous=entries[-1] if entries else None,
            )
        )
    entries.reverse()
    return entries


# -- A page as it stood at one revision ---------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """One object as a revision stored it."""

    object_id: str
    label: str  # str() of the object when the revision was made
    fields: Mapping[str, Any]  # attname → value


@dataclass
class PageState:
    """The page and its parts at one revision."""

    page: Snapshot
    parts: dict[str, dict[str, Snapshot]]  # kind key → object id → snapshot
    unreadable: int = 0  # stored versions that no longer load (the model changed since)
    # When the revision was recorded; None for the page as it is now.
    recorded_at: datetime.datetime | None = None


@dataclass
class PageVersions:
    """The stored versions that make up the page at one revision."""

    page: Version | None  # None if the page's own version no longer loads
    parts: dict[str, dict[str, Version]]  # kind key → object id → version
    unreadable: int = 0  # stored versions that no longer load (the model changed since)


def _readable(version: Version) -> bool:
    try:
        version.field_dict  # noqa: B018 -- loads and caches the stored fields
    except RevertError:
        return False
    return True


def snapshot(version: Version) -> Snapshot:
    """One stored object as the history reads it."""
    return Snapshot(version.object_id, version.object_repr, version.field_dict)


def page_versions(version: Version) -> PageVersions:
    """The versions of the page and its parts in the revision holding ``version``. One query.

    ``version`` is a version of the page. Parts are found by walking down from
    the page, so other pages' objects in the same revision are left out.
    """
    content_types = ContentType.objects.get_for_models(Strategy, *KIND_OF_MODEL)
    model_of_type = {content_type.pk: model for model, content_type in content_types.items()}
    by_model: dict[type[models.Model], list[Version]] = defaultdict(list)
    for stored in Version.objects.filter(
        revision_id=version.revision_id, content_type__in=content_types.values()
    ):
        by_model[model_of_type[stored.content_type_id]].append(stored)

    unreadable = 0
    page = None
    for stored in by_model[Strategy]:
        if stored.object_id == version.object_id and _readable(stored):
            page = stored
    if page is None:
        unreadable += 1

    parts: dict[str, dict[str, Version]] = {}
    for kind in KINDS:
        parents = {version.object_id} if kind.parent_kind is None else set(parts[kind.parent_kind])
        parts[kind.key] = {}
        for stored in by_model[kind.model]:
            if not _readable(stored):
                unreadable += 1
            elif str(stored.field_dict.get(kind.parent_field)) in parents:
                parts[kind.key][stored.object_id] = stored
    return PageVersions(page=page, parts=parts, unreadable=unreadable)


def page_state(version: Version) -> PageState:
    """The page at the revision holding ``version`` (a version of the page). One query."""
    found = page_versions(version)
    if found.page is None:
        page = Snapshot(version.object_id, version.object_repr, {})
    else:
        page = snapshot(found.page)
    parts = {
        key: {object_id: snapshot(stored) for object_id, stored in stored_parts.items()}
        for key, stored_parts in found.parts.items()
    }
    return PageState(
        page=page,
        parts=parts,
        unreadable=found.unreadable,
        recorded_at=version.revision.date_created,
    )


def live_state(strategy: Strategy) -> PageState:
    """The page as it is now, in the shape of ``page_state``: one query per kind of part."""
    parts: dict[str, dict[str, Snapshot]] = {kind.key: {} for kind in KINDS}
    page = None
    objects = page_objects(strategy)
    _load_named_rows([obj for obj in objects if not isinstance(obj, Strategy)])
    for obj in objects:
        snapshot = Snapshot(str(obj.pk), str(obj), _stored_fields(obj))
        if isinstance(obj, Strategy):
            page = snapshot
        else:
            parts[KIND_OF_MODEL[type(obj)].key][snapshot.object_id] = snapshot
    return PageState(page=page, parts=parts)


def _load_named_rows(objects: list[models.Model]) -> None:
    """Cache the rows the objects' names read (a link's program, a review's reviewer…).

    One query per foreign key, whatever the number of objects; parents are
    cached already.
    """
    wanted: dict[models.Field, list[models.Model]] = defaultdict(list)
    for obj in objects:
        for model_field in obj._meta.concrete_fields:
            if (
                model_field.many_to_one
                and model_field.related_model is not Revision
                and getattr(obj, model_field.attname) is not None
                and not model_field.is_cached(obj)
            ):
                wanted[model_field].append(obj)
    for model_field, holders in wanted.items():
        rows = model_field.related_model._default_manager.in_bulk(
            {getattr(obj, model_field.attname) for obj in holders}
        )
        for obj in holders:
            model_field.set_cached_value(obj, rows.get(getattr(obj, model_field.attname)))


def _stored_fields(obj: models.Model) -> dict[str, Any]:
    """The fields a revision stores of ``obj``, as ``Version.field_dict`` gives them."""
    selected = _get_options(type(obj)).fields
    fields = {}
    for model_field in (*obj._meta.concrete_fields, *obj._meta.many_to_many):
        if model_field.name not in selected:
            continue
        if model_field.many_to_many:
            fields[model_field.attname] = [
                related.pk for related in getattr(obj, model_field.name).all()
            ]
        else:
            fields[model_field.attname] = getattr(obj, model_field.attname)
    return fields


# -- Differences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: str
    new: str
    lines: tuple[DiffLine, ...] = ()  # set for long text, shown line by line


@dataclass(frozen=True)
class PartSummary:
    label: str
    context: str = ""  # the objective or measure it belongs to
    text: str = ""  # what it says, when that is the part (a review's comments)


@dataclass(frozen=True)
class PartChange:
    label: str
    context: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class SectionDiff:
    title: str
    added: tuple[PartSummary, ...]
    removed: tuple[PartSummary, ...]
    changed: tuple[PartChange, ...]


@dataclass(frozen=True)
class PageDiff:
    page_label: str = ""
    page_changes: tuple[FieldChange, ...] = ()
    sections: tuple[SectionDiff, ...] = ()  # only kinds with a difference
    unreadable: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.page_changes and not self.sections

    @property
    def groups(self) -> tuple[SectionDiff, ...]:
        """The page's own fields as a first group, so one template renders every change."""
        if not self.page_changes:
            return self.sections
        page = PartChange(self.page_label, "", self.page_changes)
        return (SectionDiff("The page", (), (), (page,)), *self.sections)


def _shown_fields(model: type[models.Model]) -> list[models.Field]:
    """Fields a reader cares about: what an author edits, except the link to the page."""
    kind = KIND_OF_MODEL.get(model)
    hidden = {"strategy_id"} if kind is not None and kind.parent_kind is None else set()
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return [
        f
        for f in fields
        if f.editable
        and not f.primary_key
        and f.attname not in hidden
        # Bookkeeping, such as the revision a reviewer read.
        and f.related_model is not Revision
    ]


def _comparable(model_field: models.Field, value: Any) -> Any:
    if model_field.many_to_many:
        return frozenset(value or ())
    if isinstance(model_field, models.TextField) and value:
        # A browser sends CRLF; a change of line endings alone is no change to a reader.
        return "\n".join(value.splitlines())
    return None if value == "" else value


RawChanges = list[tuple[models.Field, Any, Any]]


def _raw_changes(model: type[models.Model], old: Mapping, new: Mapping) -> RawChanges:
    changes = []
    for model_field in _shown_fields(model):
        before = _comparable(model_field, old.get(model_field.attname))
        after = _comparable(model_field, new.get(model_field.attname))
        if before != after:
            changes.append((model_field, before, after))
    return changes


def _related_ids(model_field: models.Field, value: Any) -> Iterable[Any]:
    if value is None or not model_field.is_relation:
        return ()
    return value if model_field.many_to_many else (value,)


def _load_names(wanted: Mapping[type[models.Model], set]) -> dict[type[models.Model], dict]:
    """Current names of related objects: one query per model."""
    user_model = get_user_model()
    names: dict[type[models.Model], dict] = {}
    for model, ids in wanted.items():
        queryset = model._default_manager.filter(pk__in=ids)
        if model is Band:
            queryset = queryset.select_related("map")  # a band is named "Map: Band"
        if model is user_model:
            names[model] = {user.pk: person_name(user, "") for user in queryset}
        else:
            names[model] = {obj.pk: str(obj) for obj in queryset}
    return names


class _Formatter:
    """Shows stored values the way a reader knows them."""

    def __init__(self, names: Mapping[type[models.Model], dict], states: Iterable[PageState]):
        self.names = names
        self.states = tuple(states)

    def part_label(self, kind_key: str, object_id: Any) -> str:
        for state in self.states:
            snapshot = state.parts[kind_key].get(str(object_id))
            if snapshot is not None:
                return snapshot.label
        return f"id {object_id}"

    def related(self, model: type[models.Model], pk: Any) -> str:
        kind = KIND_OF_MODEL.get(model)
        if kind is not None:
            return self.part_label(kind.key, pk)
        name = self.names.get(model, {}).get(pk)
        return name if name is not None else f"id {pk} (deleted)"

    def value(self, model_field: models.Field, value: Any) -> str:
        if value is None or value == "" or value == frozenset():
            return EMPTY
        if model_field.many_to_many:
            names = [self.related(model_field.related_model, pk) for pk in value]
            return ", ".join(sorted(names, key=str.casefold))
        if model_field.is_relation:
            return self.related(model_field.related_model, value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, Decimal):
            return _number(value)
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "M j, Y, g:i a")
        if isinstance(value, datetime.date):
            return date_format(value, "M j, Y")
        return str(value)

    def changes(self, raw: RawChanges) -> tuple[FieldChange, ...]:
        result = []
        for model_field, before, after in raw:
            name = capfirst(model_field.verbose_name)
            old, new = self.value(model_field, before), self.value(model_field, after)
            if isinstance(model_field, models.TextField):
                lines = line_diff(before or "", after or "")
                result.append(FieldChange(name, old, new, lines))
            else:
                result.append(FieldChange(name, old, new))
        return tuple(result)

    def label(self, kind: PartKind, snapshot: Snapshot) -> str:
        if kind.model is StrategyProgram:
            return self.related(Program, snapshot.fields.get("program_id"))
        if kind.model is DataPoint:
            value = snapshot.fields.get("value")
            return (
                f"{snapshot.fields.get('period')}: {_number(value) if value is not None else EMPTY}"
            )
        return snapshot.label

    def context(self, kind: PartKind, snapshot: Snapshot) -> str:
        if kind.parent_kind is None:
            return ""
        parent = self.part_label(kind.parent_kind, snapshot.fields.get(kind.parent_field))
        return f"{kind.parent_label}: {parent}"

    def summary(self, kind: PartKind, snapshot: Snapshot) -> PartSummary:
        text = (snapshot.fields.get("comments") or "") if kind.model is Review else ""
        return PartSummary(self.label(kind, snapshot), self.context(kind, snapshot), text)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _order_key(snapshot: Snapshot) -> tuple:
    order = snapshot.fields.get("order") or 0
    return (order, int(snapshot.object_id) if snapshot.object_id.isdigit() else 0)


def _made_after(snapshot: Snapshot, when: datetime.datetime | None) -> bool:
    """Whether a record was made after ``when``.

    Revisions recorded before reviews were part of a page's revision hold
    none; a review made before such a revision was not added after it.
    """
    made = snapshot.fields.get("created_at")
    return when is None or made is None or made > when


def diff_states(old: PageState, new: PageState) -> PageDiff:
    """What changed on the page between two states.

    Names of related objects (programs, people, partners…) are their current
    names, one query per related model, whatever the size of the page.
    """
    page_raw = _raw_changes(Strategy, old.page.fields, new.page.fields)
    per_kind = []
    for kind in KINDS:
        before, after = old.parts[kind.key], new.parts[kind.key]
        new_ids = after.keys() - before.keys()
        if kind.record:
            new_ids = {i for i in new_ids if _made_after(after[i], old.recorded_at)}
        added = sorted((after[i] for i in new_ids), key=_order_key)
        removed = sorted((before[i] for i in before.keys() - after.keys()), key=_order_key)
        changed = []
        for object_id in sorted(after.keys() & before.keys(), key=lambda i: _order_key(after[i])):
            raw = _raw_changes(kind.model, before[object_id].fields, after[object_id].fields)
            if raw:
                changed.append((after[object_id], raw))
        per_kind.append((kind, added, removed, changed))

    wanted: dict[type[models.Model], set] = defaultdict(set)
    all_raw = [page_raw, *(raw for *_, changed in per_kind for _, raw in changed)]
    for raw in all_raw:
        for model_field, before, after in raw:
            if model_field.is_relation and model_field.related_model not in KIND_OF_MODEL:
                wanted[model_field.related_model].update(_related_ids(model_field, before))
                wanted[model_field.related_model].update(_related_ids(model_field, after))
    for kind, added, removed, changed in per_kind:
        if kind.model is StrategyProgram:
            shown = [*added, *removed, *(snapshot for snapshot, _ in changed)]
            wanted[Program].update(snapshot.fields.get("program_id") for snapshot in shown)
    formatter = _Formatter(_load_names({m: ids for m, ids in wanted.items() if ids}), (new, old))

    sections = []
    for kind, added, removed, changed in per_kind:
        if not (added or removed or changed):
            continue
        sections.append(
            SectionDiff(
                title=kind.title,
                added=tuple(formatter.summary(kind, snapshot) for snapshot in added),
                removed=tuple(formatter.summary(kind, snapshot) for snapshot in removed),
                changed=tuple(
                    PartChange(
                        formatter.label(kind, snapshot),
                        formatter.context(kind, snapshot),
                        formatter.changes(raw),
                    )
                    for snapshot, raw in changed
                ),
            )
        )
    return PageDiff(
        page_label=new.page.label,
        page_changes=formatter.changes(page_raw),
        sections=tuple(sections),
        unreadable=old.unreadable + new.unreadable,
    )


# -- Comparing two revisions from the query string -------------------------------------------


class UnknownRevision(Exception):
    """A version id that is not a revision of this page."""


@dataclass(frozen=True)
class Comparison:
    old: HistoryEntry
    new: HistoryEntry
    diff: PageDiff = field(default_factory=PageDiff)


def _find(entries: Iterable[HistoryEntry], raw_id: str | None) -> HistoryEntry:
    try:
        version_id = int(raw_id or "")
    except ValueError:
        raise UnknownRevision from None
    for entry in entries:
        if entry.version_id == version_id:
            return entry
    raise UnknownRevision


def compare(entries: list[HistoryEntry], from_id: str | None, to_id: str | None) -> Comparison:
    """The diff between two of ``entries``, named by version id as typed in a URL.

    Raises ``UnknownRevision`` unless both ids are revisions in ``entries``.
    Two queries for the revisions, then one per kind of related object named.
    """
    old, new = _find(entries, from_id), _find(entries, to_id)
    if old.version_id == new.version_id:
        return Comparison(old, new)
    return Comparison(old, new, diff_states(page_state(old.version), page_state(new.version)))
