"""Site search over strategy pages, their measures, programs and resources (``/search/?q=``).

On PostgreSQL the rows are found and ranked by full-text search (the "english"
configuration, title weighted above body) on each row's stored document: a
``search_document`` column that only PostgreSQL has, which a trigger keeps
current on every insert and update and a GIN index serves (see
``strategy/migrations/0003_search_document.py`` and
``programs/migrations/0003_search_document.py``, whose documents must stay
equal to ``SearchFields.vector()``; measures' in
``scorecards/migrations/0004_measure_search_document.py``). The models do not
know the column, so no
ordinary query ever loads it. On other databases (SQLite in development)
every word must appear in some field, case-insensitively, and rows rank by the
number of fields each word appears in, a title match counting more.

Highlighting and excerpts are made in Python, the same on every database.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, F, Model, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from programs.models import Program, Resource
from scorecards.models import Measure
from strategy.models import Strategy, StrategyResource

MAX_QUERY_LENGTH = 200
RESULTS_PER_KIND = 50
EXCERPT_LENGTH = 240
SEARCH_CONFIG = "english"
# Fallback ranking: a word in the title counts this many matches in a body field.
TITLE_WEIGHT = 3

# PostgreSQL's english stop list (tsearch_data/english.stop). PostgreSQL ignores
# these words; dropping them here too keeps the fallback, the highlighting and
# the "too common" message in step with it.
_ENGLISH_STOP_LIST = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his
himself she her hers herself it its itself they them their theirs themselves what
which who whom this that these those am is are was were be been being have has had
having do does did doing a an the and but if or because as until while of at by for
with about against between into through during before after above below to from up
down in out on off over under again further then once here there when where why how
all any both each few more most other some such no nor not only own same so than too
very s t can will just don should now
"""
STOP_WORDS = frozenset(_ENGLISH_STOP_LIST.split())

EMPTY_QUERY = "Type a word or two to search strategy pages, measures, programs and resources."
LONG_QUERY = (
    f"That search is too long. Use at most {MAX_QUERY_LENGTH} characters: "
    "a few distinctive words work best."
)
NO_WORDS = "Search for words or numbers: punctuation on its own does not match anything."
ONLY_COMMON_WORDS = "Those words are too common to search for. Add a more distinctive word."

# Letters and digits: punctuation (and the underscore) separates words, as in
# PostgreSQL's parser, and a term can never carry tsquery syntax.
_WORD = re.compile(r"[^\W_]+")
_SUFFIXES = ("ing", "ies", "es", "ed", "s")


@dataclass(frozen=True)
class SearchFields:
    """The fields one model is searched on: a title, and body fields weighted lower."""

    title: str
    body: tuple[str, ...]

    def vector(self) -> CombinedSearchVector:
        """The document PostgreSQL searches, which the trigger stores in ``search_document``."""
        return SearchVector(self.title, weight="A", config=SEARCH_CONFIG) + SearchVector(
            *self.body, weight="B", config=SEARCH_CONFIG
        )


def stored_document(model: type[Model]) -> RawSQL:
    """The row's stored ``search_document``, on PostgreSQL (see the module's docstring)."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = f"{table}.search_document"
    return RawSQL(column, [], output_field=SearchVectorField())  # noqa: S611 - no input in it


STRATEGY_FIELDS = SearchFields("title", ("intro",))
PROGRAM_FIELDS = SearchFields("name", ("summary", "description"))
RESOURCE_FIELDS = SearchFields("title", ("publisher", "description"))
MEASURE_FIELDS = SearchFields("name", ("unit",))


@dataclass(frozen=True)
class Hit:
    """One result, ready to show: the highlighted parts are escaped HTML."""

    obj: Model
    title: SafeString
    url: str  # "" when the result has no page of its own
    excerpt: SafeString
    meta: SafeString  # a short line under the title: status, origin, or publisher
    pages: tuple[StrategyResource, ...] = ()  # a resource's links on pages the user may read


@dataclass(frozen=True)
class ResultGroup:
    kind: str  # "strategy", "measure", "program" or "resource"
    label: str
    hits: list[Hit]
    more: bool  # more than RESULTS_PER_KIND matched; only the best are listed


@dataclass(frozen=True)
class SearchResults:
    query: str
    problem: str = ""  # why the query was not run, in words for the visitor
    terms: tuple[str, ...] = ()
    strategies: ResultGroup = field(
        default_factory=lambda: ResultGroup("strategy", "Strategy pages", [], False)
    )
    measures: ResultGroup = field(
        default_factory=lambda: ResultGroup("measure", "Measures", [], False)
    )
    programs: ResultGroup = field(
        default_factory=lambda: ResultGroup("program", "Programs", [], False)
    )
    resources: ResultGroup = field(
        default_factory=lambda: ResultGroup("resource", "Resources", [], False)
    )

    @property
    def groups(self) -> tuple[ResultGroup, ...]:
        return (self.strategies, self.measures, self.programs, self.resources)

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def parse_query(query: str) -> tuple[tuple[str, ...], str]:
    """The distinct terms of ``query``, lower-cased, or a message saying why there are none."""
    query = query.strip()
    if not query:
        return (), EMPTY_QUERY
    if len(query) > MAX_QUERY_LENGTH:
        return (), LONG_QUERY
    words = dict.fromkeys(word.lower() for word in _WORD.findall(query))
    if not words:
        return (), NO_WORDS
    terms = tuple(word for word in words if word not in STOP_WORDS)
    if not terms:
        return (), ONLY_COMMON_WORDS
    return terms, ""


# Highlighting -------------------------------------------------------------------------


def _stem(term: str) -> str:
    """A rough stem, so "markets" also marks "market", as PostgreSQL's stemmer matches it."""
    for suffix in _SUFFIXES:
        if term.endswith(suffix) and len(term) - len(suffix) >= 3:
            return term[: -len(suffix)]
    return term


class Highlighter:
    """Marks the words that start with a search term (or its rough stem), case-insensitively."""

    def __init__(self, terms: Sequence[str]):
        prefixes = sorted({_stem(term) for term in terms}, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(map(re.escape, prefixes)) + r")\w*", re.IGNORECASE
        )

    def __call__(self, text: str) -> SafeString:
        """``text`` escaped, with each matching word wrapped in ``<mark>``.

        Matches are found in the raw text and every piece is escaped on its own,
        so a term never matches inside an entity ("amp" in ``&amp;``).
        """
        pieces, end = [], 0
        for match in self.pattern.finditer(text):
            pieces.append(escape(text[end : match.start()]))
            pieces.append(f"<mark>{escape(match.group())}</mark>")
            end = match.end()
        pieces.append(escape(text[end:]))
        return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped


# Excerpts -----------------------------------------------------------------------------

_MARKDOWN = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: keep the label
    (re.compile(r"!?\[([^\]]*)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"^ {0,3}\[[^\]]+\]:.*$", re.MULTILINE), ""),  # link definitions
    (re.compile(r"^ {0,3}(?:#{1,6}|>+|[-*+]|\d+[.)])[ \t]+", re.MULTILINE), ""),  # blocks
    (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE), ""),  # horizontal rules
    (re.compile(r"^[ \t|:-]*-[ \t|:-]*$", re.MULTILINE), ""),  # table header rules
    (re.compile(r"[*`~]+|(?<!\w)_+|_+(?!\w)"), ""),  # emphasis and code marks
    (re.compile(r"\|"), " "),  # table cells
)


def plain_text(markdown: str) -> str:
    """Markdown with its syntax roughly removed and whitespace collapsed, for excerpts."""
    for pattern, replacement in _MARKDOWN:
        markdown = pattern.sub(replacement, markdown)
    return " ".join(markdown.split())


def excerpt(markdown: str, highlight: Highlighter, length: int = EXCERPT_LENGTH) -> SafeString:
    """About ``length`` characters of ``markdown`` as plain text, from near its first match."""
    text = plain_text(markdown or "")
    if len(text) <= length:
        return highlight(text)
    match = highlight.pattern.search(text)
    # Some words of context before the match, a full excerpt near the end, whole words.
    start = min(match.start() - length // 4, len(text) - length) if match else 0
    start = text.rfind(" ", 0, start) + 1 if start > 0 else 0
    end = start + length
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    return highlight(
        ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")
    )


# Queries ----------------------------------------------------------------------------


def ranked(queryset: QuerySet, fields: SearchFields, terms: Sequence[str]) -> QuerySet:
    """The rows of ``queryset`` that contain every term, annotated with ``rank``, best first."""
    if connection.vendor == "postgresql":
        # Each term is a prefix ("overd" finds "overdose"), stemmed and stop-listed
        # by the same configuration as the indexed text. Terms are letters and
        # digits only, so quoting them is enough to keep tsquery syntax out.
        query = SearchQuery(
            " & ".join(f"'{term}':*" for term in terms), config=SEARCH_CONFIG, search_type="raw"
        )
        matches = (
            queryset.alias(document=stored_document(queryset.model))
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query))
        )
    else:
        condition = Q()
        rank = Value(0)
        for term in terms:
            in_fields = {
                name: Q(**{f"{name}__icontains": term}) for name in (fields.title, *fields.body)
            }
            condition &= reduce(or_, in_fields.values())
            for name, found in in_fields.items():
                weight = TITLE_WEIGHT if name == fields.title else 1
                rank = rank + Case(When(found, then=Value(weight)), default=Value(0))
        matches = queryset.filter(condition).annotate(rank=rank)
    return matches.order_by("-rank", fields.title, "pk")


def search(query: str, *, user) -> SearchResults:
    """Strategy pages ``user`` may read and their measures, programs and resources
    matching ``query``.

    Runs no query for a query it refuses, and at most five otherwise: one per
    kind and one for the pages that list the resources found.
    """
    terms, problem = parse_query(query)
    if problem:
        return SearchResults(query=query, problem=problem)
    highlight = Highlighter(terms)

    pages = Strategy.objects.visible_to(user)
    strategies, more_strategies = _best(ranked(pages, STRATEGY_FIELDS, terms))
    measures, more_measures = _best(
        ranked(
            Measure.objects.filter(objective__strategy__in=pages).select_related(
                "objective__strategy"
            ),
            MEASURE_FIELDS,
            terms,
        )
    )
    programs, more_programs = _best(ranked(Program.objects.all(), PROGRAM_FIELDS, terms))
    listed_on = StrategyResource.objects.filter(strategy__in=pages).select_related("strategy")
    resources, more_resources = _best(
        ranked(Resource.objects.all(), RESOURCE_FIELDS, terms).prefetch_related(
            Prefetch(
                "strategy_links",
                queryset=listed_on.order_by("strategy__title", "section", "pk"),
                to_attr="visible_links",
            )
        )
    )
    return SearchResults(
        query=query,
        terms=terms,
        strategies=ResultGroup(
            "strategy",
            "Strategy pages",
            [_strategy_hit(page, highlight) for page in strategies],
            more_strategies,
        ),
        measures=ResultGroup(
            "measure",
            "Measures",
            [_measure_hit(measure, highlight) for measure in measures],
            more_measures,
        ),
        programs=ResultGroup(
            "program",
            "Programs",
            [_program_hit(program, highlight) for program in programs],
            more_programs,
        ),
        resources=ResultGroup(
            "resource",
            "Resources",
            [_resource_hit(resource, highlight) for resource in resources],
            more_resources,
        ),
    )


def _best(queryset: QuerySet) -> tuple[list, bool]:
    rows = list(queryset[: RESULTS_PER_KIND + 1])
    return rows[:RESULTS_PER_KIND], len(rows) > RESULTS_PER_KIND


def _strategy_hit(page: Strategy, highlight: Highlighter) -> Hit:
    meta = "" if page.is_public else f"{page.get_status_display()}: not public"
    return Hit(
        obj=page,
        title=highlight(page.title),
        url=page.get_absolute_url(),
        excerpt=excerpt(page.intro, highlight),
        meta=escape(meta),
    )


def _measure_hit(measure: Measure, highlight: Highlighter) -> Hit:
    objective, page = measure.objective, measure.objective.strategy
    unit = format_html("Measured in {}", highlight(measure.unit)) if measure.unit else ""
    hidden = "" if page.is_public else f"{page.get_status_display()} page: not public"
    return Hit(
        obj=measure,
        title=highlight(measure.name),
        url=measure.get_absolute_url(),
        excerpt=format_html("Objective: {} · on {}", objective.title, page.title),
        meta=format_html("{}{}{}", unit, " · " if unit and hidden else "", hidden),
    )


def _program_hit(program: Program, highlight: Highlighter) -> Hit:
    text = "\n\n".join(part for part in (program.summary, program.description) if part)
    return Hit(
        obj=program,
        title=highlight(program.name),
        url=program.get_absolute_url(),
        excerpt=excerpt(text, highlight),
        meta=escape(f"First implemented in {program.origin}" if program.origin else ""),
    )


def _resource_hit(resource: Resource, highlight: Highlighter) -> Hit:
    pages, seen = [], set()
    for link in resource.visible_links:  # a page can list a resource in both sections
        if link.strategy_id not in seen:
            seen.add(link.strategy_id)
            pages.append(link)
    source = ", ".join(part for part in (resource.publisher, str(resource.year or "")) if part)
    meta = highlight(source)
    return Hit(
        obj=resource,
        title=highlight(resource.title),
        url=resource.url,
        excerpt=excerpt(resource.description, highlight),
        meta=format_html(
            "{}{}", resource.get_kind_display(), format_html(" · {}", meta) if meta else ""
        ),
        pages=tuple(pages),
    )
