"""Importing the old strategy wiki from a MediaWiki XML export: ``import_dump``.

The export is read twice, streaming, never whole:

1. **Index.** Every page's title, namespace and breadcrumb ("Return to …"
   line); the text of the map pages; and the links (not the text) of pages
   that name no map, which may be the pages of links a strategy page lists
   as one resource (the old "TR - …" pages). A malformed file fails here,
   before anything is written.
2. **Pages.** With the map tree planned (``_plan``), the maps, their bands
   and the strategies they list are written, then each strategy page's
   content as the file goes by, one revision per page.

Everything runs in one transaction: a failing page stops the import with an
error naming it and leaves the database as it was, unless ``keep_going``, in
which case that page alone is rolled back and reported. ``dry_run`` rolls
everything back at the end and returns the same report.

Matching makes a second run of the same file change nothing: maps and pages
by slug, programs by a normalised name (``program_key``), resources by
address (else title), the parts of a page by their name on that page.

The import merges; it never silently replaces local work. Each object it
writes gets an ``ImportRecord`` (the wiki page, its revision, a digest per
field), and a later import changes a field only while it still has the digest
of what the import last wrote; content it did not write takes only what fills
an empty field. Anything else it leaves as it is and reports, as a conflict or
a difference, with both texts. A strategy the site has keeps its place on its
map. Nothing is ever deleted, and an empty section never clears a field. The
report lists every change, field by field, page by page (docs/architecture.md,
"Importing from MediaWiki").
"""

import datetime
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace

import reversion
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import connections, router, transaction
from django.db.models import Model, Q
from django.db.models.fields.related_descriptors import (
    ManyToManyDescriptor,
    ReverseManyToOneDescriptor,
    ReverseOneToOneDescriptor,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.encoding import force_str
from django.utils.text import capfirst, slugify
from reversion.models import Revision, Version
from reversion.revisions import _follow_relations, _get_content_type, _get_options
from reversion.signals import post_revision_commit, pre_revision_commit

from accounts.rules import is_editor
from base.revisions import ChangeKind, recorded_change
from base.textdiff import DiffLine, line_diff
from mediawiki.dump import SUPPORTED_VERSIONS, DumpError, DumpPage, Source, WikiDump
from mediawiki.models import ImportRecord, value_digest
from mediawiki.reader import (
    OTHER_NOTES_HEADING,
    MapRef,
    ParsedPage,
    WikitextError,
    breadcrumb,
    escape_markdown,
    is_top_level_title,
    map_ref,
    normalize_title,
    parse_map_page,
    parse_resource_list,
    parse_strategy_page,
    program_key,
    shorten,
    title_key,
    without_credentials,
    zoom_subject,
)
from programs.models import Program, Resource
from reviews.models import ExpertAssignment, Review
from reviews.services import refresh_review_date
from scorecards.models import Action, DataSource, Measure, Objective, Partner
from strategy.models import (
    Band,
    Strategy,
    StrategyMap,
    StrategyProgram,
    StrategyResource,
)

FALLBACK_BAND = "Other strategies"
DEFAULT_TOP_TITLE = "Top-Level Strategy Map"
NO_COMMENTS = "(No comments in the wiki.)"
KINDS = (
    "maps",
    "bands",
    "pages",
    "programs",
    "resources",
    "objectives",
    "measures",
    "data sources",
    "actions",
    "partners",
    "experts",
    "reviews",
)
# Called with (pages read, None) while the file is indexed, then (pages done, total).
Progress = Callable[[int, int | None], None]


class ImportFailed(Exception):
    """The import stopped and wrote nothing; the message names the file or the page."""

    def __init__(self, message: str, *, page: str | None = None):
        super().__init__(message)
        self.message = message
        self.page = page


@dataclass(frozen=True)
class PageNote:
    title: str
    message: str

    def __str__(self):
        return f"“{self.title}”: {self.message}"


@dataclass(frozen=True)
class FieldDiff:
    """One field of one object: its value here (``old``) and the wiki's (``new``).

    ``lines`` is the line-by-line difference of a long text, as the page
    history shows it.
    """

    name: str
    old: str
    new: str
    lines: tuple[DiffLine, ...] = ()


@dataclass
class ObjectChange:
    """An object the import creates or changes, with the fields it writes."""

    kind: str  # "page", "map", "program link", …
    label: str
    created: bool
    fields: list[FieldDiff] = field(default_factory=list)

    @property
    def action(self) -> str:
        return "Create" if self.created else "Change"


@dataclass(frozen=True)
class KeptField:
    """A field left as it is here although the wiki says otherwise.

    ``conflict``: changed here since the import last wrote it. Otherwise the
    import never wrote it (content made here): local content wins.
    """

    kind: str
    label: str
    field: FieldDiff
    conflict: bool


@dataclass
class PageChanges:
    """Everything the import does, or leaves, for one wiki page."""

    title: str
    changes: list[ObjectChange] = field(default_factory=list)
    kept: list[KeptField] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)

    @property
    def conflicts(self) -> list[KeptField]:
        return [kept for kept in self.kept if kept.conflict]

    @property
    def differences(self) -> list[KeptField]:
        return [kept for kept in self.kept if not kept.conflict]

    def __bool__(self) -> bool:
        return bool(self.changes or self.kept or self.matches)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    source: str
    dry_run: bool = False
    publish: bool = False
    version: str = ""
    pages_read: int = 0
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    pages_imported: int = 0
    pages_unchanged: int = 0
    under_construction: list[str] = field(default_factory=list)
    title_only: list[str] = field(default_factory=list)
    skipped: list[PageNote] = field(default_factory=list)
    failed: list[PageNote] = field(default_factory=list)
    warnings: list[PageNote] = field(default_factory=list)
    # Page by page (wiki title → its changes), in the order the import reached them.
    by_page: dict[str, PageChanges] = field(default_factory=dict)

    @property
    def changed_anything(self) -> bool:
        return bool(+self.created or +self.updated)

    @property
    def pages(self) -> list[PageChanges]:
        """The pages with a change, a field left as it is here, or a match to report."""
        return [page for page in self.by_page.values() if page]

    @property
    def conflicts(self) -> list[KeptField]:
        return [kept for page in self.by_page.values() for kept in page.conflicts]

    @property
    def differences(self) -> list[KeptField]:
        return [kept for page in self.by_page.values() for kept in page.differences]

    def page(self, title: str) -> PageChanges:
        return self.by_page.setdefault(title, PageChanges(title))

    def warn(self, title: str, message: str) -> None:
        note = PageNote(title, message)
        if note not in self.warnings:
            self.warnings.append(note)

    def rows(self) -> list[tuple[str, int, int]]:
        return [(kind, self.created[kind], self.updated[kind]) for kind in KINDS]

    def headline(self) -> str:
        version = f" (MediaWiki export {self.version})" if self.version else ""
        pages = f"{self.pages_read} page{'' if self.pages_read == 1 else 's'} read"
        if self.dry_run:
            return f"Dry run of {self.source}{version}: {pages}. Nothing was saved."
        return f"Imported {self.source}{version}: {pages}."

    def kept_summary(self) -> str:
        conflicts, differences = len(self.conflicts), len(self.differences)
        return (
            f"Kept as they are here: {conflicts} field{'' if conflicts == 1 else 's'} changed "
            f"here since the last import (conflicts), {differences} field"
            f"{'' if differences == 1 else 's'} of content the import did not write "
            "(differences)."
        )

    def lines(self) -> list[str]:
        out = [self.headline(), "", f"  {'':<14}{'created':>8}{'updated':>9}"]
        out += [f"  {kind:<14}{created:>8}{updated:>9}" for kind, created, updated in self.rows()]
        out += [
            "",
            f"Strategy pages in the file: {self.pages_imported} imported, "
            f"{self.pages_unchanged} of them unchanged.",
            self.kept_summary(),
        ]
        if self.under_construction:
            state = (
                "published as “Under construction”"
                if self.publish
                else "drafts; --publish shows them as “Under construction”"
            )
            out.append(f"Under construction ({state}): " + "; ".join(self.under_construction) + ".")
        if self.title_only:
            out.append(
                f"Listed on a map without a page in the file ({len(self.title_only)}; a new one "
                "has its title only): " + "; ".join(self.title_only) + "."
            )
        pages = self.pages
        if pages:
            done = (
                "would change and what it would leave as it is"
                if self.dry_run
                else "changed and what it left as it is"
            )
            out += ["", f"Page by page, what the import {done}:"]
            for page in pages:
                out += ["", *_page_lines(page)]
        for heading, notes in (
            ("Skipped", self.skipped),
            ("Failed, not imported", self.failed),
            ("Could not place", self.warnings),
        ):
            if notes:
                out += ["", f"{heading} ({len(notes)}):"]
                out += [f"  - {note}" for note in notes]
        if not (self.skipped or self.failed or self.warnings):
            out += ["", "Everything in the file found its place."]
        return out

    def __str__(self):
        return "\n".join(self.lines())


def _value_lines(label: str, text: str, indent: str) -> list[str]:
    lines = text.splitlines() or [""]
    return [
        f"{indent}{label} {lines[0]}".rstrip(),
        *(f"{indent}{' ' * len(label)} {line}".rstrip() for line in lines[1:]),
    ]


def _diff_lines(diff: FieldDiff, indent: str) -> list[str]:
    if not diff.lines:
        return [*_value_lines("was:", diff.old, indent), *_value_lines("now:", diff.new, indent)]
    marks = {"added": "+ ", "removed": "- ", "same": "  "}
    return [
        f"{indent}… {line.skipped} unchanged line{'' if line.skipped == 1 else 's'} …"
        if line.kind == "skipped"
        else f"{indent}{marks[line.kind]}{line.text}"
        for line in diff.lines
    ]


def _page_lines(page: PageChanges) -> list[str]:
    out = [f"“{page.title}”"]
    for match in page.matches:
        out.append(f"  Matched: {match}")
    for change in page.changes:
        out.append(f"  {change.action} {change.kind} “{change.label}”")
        for diff in change.fields:
            if change.created:
                out += _value_lines(f"{diff.name}:", diff.new, "    ")
                continue
            out.append(f"    {diff.name}:")
            out += _diff_lines(diff, "      ")
    for heading, kept in (
        ("Conflict, kept as it is here (changed here since the last import)", page.conflicts),
        ("Kept as it is here (content the import did not write)", page.differences),
    ):
        for item in kept:
            out.append(f"  {heading}: {item.kind} “{item.label}”, {item.field.name}")
            out += _value_lines("here:", item.field.old, "      ")
            out += _value_lines("wiki:", item.field.new, "      ")
    return out


def import_dump(
    *,
    source: Source,
    publish: bool = False,
    keep_going: bool = False,
    dry_run: bool = False,
    user=None,
    progress: Progress | None = None,
    max_pages: int | None = None,
) -> ImportReport:
    """Import a MediaWiki XML export of the old strategy wiki. Raises ImportFailed.

    ``source`` is a path or a binary file object that can be read from the
    start again. Pages are created as drafts unless ``publish``. Each page's
    changes are one revision by ``user`` (None: "system"); a run that changes
    nothing records none. ``max_pages`` refuses a file with more strategy pages
    than that (the admin's limit, since a request cannot run for long).
    An import may change every page, so a ``user`` must be an editor.
    """
    if user is not None and not is_editor(user):
        raise PermissionDenied("Only editors import from MediaWiki: it may change every page.")
    dump = WikiDump(source)
    report = ImportReport(source=dump.name, dry_run=dry_run, publish=publish)
    importer = _Importer(
        dump=dump, report=report, user=user, publish=publish, keep_going=keep_going
    )
    try:
        importer.index(progress)
        pages = sum(1 for place in importer.plan.places.values() if place.has_page)
        if max_pages is not None and pages > max_pages:
            raise ImportFailed(
                f"The file holds {pages} strategy pages; here at most {max_pages} are imported "
                "at a time. Import it on the server with “python manage.py import_mediawiki "
                "FILE.xml”, or export fewer pages. Nothing was imported."
            )
        with transaction.atomic():
            importer.write(progress)
            if dry_run:
                transaction.set_rollback(True)
    except DumpError as error:
        raise ImportFailed(str(error)) from error
    return report


# The first pass: an index of the dump -----------------------------------------------------


@dataclass
class _Index:
    total: int = 0
    articles: dict[str, str] = field(default_factory=dict)  # key → title, in file order
    redirects: dict[str, str] = field(default_factory=dict)
    top: DumpPage | None = None
    zooms: list[DumpPage] = field(default_factory=list)
    crumbs: dict[str, list[MapRef]] = field(default_factory=dict)
    lists: dict[str, ParsedPage] = field(default_factory=dict)

    def resolve(self, title: str) -> str:
        """The title a link lands on, following redirects."""
        title = normalize_title(title)
        for _hop in range(5):
            target = self.redirects.get(title_key(title))
            if not target:
                break
            title = normalize_title(target)
        return title

    def map_key(self, ref: MapRef) -> str:
        return "top" if ref.zoom_of is None else "zoom:" + title_key(self.resolve(ref.zoom_of))

    @property
    def map_pages(self) -> set[str]:
        pages = [self.top, *self.zooms] if self.top else self.zooms
        return {title_key(page.title) for page in pages}


# The plan: maps, bands and where each strategy sits ---------------------------------------


@dataclass
class _MapPlan:
    key: str
    title: str
    page: DumpPage | None = None
    zoom_of: str | None = None
    parent: str | None = None
    zooms_into: str | None = None  # a strategy's key
    bands: list[tuple[str, list[str]]] = field(default_factory=list)
    implied_by: str = ""
    implied_parent: str = "top"
    slug: str = ""

    @property
    def name(self) -> str:
        return self.page.title if self.page else self.title

    def band(self, title: str) -> list[str]:
        for band_title, keys in self.bands:
            if band_title.casefold() == title.casefold():
                return keys
        self.bands.append((title, []))
        return self.bands[-1][1]


@dataclass
class _Place:
    key: str
    title: str
    map_key: str
    band: str
    position: int
    has_page: bool = False
    slug: str = ""


@dataclass
class _Plan:
    maps: dict[str, _MapPlan] = field(default_factory=dict)
    places: dict[str, _Place] = field(default_factory=dict)
    # (map page, zoom map linked, strategy key) for every "Zoom Map" link on a map page
    zoom_links: list[tuple[str, MapRef, str]] = field(default_factory=list)

    def place(self, title: str, map_key: str, band: str) -> _Place:
        keys = self.maps[map_key].band(band)
        place = _Place(title_key(title), title, map_key, band, len(keys))
        keys.append(place.key)
        self.places[place.key] = place
        return place

    def ordered_maps(self) -> list[_MapPlan]:
        """Parents before their zoom maps."""
        ordered, seen = [], set()
        frontier = [m for m in self.maps.values() if m.parent is None]
        while frontier:
            ordered.extend(frontier)
            seen.update(m.key for m in frontier)
            frontier = [m for m in self.maps.values() if m.key not in seen and m.parent in seen]
        return ordered


def _unique_slug(title: str, taken: set[str], fallback: str) -> str:
    base = slugify(title)[:200].strip("-") or fallback
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = base[: 200 - len(suffix)].rstrip("-") + suffix
        number += 1
    taken.add(slug)
    return slug


def _free_slug(model: type[Model], name: str, fallback: str) -> str:
    """A slug for a new ``model`` row named ``name`` that no row has yet."""
    taken = set(
        model._default_manager.filter(slug__startswith=slugify(name)[:190]).values_list(
            "slug", flat=True
        )
    )
    return _unique_slug(name, taken, fallback)


# The importer ------------------------------------------------------------------------------


class _UnitRevision:
    """The revision of a unit of work that creates its page or map, written when the unit ends.

    It holds what django-reversion would record for the same writes, in the
    same order: every registered row the unit saves (or whose many-to-many
    links it changes) and the rows those follow, each as it stands at the
    end. Each row is serialized once, the versions are stored in one insert,
    and a row the unit created is not queried for the rows it follows: they
    all hold a key to it, so the unit wrote and recorded them itself. A row
    that was there before has its followed rows read, as reversion does.
    """

    def __init__(self):
        self.using = router.db_for_write(Revision)
        self.rows: dict[tuple[object, str], Model] = {}
        self.created: set[tuple[object, str]] = set()

    def _key(self, obj) -> tuple[object, str]:
        options = _get_options(type(obj))
        return (
            _get_content_type(type(obj), self.using),
            force_str(getattr(obj, options.object_id_field)),
        )

    def record(self, obj, *, created: bool = False) -> None:
        """``obj`` was saved (``created``: inserted) or its many-to-many links changed."""
        if obj.pk is None or not reversion.is_registered(type(obj)):
            return
        if created:
            self.created.add(self._key(obj))
        self._add(obj, explicit=True)

    def _add(self, obj, *, explicit: bool) -> None:
        if obj.pk is None:
            return
        key = self._key(obj)
        if key in self.rows and not explicit:
            return
        self.rows[key] = obj
        if key in self.created and _follows_only_rows_pointing_to_it(type(obj)):
            return
        for related in _follow_relations(obj):
            self._add(related, explicit=False)

    def store(self) -> None:
        """One revision of the recorded rows, by the author and with the comment of the change."""
        if not self.rows or transaction.get_rollback(self.using):
            return
        versions = []
        for obj in self.rows.values():
            options = _get_options(type(obj))
            content_type, object_id = self._key(obj)
            versions.append(
                Version(
                    content_type=content_type,
                    object_id=object_id,
                    db=router.db_for_write(type(obj), instance=obj),
                    format=options.format,
                    serialized_data=serializers.serialize(
                        options.format,
                        (obj,),
                        fields=options.fields,
                        use_natural_foreign_keys=options.use_natural_foreign_keys,
                    ),
                    object_repr=force_str(obj),
                )
            )
        revision = Revision(
            date_created=reversion.get_date_created(),
            user=reversion.get_user(),
            comment=reversion.get_comment(),
        )
        pre_revision_commit.send(
            sender=reversion.create_revision, revision=revision, versions=versions
        )
        revision.save(using=self.using)
        for version in versions:
            version.revision = revision
        if connections[self.using].features.can_return_rows_from_bulk_insert:
            Version.objects.using(self.using).bulk_create(versions)
        else:
            for version in versions:
                version.save(using=self.using)
        post_revision_commit.send(
            sender=reversion.create_revision, revision=revision, versions=versions
        )


@functools.cache
def _follows_only_rows_pointing_to_it(model) -> bool:
    """Whether every relation a revision follows from ``model`` is rows with a key to it."""
    for name in _get_options(model).follow:
        descriptor = getattr(model, name, None)
        if isinstance(descriptor, ManyToManyDescriptor) or not isinstance(
            descriptor, ReverseManyToOneDescriptor | ReverseOneToOneDescriptor
        ):
            return False
    return True


class _Tally:
    """What one unit of work (a map, a page) changed; merged into the report if it succeeds."""

    def __init__(self, title: str, page: DumpPage | None = None):
        self.title = title
        self.page = page  # the wiki page the unit writes from, for the import records
        self.created: Counter = Counter()
        self.updated: Counter = Counter()
        self.warnings: list[str] = []
        self.pages_created: set[int] = set()
        self.pages_updated: set[int] = set()
        self.placed: list[str] = []  # strategies this unit wrote, forgotten if it fails
        # The unit's revision while it runs, when the unit records it itself.
        self.revision: _UnitRevision | None = None
        self.changes: list[ObjectChange] = []
        self.kept: list[KeptField] = []
        self.matches: list[str] = []
        # Digests of the fields the unit wrote, per object, stored when it ends.
        self.written: dict[tuple[type, int], tuple[Model, dict[str, str]]] = {}

    def wrote(self, obj, names) -> None:
        _, digests = self.written.setdefault((type(obj), obj.pk), (obj, {}))
        digests.update((name, value_digest(getattr(obj, name))) for name in names)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or self.pages_created or self.pages_updated)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
                for name, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    return str(error) or error.__class__.__name__


class _Importer:
    def __init__(self, *, dump: WikiDump, report: ImportReport, user, publish, keep_going):
        self.dump = dump
        self.report = report
        self.user = user
        self.publish = publish
        self.keep_going = keep_going
        self.comment = f"Imported from MediaWiki ({dump.name})"
        self.idx = _Index()
        self.plan = _Plan()
        self.map_objects: dict[str, StrategyMap] = {}
        self.strategies: dict[str, Strategy] = {}
        self.created_pages: set[int] = set()
        self.updated_pages: set[int] = set()
        self.failed_maps: set[str] = set()
        self.used_lists: set[str] = set()
        self.imported: set[str] = set()
        self.people_cache: dict[str, object] = {}
        # Shared library rows (programs, resources, partners, data sources) by what
        # they are matched on: one query per row per run, not one per mention.
        self.library: dict[tuple[str, str], object] = {}
        # Programs by their normalised name (program_key), loaded once.
        self.program_index: dict[str, Program] | None = None
        # Library rows whose fields this run has merged: a program named on two pages
        # takes the first page's text, not each in turn.
        self.merged: set[tuple[type, int]] = set()
        # Import records by (model, pk); None when the object has none.
        self.records: dict[tuple[type, int], ImportRecord | None] = {}
        self.new_maps: set[int] = set()  # maps this run created: their bands follow the file

    # Pass 1 ------------------------------------------------------------------------------

    def index(self, progress: Progress | None = None) -> None:
        idx, report = self.idx, self.report
        for page in self.dump.pages():
            idx.total += 1
            if progress:
                progress(idx.total, None)
            title = page.title
            if not page.is_article:
                report.skipped.append(
                    PageNote(title, f"not an article (namespace {page.namespace})")
                )
                continue
            if page.redirect:
                idx.redirects[title_key(title)] = page.redirect
                report.skipped.append(PageNote(title, f"a redirect to “{page.redirect}”"))
                continue
            if page.model != "wikitext":
                report.skipped.append(PageNote(title, f"its content is {page.model}, not wikitext"))
                continue
            if page.text is None:
                report.skipped.append(
                    PageNote(title, "its text is not in the file (deleted, or a stub export)")
                )
                continue
            key = title_key(title)
            if key in idx.articles:
                report.skipped.append(PageNote(title, "a second page with this title"))
                continue
            idx.articles[key] = title
            if zoom_subject(title):
                idx.zooms.append(page)
            elif is_top_level_title(title) and idx.top is None:
                idx.top = page
            elif is_top_level_title(title):
                report.skipped.append(
                    PageNote(title, f"a second top-level map page; “{idx.top.title}” is the map")
                )
                del idx.articles[key]
                continue
            crumbs = breadcrumb(page.text)
            if crumbs:
                idx.crumbs[key] = crumbs
            elif key not in idx.map_pages:
                # Perhaps a page of links that a strategy page lists as one resource
                # (the old "TR - …" pages): keep its links, not its text.
                # One that cannot be parsed is listed by its title, like a page not in the file.
                with suppress(WikitextError):
                    idx.lists[key] = parse_resource_list(title, page.text, "tools")
        report.pages_read = idx.total
        report.version = self.dump.version
        if idx.total == 0:
            raise ImportFailed(
                "The file is a MediaWiki export with no pages in it. Nothing was imported."
            )
        if report.version and report.version not in SUPPORTED_VERSIONS:
            report.warn(
                self.dump.name,
                f"export schema {report.version}; this importer is written for "
                f"{' and '.join(SUPPORTED_VERSIONS)}",
            )
        self._plan()

    def _plan(self) -> None:
        idx, plan, report = self.idx, self.plan, self.report
        top_title = idx.top.title if idx.top else None
        if top_title is None:
            top_title = next(
                (r.title for refs in idx.crumbs.values() for r in refs if r.zoom_of is None),
                DEFAULT_TOP_TITLE,
            )
        plan.maps["top"] = _MapPlan(key="top", title=top_title, page=idx.top)
        listings = []
        if idx.top:
            listings.append((plan.maps["top"], parse_map_page(idx.top.title, idx.top.text)))
        for page in idx.zooms:
            subject = idx.resolve(zoom_subject(page.title))
            key = "zoom:" + title_key(subject)
            if key in plan.maps:
                report.skipped.append(
                    PageNote(page.title, f"a second zoom map of “{subject}”; the first is used")
                )
                continue
            plan.maps[key] = _MapPlan(key=key, title=subject, page=page, zoom_of=subject)
            listings.append((plan.maps[key], parse_map_page(page.title, page.text)))

        for strategy_map, parsed in listings:
            for message in parsed.warnings:
                report.warn(strategy_map.name, message)
            for band, entries in parsed.bands:
                for entry in entries:
                    title = idx.resolve(entry.title)
                    key = title_key(title)
                    if strategy_map.zoom_of and key == title_key(strategy_map.zoom_of):
                        continue  # the strategy this zoom map details
                    if key in idx.map_pages:
                        report.warn(strategy_map.name, f"“{title}” is a map, not a strategy")
                        continue
                    if key in plan.places:
                        where = plan.maps[plan.places[key].map_key]
                        if where is not strategy_map:
                            report.warn(
                                strategy_map.name,
                                f"“{title}” is also listed on “{where.name}”; it stays there",
                            )
                        continue
                    place = plan.place(title, strategy_map.key, band)
                    if entry.zoom:
                        plan.zoom_links.append((strategy_map.name, entry.zoom, place.key))

        # Zoom maps a breadcrumb names but the file does not hold.
        for page_key, refs in idx.crumbs.items():
            previous = "top"
            for ref in refs:
                key = idx.map_key(ref)
                if key != "top" and key not in plan.maps and key != "zoom:" + page_key:
                    subject = idx.resolve(ref.zoom_of)
                    plan.maps[key] = _MapPlan(
                        key=key,
                        title=subject,
                        zoom_of=subject,
                        implied_by=idx.articles[page_key],
                        implied_parent=previous,
                    )
                previous = key

        for strategy_map in list(plan.maps.values()):
            if strategy_map.zoom_of is None:
                continue
            target = title_key(strategy_map.zoom_of)
            strategy_map.zooms_into = target
            if target in plan.places:
                strategy_map.parent = plan.places[target].map_key
                continue
            parent = strategy_map.implied_parent
            if strategy_map.page:
                refs = idx.crumbs.get(title_key(strategy_map.page.title), [])
                keys = [idx.map_key(r) for r in refs if idx.map_key(r) in plan.maps]
                keys = [k for k in keys if k != strategy_map.key]
                parent = keys[-1] if keys else "top"
            if parent == strategy_map.key or parent not in plan.maps:
                parent = "top"
            strategy_map.parent = parent
            plan.place(strategy_map.zoom_of, parent, FALLBACK_BAND)
            report.warn(
                strategy_map.page.title if strategy_map.page else strategy_map.implied_by,
                f"no map lists “{strategy_map.zoom_of}”, which the zoom map details; it was put "
                f"in the band “{FALLBACK_BAND}” of “{plan.maps[parent].name}”",
            )
        self._break_cycles()

        map_pages = idx.map_pages
        for page_key, refs in idx.crumbs.items():
            if page_key in map_pages:
                continue
            title = idx.articles[page_key]
            keys = [idx.map_key(r) for r in refs]
            keys = [k for k in keys if k in plan.maps and k != "zoom:" + page_key]
            if not keys:
                continue
            if page_key in plan.places:
                listed_on = plan.places[page_key].map_key
                if keys[-1] != listed_on:
                    report.warn(
                        title,
                        f"its breadcrumb points to “{plan.maps[keys[-1]].name}”, but the map "
                        f"“{plan.maps[listed_on].name}” lists it; it stays there",
                    )
                continue
            plan.place(title, keys[-1], FALLBACK_BAND)
            report.warn(
                title,
                f"no map lists it; its breadcrumb puts it on “{plan.maps[keys[-1]].name}”, "
                f"in the band “{FALLBACK_BAND}”",
            )

        if len(plan.maps) == 1 and not plan.places and idx.top is None:
            plan.maps.clear()  # nothing to place: no map either
        taken: set[str] = set()
        for place in plan.places.values():
            place.has_page = place.key in idx.articles and place.key not in map_pages
            place.slug = _unique_slug(place.title, taken, "page")
        taken = set()
        for strategy_map in plan.ordered_maps():
            strategy_map.slug = _unique_slug(strategy_map.title, taken, "map")

    def _break_cycles(self) -> None:
        maps = self.plan.maps
        for strategy_map in maps.values():
            seen, current = {strategy_map.key}, strategy_map.parent
            while current is not None and current not in seen:
                seen.add(current)
                current = maps[current].parent
            if current is not None:
                self.report.warn(
                    strategy_map.name,
                    "its place in the map tree goes round in a circle; it was put under the "
                    "top-level map without a strategy to zoom into",
                )
                strategy_map.parent, strategy_map.zooms_into = "top", None

    # Links in Markdown -----------------------------------------------------------------------

    def link_url(self, title: str) -> str | None:
        title = self.idx.resolve(title)
        place = self.plan.places.get(title_key(title))
        if place is not None:
            return reverse("strategy:strategy-detail", args=[place.slug])
        ref = map_ref(title)
        if ref is not None and (key := self.idx.map_key(ref)) in self.plan.maps:
            if key == "top":
                return reverse("strategy:home")
            strategy_map = self.map_objects.get(key)
            slug = strategy_map.slug if strategy_map else self.plan.maps[key].slug
            return reverse("strategy:map-detail", args=[slug])
        return None

    # The second pass -------------------------------------------------------------------------

    def write(self, progress: Progress | None) -> None:
        for strategy_map in self.plan.ordered_maps():
            self._map_and_its_strategies(strategy_map)
        for map_page, ref, strategy_key in self.plan.zoom_links:
            strategy = self.strategies.get(strategy_key)
            if self.idx.map_key(ref) in self.plan.maps or strategy is None:
                continue
            if not StrategyMap.objects.filter(zooms_into=strategy).exists():
                self.report.warn(
                    map_page,
                    f"it links to the zoom map “{ref.title}”, which is neither in the file nor "
                    "on the site; that zoom map was not created",
                )
        untold = [
            place.title
            for place in self.plan.places.values()
            if not place.has_page and place.key in self.strategies
        ]
        self.report.title_only = untold
        for done, page in enumerate(self.dump.pages(), 1):
            key = title_key(page.title)
            place = self.plan.places.get(key)
            if (
                page.is_article
                and place is not None
                and place.has_page
                and self.idx.articles.get(key) == page.title
                and page.text is not None
                and not page.redirect
            ):
                self._page(page, place)
            if progress:
                progress(done, self.idx.total)
        map_pages = self.idx.map_pages
        for key, title in self.idx.articles.items():
            if key in map_pages or key in self.imported or key in self.used_lists:
                continue
            place = self.plan.places.get(key)
            if place is not None and place.has_page:
                continue  # failed, and reported as such
            self.report.skipped.append(
                PageNote(title, "no map lists it and its breadcrumb names no map")
            )

    def _guarded(
        self, title: str, work: Callable[[_Tally], None], page: DumpPage | None = None
    ) -> bool:
        """Run one page's writes: on failure roll back that page, and stop unless keep_going."""
        tally = _Tally(title, page)
        try:
            with transaction.atomic():
                work(tally)
                self._store_records(tally)
        except ImportFailed:
            raise
        except Exception as error:
            # Rows the failed page wrote are gone: forget them, so that nothing later
            # points at them (PostgreSQL would refuse the whole import on commit).
            self.library.clear()
            self.program_index = None
            self.records.clear()
            for key in tally.placed:
                self.strategies.pop(key, None)
            message = _describe(error)
            if not self.keep_going:
                raise ImportFailed(
                    f"The page “{title}” could not be imported: {message}. Nothing was "
                    "imported; skipping pages that fail (--keep-going) imports the rest.",
                    page=title,
                ) from error
            self.report.failed.append(PageNote(title, message))
            return False
        self.report.created.update(tally.created)
        self.report.updated.update(tally.updated)
        self.created_pages |= tally.pages_created
        self.updated_pages |= tally.pages_updated
        self.report.created["pages"] = len(self.created_pages)
        self.report.updated["pages"] = len(self.updated_pages - self.created_pages)
        for message in tally.warnings:
            self.report.warn(title, message)
        changes = self.report.page(page.title if page else title)
        changes.changes += tally.changes
        changes.kept += [kept for kept in tally.kept if kept not in changes.kept]
        changes.matches += [match for match in tally.matches if match not in changes.matches]
        return True

    # Saving ------------------------------------------------------------------------------------

    @contextmanager
    def _change(self, tally: _Tally, *, new: bool) -> Iterator[None]:
        """One unit's transaction and revision, by the importer's user, as ``recorded_change``.

        A unit that creates its page or map (``new``) records its revision
        itself (``_UnitRevision``); one that changes rows already there lets
        django-reversion record each row as it is saved.
        """
        with recorded_change(user=self.user, comment=self.comment, kind=ChangeKind.IMPORT):
            if not new:
                yield
                return
            tally.revision = _UnitRevision()
            try:
                with reversion.create_revision(manage_manually=True, atomic=False):
                    yield
                tally.revision.store()
            finally:
                tally.revision = None

    def _save(
        self,
        tally: _Tally,
        kind: str | None,
        obj,
        values: dict,
        *,
        initial: dict | None = None,
    ) -> bool:
        """Create ``obj`` (unsaved) or merge ``values`` into it; True if it was written.

        A new object takes ``values`` and ``initial`` (guesses and placement, which
        a later import never changes). An existing one takes a value of
        ``values`` only where its field is still what the import last wrote
        (its digest in the object's ``ImportRecord``), or is empty and the
        import never wrote it; any other difference is kept as it is here and
        reported (``KeptField``). Counted under ``kind`` in the report; pages
        are counted by the caller, once each whatever changed on them.
        """
        noun = _NOUNS.get(kind, "page")
        if obj.pk is None:
            every = {**(initial or {}), **values}
            for name, value in every.items():
                setattr(obj, name, value)
            _validate(obj)
            obj.save()
            if tally.revision is not None:
                tally.revision.record(obj, created=True)
            if kind:
                tally.created[kind] += 1
            self.records[type(obj), obj.pk] = None
            tally.wrote(obj, values)
            shown = [_field_diff(obj, name, None, value) for name, value in every.items()]
            tally.changes.append(
                ObjectChange(noun, _label(obj), True, [d for d in shown if d.new != EMPTY])
            )
            return True
        record = self._record(obj)
        digests = record.digests if record is not None else {}
        changed, diffs, agreed = [], [], []
        for name, value in values.items():
            local = getattr(obj, name)
            if _same(local, value):
                if name in digests and digests[name] != value_digest(value):
                    agreed.append(name)  # changed here to what the wiki now says
                continue
            written = digests.get(name)
            if (written is not None and written == value_digest(local)) or (
                written is None and _empty(local)
            ):
                changed.append(name)
                diffs.append(_field_diff(obj, name, local, value))
            else:
                kept = KeptField(
                    noun, _label(obj), _field_diff(obj, name, local, value), written is not None
                )
                if kept not in tally.kept:
                    tally.kept.append(kept)
        if agreed:
            tally.wrote(obj, agreed)
        if not changed:
            return False
        for name in changed:
            setattr(obj, name, values[name])
        _validate(obj)
        obj.save(update_fields=changed)
        if tally.revision is not None:
            tally.revision.record(obj)
        if kind:
            tally.updated[kind] += 1
        tally.wrote(obj, changed)
        tally.changes.append(ObjectChange(noun, _label(obj), False, diffs))
        return True

    def _record(self, obj) -> ImportRecord | None:
        key = (type(obj), obj.pk)
        if key not in self.records:
            self._load_records(type(obj), [obj.pk])
        return self.records[key]

    def _load_records(self, model: type[Model], pks) -> None:
        """The import records of ``model``'s rows ``pks``, in one query."""
        pks = [pk for pk in pks if (model, pk) not in self.records]
        if not pks:
            return
        for pk in pks:
            self.records[model, pk] = None
        content_type = ContentType.objects.get_for_model(model)
        for record in ImportRecord.objects.filter(content_type=content_type, object_id__in=pks):
            self.records[model, record.object_id] = record

    def _store_records(self, tally: _Tally) -> None:
        """Remember what the unit wrote: one insert and one update for all its objects."""
        if not tally.written:
            return
        page = tally.page
        when = parse_datetime(page.timestamp) if page and page.timestamp else None
        about = {
            "page_title": shorten(page.title if page else tally.title, 300),
            "revision_id": page.revision_id if page else None,
            "revision_timestamp": when,
            "source": shorten(self.dump.name, 255),
            "imported_at": timezone.now(),
        }
        new, changed = [], []
        for (model, pk), (_obj, digests) in tally.written.items():
            record = self.records.get((model, pk))
            if record is None:
                record = ImportRecord(
                    content_type=ContentType.objects.get_for_model(model), object_id=pk
                )
                new.append(record)
            else:
                changed.append(record)
            record.digests = {**record.digests, **digests}
            for name, value in about.items():
                setattr(record, name, value)
            self.records[model, pk] = record
        ImportRecord.objects.bulk_create(new)
        if any(record.pk is None for record in new):  # a backend that returns no keys
            for record in ImportRecord.objects.filter(
                object_id__in=[r.object_id for r in new],
                content_type__in=[r.content_type_id for r in new],
            ):
                key = (record.content_type.model_class(), record.object_id)
                if key in self.records and self.records[key].pk is None:
                    self.records[key] = record
        if changed:
            ImportRecord.objects.bulk_update(changed, ["digests", *about])

    # Maps --------------------------------------------------------------------------------------

    def _map_and_its_strategies(self, strategy_map: _MapPlan) -> None:
        if strategy_map.parent in self.failed_maps:
            self.failed_maps.add(strategy_map.key)
            self.report.failed.append(
                PageNote(strategy_map.name, "the map above it could not be imported")
            )
            return
        title = strategy_map.name if strategy_map.page else strategy_map.implied_by
        if not self._guarded(
            title, lambda tally: self._map(tally, strategy_map), strategy_map.page
        ):
            self.failed_maps.add(strategy_map.key)
            return
        targets = {m.zooms_into for m in self.plan.maps.values() if m.zooms_into}
        for _band, keys in strategy_map.bands:
            for key in keys:
                place = self.plan.places[key]
                if place.has_page and key not in targets:
                    continue  # written with its content, in one revision
                self._guarded(
                    place.title,
                    lambda tally, place=place: self._stub(tally, place),
                    strategy_map.page,
                )

    def _map(self, tally: _Tally, plan: _MapPlan) -> None:
        summary = ""
        if plan.page is not None:
            parsed = parse_map_page(plan.page.title, plan.page.text, link_url=self.link_url)
            summary = parsed.summary
        title = shorten(plan.title, 200)
        if title != plan.title:
            tally.warn("the map's title is too long; shortened")
        values = {"title": title}
        if summary:
            values["summary"] = summary
        initial: dict = {}
        if plan.key == "top":
            obj = StrategyMap.objects.filter(slug=plan.slug).first()
            if obj is not None and obj.parent_id is not None:
                obj = None
            if obj is None and (site_top := StrategyMap.objects.top_level().first()):
                obj, values = site_top, {}
                tally.warn(
                    f"the site's top-level map is “{site_top}”; this map's bands and "
                    "strategies were added to it"
                )
            obj = obj or StrategyMap(slug=plan.slug)
        else:
            parent = self.map_objects[plan.parent]
            zooms_into = self.strategies.get(plan.zooms_into) if plan.zooms_into else None
            obj = StrategyMap.objects.filter(slug=plan.slug).first()
            if obj is None and zooms_into is not None:
                obj = StrategyMap.objects.filter(zooms_into=zooms_into).first()
            obj = obj or StrategyMap(slug=plan.slug)
            if zooms_into is not None and zooms_into.map_id != parent.pk:
                # The strategy kept its place on another map of the site's: a zoom map
                # details a strategy of its parent map, so it goes under that one.
                parent = zooms_into.map
            # Where a map sits in the tree is the site's once it has the map.
            initial = {"parent": parent, "zooms_into": zooms_into}
            if obj.pk is not None and (obj.parent_id, obj.zooms_into_id) != (
                parent.pk,
                zooms_into.pk if zooms_into else None,
            ):
                here = f"under “{obj.parent}”" + (
                    f", detailing “{obj.zooms_into}”" if obj.zooms_into_id else ""
                )
                wiki = f"under “{parent}”" + (f", detailing “{zooms_into}”" if zooms_into else "")
                moved = FieldDiff("Place in the map tree", here, wiki)
                tally.kept.append(KeptField("map", str(obj), moved, False))
            if plan.page is None and obj.pk is None:
                tally.warn(
                    f"its breadcrumb names the zoom map “{plan.title}”, which is not in the "
                    "file; that zoom map was created from the breadcrumb, without a summary"
                )
        new = obj.pk is None
        with self._change(tally, new=new):
            self._save(tally, "maps", obj, values, initial=initial)
            self.map_objects[plan.key] = obj
            if new:
                self.new_maps.add(obj.pk)
            bands = {band.title.casefold(): band for band in obj.bands.order_by("-pk")}
            self._load_records(Band, [band.pk for band in bands.values()])
            for order, (band_title, _keys) in enumerate(plan.bands):
                title = shorten(band_title, 200)
                band = bands.get(title.casefold())
                if band is not None:
                    self._save(tally, "bands", band, {"order": order})
                elif new:
                    self._save(tally, "bands", Band(map=obj, title=title), {"order": order})
                # A band of a map the site had is made when a new strategy needs it, so
                # the strategies already on the map keep their bands.

    def _stub(self, tally: _Tally, place: _Place) -> None:
        """A strategy a map lists: placed now, its page's content (if any) comes later."""
        existing = Strategy.objects.select_related("map", "band").filter(slug=place.slug).first()
        with self._change(tally, new=self._creates(existing)):
            strategy = self._placed(tally, place, {}, existing=existing)
            if tally.changed and strategy.pk not in tally.pages_created:
                tally.pages_updated.add(strategy.pk)

    def _creates(self, existing: Strategy | None) -> bool:
        """Whether the page (None: the site has none at its address) is new in this import."""
        return existing is None or existing.pk in self.created_pages

    def _placed(
        self,
        tally: _Tally,
        place: _Place,
        values: dict,
        *,
        existing: Strategy | None,
        status=None,
    ) -> Strategy:
        """The strategy, with ``values`` merged in; a new one at its place on the map.

        ``existing`` is the page with the place's address, if the site has one:
        it keeps its map, band and position, and the report says where the
        wiki has it when that differs. Only new strategies are placed.
        """
        strategy_map = self.map_objects[place.map_key]
        strategy = existing
        values = {"title": place.title, **values}
        initial: dict = {}
        if strategy is None:
            strategy = Strategy(slug=place.slug)
            band = self._band(tally, strategy_map, place.band)
            if strategy_map.pk in self.new_maps:
                position = place.position
            else:  # after the strategies the band already has
                last = band.strategies.order_by("-position").values_list("position", flat=True)
                position = (last.first() + 1) if band.pk and last.exists() else 0
            initial = {"map": strategy_map, "band": band, "position": position}
            # Recorded as the import's, so a later run with --publish may still publish it.
            values["status"] = status or (
                Strategy.Status.UNDER_CONSTRUCTION if self.publish else Strategy.Status.DRAFT
            )
        else:
            # Merged like text: a status set here (a curated page published, a page
            # archived) stays, and the report shows the wiki's.
            if status and self.publish:
                values["status"] = status
            self._compare_place(tally, strategy, strategy_map, place)
        new = strategy.pk is None
        if self._save(tally, None, strategy, values, initial=initial):
            (tally.pages_created if new else tally.pages_updated).add(strategy.pk)
        self.strategies[place.key] = strategy
        tally.placed.append(place.key)
        return strategy

    def _band(self, tally: _Tally, strategy_map: StrategyMap, title: str) -> Band:
        """The map's band of that title, made when missing (after the map's other bands)."""
        title = shorten(title, 200)
        band = strategy_map.bands.filter(title__iexact=title).order_by("pk").first()
        if band is None:
            last = strategy_map.bands.order_by("-order").values_list("order", flat=True).first()
            band = Band(map=strategy_map, title=title)
            self._save(tally, "bands", band, {"order": 0 if last is None else last + 1})
        return band

    def _compare_place(
        self, tally: _Tally, strategy: Strategy, strategy_map: StrategyMap, place: _Place
    ) -> None:
        """Report where the wiki puts a strategy the site already has, when that differs."""
        if strategy.pk in self.created_pages or place.key in self.strategies:
            return  # placed by this import
        band = strategy.band
        if (
            strategy.map_id == strategy_map.pk
            and band.title.casefold() == shorten(place.band, 200).casefold()
            and strategy.position == place.position
        ):
            return
        here = f"map “{strategy.map}”, band “{band.title}”, position {strategy.position + 1}"
        wiki = f"map “{strategy_map}”, band “{place.band}”, position {place.position + 1}"
        kept = KeptField("page", strategy.title, FieldDiff("Place on the map", here, wiki), False)
        if kept not in tally.kept:
            tally.kept.append(kept)

    # Strategy pages ----------------------------------------------------------------------------

    def _page(self, page: DumpPage, place: _Place) -> None:
        if place.map_key in self.failed_maps:
            self.report.failed.append(PageNote(page.title, "its map could not be imported"))
            return

        def work(tally: _Tally) -> None:
            try:
                parsed = parse_strategy_page(page.title, page.text, link_url=self.link_url)
            except WikitextError as error:
                raise ValidationError(str(error)) from error
            for message in parsed.warnings:
                tally.warn(message)
            existing = (
                Strategy.objects.select_related("map", "band").filter(slug=place.slug).first()
            )
            with self._change(tally, new=self._creates(existing)):
                strategy = self._page_content(tally, parsed, place, existing)
                # The revision holds the whole page, whichever of its parts changed.
                if tally.revision is not None and tally.changed:
                    tally.revision.record(strategy)
                elif tally.changed:
                    reversion.add_to_revision(strategy)
            if tally.changed:
                tally.pages_updated.add(strategy.pk)
            elif strategy.pk not in self.created_pages:
                self.report.pages_unchanged += 1
            if parsed.under_construction and self._sets_status(tally, strategy):
                self.report.under_construction.append(page.title)

        if self._guarded(page.title, work, page):
            self.report.pages_imported += 1
            self.imported.add(place.key)

    def _sets_status(self, tally: _Tally, strategy: Strategy) -> bool:
        """Whether the page's status is the import's: a new page, or one whose status
        is still what the import last wrote (a status set here is never changed)."""
        if strategy.pk in tally.pages_created or strategy.pk in self.created_pages:
            return True
        _obj, written = tally.written.get((Strategy, strategy.pk), (None, {}))
        if "status" in written:
            return True
        record = self._record(strategy)
        return record is not None and record.digests.get("status") == value_digest(strategy.status)

    def _page_content(
        self, tally: _Tally, parsed: ParsedPage, place: _Place, existing: Strategy | None
    ) -> Strategy:
        values: dict = {}
        intro = parsed.intro
        manager = self._person(parsed.manager) if parsed.manager else None
        if parsed.manager and manager is None:
            tally.warn(
                f"PAGE MANAGER “{parsed.manager}” has no account on this site; the name was "
                "kept in Other notes (create the account and choose it on the page)"
            )
            note = f"#### Page manager\n\n{escape_markdown(parsed.manager)}"
            intro = (
                f"{intro}\n\n{note}"
                if OTHER_NOTES_HEADING in intro
                else f"{intro}\n\n{OTHER_NOTES_HEADING}\n\n{note}".strip()
            )
        if intro:
            values["intro"] = intro
        if manager is not None:
            values["page_manager"] = manager
        status = (
            Strategy.Status.UNDER_CONSTRUCTION
            if parsed.under_construction
            else Strategy.Status.PUBLISHED
        )
        strategy = self._placed(
            tally,
            place,
            values,
            existing=existing,
            status=status if self.publish else Strategy.Status.DRAFT,
        )
        new = strategy.pk in tally.pages_created or strategy.pk in self.created_pages
        rows = _PageRows(strategy, new=new)
        for model, pks in rows.keys().items():
            self._load_records(model, pks)
        self._programs(tally, strategy, parsed, rows)
        self._resources(tally, strategy, parsed, rows)
        self._scorecard(tally, strategy, parsed, rows)
        self._people(tally, strategy, parsed, rows)
        return strategy

    def _programs(self, tally: _Tally, strategy: Strategy, parsed: ParsedPage, rows) -> None:
        seen = set()
        for order, plan in enumerate(parsed.programs):
            program = self._program(tally, plan)
            if program.pk in seen:
                tally.warn(f"the program “{plan.name}” is listed twice; the first is kept")
                continue
            seen.add(program.pk)
            link = rows.program_links.get(program.pk)
            link = link or StrategyProgram(strategy=strategy, program=program)
            self._save(tally, "program links", link, {"note": plan.text, "order": order})
            rows.program_links[program.pk] = link

    def _program(self, tally: _Tally, plan) -> Program:
        """The program the wiki names, matched by its normalised name (``program_key``)."""
        if self.program_index is None:
            self.program_index = {}
            for program in Program.objects.order_by("-pk"):  # the oldest of a key wins
                self.program_index[program_key(program.name)] = program
        key = program_key(plan.name)
        program = self.program_index.get(key)
        values = {"summary": shorten(plan.summary, 300), "description": plan.text}
        values["first_implemented_place"] = shorten(plan.place, 200)
        if plan.year and 1900 <= plan.year <= 2100:
            values["first_implemented_year"] = plan.year
        values = {name: value for name, value in values.items() if not _empty(value)}
        if program is None:
            name = shorten(plan.name, 200)
            program = Program(name=name, slug=_free_slug(Program, name, "program"))
            self._save(tally, "programs", program, values)
            self.program_index[key] = program
            self.merged.add((Program, program.pk))
            return program
        if program.name != plan.name:
            tally.matches.append(f"the wiki's program “{plan.name}” is the site's “{program.name}”")
        if (Program, program.pk) not in self.merged:
            self.merged.add((Program, program.pk))
            self._save(tally, "programs", program, values)
        return program

    def _resource(self, tally: _Tally, title: str, url: str, description: str = "") -> Resource:
        if url:
            try:
                URLValidator()(url)
            except ValidationError:
                tally.warn(
                    f"“{url}” is not a valid web address; “{shorten(title, 60)}” kept without it"
                )
                description = f"{description}\n\n{url}".strip()
                url = ""
        key = ("resource", url) if url else ("resource", "title:" + title.casefold())
        if url:
            resource = self._find(*key, Resource, url=url)
        else:
            resource = self._find(*key, Resource, url="", title__iexact=title)
        values = {"description": description} if description else {}
        if resource is None:
            resource = Resource(title=title, url=url)
            kind = _resource_kind(f"{title} {description}")
            self._save(tally, "resources", resource, values, initial={"kind": kind})
            self.library[key] = resource
            self.merged.add((Resource, resource.pk))
        elif (Resource, resource.pk) not in self.merged:
            # Found by its address, its title is the wiki's to give too; found by title, not.
            self.merged.add((Resource, resource.pk))
            self._save(tally, "resources", resource, {"title": title, **values} if url else values)
        return resource

    def _find(self, kind: str, key: str, model, **lookup):
        """A library row, from this run's cache or the database (the oldest if several)."""
        if (kind, key) not in self.library:
            found = model.objects.filter(**lookup).order_by("pk").first()
            if found is None:
                return None
            self.library[kind, key] = found
        return self.library[kind, key]

    def _resources(self, tally: _Tally, strategy: Strategy, parsed: ParsedPage, rows) -> None:
        seen = set()
        orders: Counter = Counter()
        plans, citations = [], list(parsed.citations)
        for plan in parsed.resources:
            target = title_key(self.idx.resolve(plan.target)) if plan.target else ""
            listed = self.idx.lists.get(target)
            if listed is not None and target not in self.plan.places:
                # A page of links (the old "TR - …" pages): its links stand in for it.
                self.used_lists.add(target)
                for message in listed.warnings:
                    tally.warn(f"on the page “{listed.title}” it lists: {message}")
                for item in listed.resources:
                    if item.target and title_key(item.target) not in self.idx.articles:
                        tally.warn(
                            f"the page “{listed.title}” it lists links to the wiki page "
                            f"“{item.target}”, which is not in the file; {_NOT_A_RESOURCE}"
                        )
                        continue
                    plans.append(replace(item, section=plan.section))
                citations += listed.citations
                continue
            if target and target not in self.idx.articles:
                tally.warn(
                    f"{StrategyResource.Section(plan.section).label} links to the wiki page "
                    f"“{plan.target}”, which is not in the file; {_NOT_A_RESOURCE}"
                )
                continue
            plans.append(plan)
        for plan in plans:
            resource = self._resource(tally, plan.title, plan.url)
            if (resource.pk, plan.section) in seen:
                continue
            seen.add((resource.pk, plan.section))
            link = rows.resource_links.get((resource.pk, plan.section)) or StrategyResource(
                strategy=strategy, resource=resource, section=plan.section
            )
            values = {"note": plan.note, "order": orders[plan.section]}
            self._save(tally, "resource links", link, values)
            orders[plan.section] += 1
        for citation in citations:
            description = citation.text if len(citation.text) > 300 else ""
            self._resource(tally, shorten(citation.title, 300), citation.url, description)

    # Scorecard ---------------------------------------------------------------------------------

    def _scorecard(self, tally: _Tally, strategy: Strategy, parsed: ParsedPage, rows) -> None:
        for order, plan in enumerate(parsed.objectives):
            objective = rows.objectives.get(plan.title.casefold())
            objective = objective or Objective(strategy=strategy, title=plan.title)
            values = {"order": order}
            if plan.details:
                values["details"] = plan.details
            self._save(tally, "objectives", objective, values)
            rows.objectives.setdefault(plan.title.casefold(), objective)
            for position, measure_plan in enumerate(plan.measures):
                key = (objective.pk, measure_plan.name.casefold())
                measure = rows.measures.get(key)
                measure = measure or Measure(objective=objective, name=measure_plan.name)
                values = {"order": position}
                if measure_plan.source:
                    values["data_source"] = self._data_source(tally, measure_plan.source)
                self._save(tally, "measures", measure, values)
                rows.measures.setdefault(key, measure)
            for position, action_plan in enumerate(plan.actions):
                key = (objective.pk, action_plan.title.casefold())
                action = rows.actions.get(key)
                created = action is None
                action = action or Action(objective=objective, title=action_plan.title)
                values = {"order": position}
                if action_plan.lead:
                    values["lead"] = self._partner(tally, action_plan.lead)
                changed = self._save(tally, "actions", action, values)
                rows.actions.setdefault(key, action)
                partners = [self._partner(tally, name) for name in action_plan.partners]
                have = rows.action_partners.setdefault(action.pk, set())
                missing = [p for p in dict.fromkeys(partners) if p.pk not in have]
                if missing:
                    names = sorted((p.name for p in missing), key=str.casefold)
                    added = FieldDiff("Partners", EMPTY, "added " + ", ".join(names))
                    change = next(
                        (c for c in tally.changes if c.kind == "action" and c.label == str(action)),
                        None,
                    )
                    if change is None:
                        tally.changes.append(ObjectChange("action", str(action), False, [added]))
                    else:
                        change.fields.append(added)
                    action.partners.add(*missing)
                    if tally.revision is not None:
                        tally.revision.record(action)
                    have.update(p.pk for p in missing)
                    if not created and not changed:
                        tally.updated["actions"] += 1

    def _data_source(self, tally: _Tally, name: str) -> DataSource:
        source = self._find("data source", name.casefold(), DataSource, name__iexact=name)
        if source is None:
            source = DataSource(name=name)
            self._save(tally, "data sources", source, {})
            self.library["data source", name.casefold()] = source
        return source

    def _partner(self, tally: _Tally, name: str) -> Partner:
        partner = self._find("partner", name.casefold(), Partner, name__iexact=name)
        if partner is None:
            partner = Partner(name=name, slug=_free_slug(Partner, name, "partner"))
            sector = _partner_sector(name)
            if sector is None:
                sector = Partner.Sector.COMMUNITY_LEADERS
                tally.warn(
                    f"the partner “{name}” was created with the sector “{sector.label}”, a "
                    "guess; correct it in the admin"
                )
            self._save(tally, "partners", partner, {}, initial={"sector": sector})
            self.library["partner", name.casefold()] = partner
        return partner

    # People ------------------------------------------------------------------------------------

    def _person(self, name: str):
        """The active account this name is, if exactly one: username, e-mail or full name."""
        key = name.casefold().strip()
        if key in self.people_cache:
            return self.people_cache[key]
        users = get_user_model().objects.filter(is_active=True)
        bare = without_credentials(name.strip())
        for prefix in ("Dr. ", "Dr ", "Mr. ", "Ms. ", "Mrs. "):
            bare = bare.removeprefix(prefix)
        first, _, last = bare.rpartition(" ")
        query = Q(username__iexact=name.strip())
        if "@" in name:
            query |= Q(email__iexact=name.strip())
        if first and last:
            query |= Q(first_name__iexact=first, last_name__iexact=last)
        found = list(users.filter(query)[:2])
        user = found[0] if len(found) == 1 else None
        self.people_cache[key] = user
        return user

    def _people(self, tally: _Tally, strategy: Strategy, parsed: ParsedPage, rows) -> None:
        for person in parsed.experts:
            user = self._person(person.name)
            assignment = next(
                (a for a in rows.experts if _names(a.expert_id, a.expert_name, user, person.name)),
                None,
            )
            if assignment is None:
                assignment = ExpertAssignment(
                    strategy=strategy, expert=user, expert_name="" if user else person.name
                )
                self._save(tally, "experts", assignment, {"area": person.area})
                rows.experts.append(assignment)
            elif person.area:
                self._save(tally, "experts", assignment, {"area": person.area})
        today = timezone.localdate()
        reviews_written = False
        for plan in parsed.reviews:
            if plan.date > today:
                tally.warn(
                    f"the review by {plan.reviewer} is dated {plan.date:%Y-%m-%d}, after today; "
                    "it is not imported"
                )
                continue
            user = self._person(plan.reviewer)
            review = next(
                (
                    r
                    for r in rows.reviews
                    if r.reviewed_on == plan.date
                    and _names(r.reviewer_id, r.reviewer_name, user, plan.reviewer)
                ),
                None,
            )
            comments = plan.comments or NO_COMMENTS
            if review is None:
                review = Review(
                    strategy=strategy,
                    reviewer=user,
                    reviewer_name="" if user else plan.reviewer,
                    reviewed_on=plan.date,
                )
            if self._save(tally, "reviews", review, {"comments": comments}) and review.pk:
                reviews_written = True
            rows.reviews.append(review)
        if reviews_written:
            # "Last reviewed" is worked out from the page's reviews, as for a review
            # written here.
            refresh_review_date(strategy)


class _PageRows:
    """The parts a page already has, each kind loaded in one query (none for a new page)."""

    def __init__(self, strategy: Strategy, *, new: bool):
        self.program_links: dict[int, StrategyProgram] = {}
        self.resource_links: dict[tuple[int, str], StrategyResource] = {}
        self.objectives: dict[str, Objective] = {}
        self.measures: dict[tuple[int, str], Measure] = {}
        self.actions: dict[tuple[int, str], Action] = {}
        self.action_partners: dict[int, set[int]] = {}
        self.experts: list[ExpertAssignment] = []
        self.reviews: list[Review] = []
        if new:
            return
        for link in strategy.program_links.select_related("program"):
            self.program_links[link.program_id] = link
        for link in strategy.resource_links.select_related("resource"):
            self.resource_links[link.resource_id, link.section] = link
        for objective in strategy.objectives.order_by("pk"):
            self.objectives.setdefault(objective.title.casefold(), objective)
        measures = Measure.objects.filter(objective__strategy=strategy).select_related(
            "data_source"
        )
        for measure in measures.order_by("pk"):
            self.measures.setdefault((measure.objective_id, measure.name.casefold()), measure)
        actions = Action.objects.filter(objective__strategy=strategy).select_related("lead")
        actions = actions.order_by("pk")
        for action in actions.prefetch_related("partners"):
            self.actions.setdefault((action.objective_id, action.title.casefold()), action)
            self.action_partners[action.pk] = {partner.pk for partner in action.partners.all()}
        self.experts = list(strategy.expert_assignments.order_by("pk"))
        self.reviews = list(strategy.reviews.order_by("pk"))

    def keys(self) -> dict[type, list[int]]:
        """The keys of the parts, by model: whose import records to load."""
        return {
            StrategyProgram: [link.pk for link in self.program_links.values()],
            StrategyResource: [link.pk for link in self.resource_links.values()],
            Objective: [objective.pk for objective in self.objectives.values()],
            Measure: [measure.pk for measure in self.measures.values()],
            Action: [action.pk for action in self.actions.values()],
            ExpertAssignment: [expert.pk for expert in self.experts],
            Review: [review.pk for review in self.reviews],
        }


def _names(user_id, name: str, user, wanted: str) -> bool:
    """Whether a stored expert or reviewer is the person the wiki names."""
    if user is not None:
        return user_id == user.pk
    return user_id is None and name.casefold() == wanted.casefold()


EMPTY = "(none)"
_NOT_A_RESOURCE = (
    "not imported as a resource, which would have no address (export that page with this "
    "one, or add the resource in the admin)"
)
# What the report calls one row of each kind the import counts.
_NOUNS = {
    "maps": "map",
    "bands": "band",
    "programs": "program",
    "program links": "program on the page",
    "resources": "resource",
    "resource links": "resource on the page",
    "objectives": "objective",
    "measures": "measure",
    "data sources": "data source",
    "actions": "action",
    "partners": "partner",
    "experts": "expert",
    "reviews": "review",
}
# Every kind of row the import writes, and so keeps an ImportRecord of.
RECORDED_MODELS = (
    StrategyMap,
    Band,
    Strategy,
    StrategyProgram,
    StrategyResource,
    Program,
    Resource,
    Objective,
    Measure,
    Action,
    DataSource,
    Partner,
    ExpertAssignment,
    Review,
)


def _label(obj) -> str:
    """The row as the report names it (a link by what it links to)."""
    if isinstance(obj, StrategyProgram):
        return obj.program.name
    if isinstance(obj, StrategyResource):
        return f"{obj.resource.title} ({obj.get_section_display()})"
    if isinstance(obj, Band):
        return obj.title
    return str(obj)


def _comparable(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, str):
        return "\n".join(value.splitlines())
    return None if value == "" else value


def _same(local, wiki) -> bool:
    return _comparable(local) == _comparable(wiki)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(obj, name: str, value) -> str:
    """A value as a reader knows it: a related row by its name, a choice by its label."""
    if _empty(value):
        return EMPTY
    model_field = obj._meta.get_field(name)
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _field_diff(obj, name: str, old, new) -> FieldDiff:
    model_field = obj._meta.get_field(name)
    label = capfirst(model_field.verbose_name)
    before, after = _shown(obj, name, old), _shown(obj, name, new)
    multiline = "\n" in f"{old or ''}{new or ''}".strip() or max(len(before), len(after)) > 200
    lines = ()
    if multiline and old is not None and not _empty(old):
        lines = line_diff(_comparable(old) or "", _comparable(new) or "")
    return FieldDiff(label, before, after, lines)


def _validate(obj) -> None:
    """Check fields (lengths, addresses, choices) and the model's own rules before saving.

    Related objects are the ones the import just found or made, so their
    existence is not queried again; and unique and check constraints are left
    to the database (the import looks rows up before creating them), except a
    page's and a map's, whose rules in ``clean()`` and unique slug give the
    clearest message.
    """
    relations = [field.name for field in obj._meta.concrete_fields if field.is_relation]
    if isinstance(obj, Strategy | StrategyMap):
        obj.full_clean(exclude=relations, validate_constraints=False)
    else:
        obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


_KIND_WORDS = [
    (Resource.Kind.TOOLKIT, ("toolkit", "tool kit")),
    (Resource.Kind.GUIDE, ("guide", "handbook", "manual", "playbook")),
    (Resource.Kind.TESTIMONY, ("testimony",)),
    (Resource.Kind.DATASET, ("dataset", "data set", "dashboard", "statistics", " data ")),
    (Resource.Kind.REPORT, ("report", "brief", "assessment", "study", "evaluation", "review")),
]


def _resource_kind(text: str) -> str:
    text = f" {text.casefold()} "
    for kind, words in _KIND_WORDS:
        if any(word in text for word in words):
            return kind
    return Resource.Kind.WEBSITE


# Checked in this order, so "state police" is state law enforcement before "police" is local.
_SECTOR_WORDS = [
    (
        Partner.Sector.FEDERAL_LAW_ENFORCEMENT,
        ("dea", "fbi", "atf", "hidta", "u.s. attorney", "us attorney", "federal"),
    ),
    (
        Partner.Sector.STATE_LAW_ENFORCEMENT,
        ("state police", "state patrol", "attorney general", "state bureau"),
    ),
    (
        Partner.Sector.LOCAL_LAW_ENFORCEMENT,
        ("police", "sheriff", "law enforcement", "district attorney", "prosecutor"),
    ),
    (
        Partner.Sector.PUBLIC_HEALTH,
        ("public health", "health department", "department of health", "health dept"),
    ),
    (Partner.Sector.TREATMENT, ("treatment", "recovery", "rehab", "addiction")),
    (
        Partner.Sector.HEALTH_CARE,
        ("ems", "hospital", "clinic", "medical", "pharmac", "physician", "health care"),
    ),
    (Partner.Sector.SCHOOLS, ("school", "university", "college", "education")),
    (
        Partner.Sector.FAITH,
        (
            "church",
            "chapel",
            "parish",
            "faith",
            "ministry",
            "congregation",
            "mosque",
            "synagogue",
            "temple",
        ),
    ),
    (
        Partner.Sector.SOCIAL_SERVICES,
        ("social service", "human services", "housing", "family services", "youth"),
    ),
    (Partner.Sector.BUSINESS, ("business", "chamber of commerce", "employer", "inc.", "llc")),
    (
        Partner.Sector.COMMUNITY_LEADERS,
        ("neighborhood", "community", "coalition", "association", "council"),
    ),
]


def _partner_sector(name: str) -> str | None:
    """A first guess at a partner's sector from its name; short words must be whole words."""
    text = " " + re.sub(r"[^\w.]+", " ", name.casefold()) + " "
    for sector, words in _SECTOR_WORDS:
        if any((f" {word} " in text) if len(word) <= 4 else (word in text) for word in words):
            return sector
    return None
