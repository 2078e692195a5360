"""Site search over every word a reader sees on a public page (``/search/?q=``).

Search covers, grouped by kind: strategy pages (title, introduction); programs
(name, summary, description, where and when each began, its implementations,
their outcomes and its evidence ratings' sources); resources (title, publisher,
description), with the pages that list them in a section or cite them as
references; objectives (title, details); measures (name, unit, data source);
actions (title, lead and partners); partners (name); people (page managers and
subject-matter experts, by name and area); and reviews (reviewer, comments,
answer). Only what sits on pages the visitor may read is found: the public
never finds a draft's objectives, measures, actions, people or reviews.

Each hit links to its exact place: a page's parts to their anchors on the
strategy page (``#objective-<id>``, ``#measure-<id>``, ``#action-<id>``,
``#review-<id>``, ``#expert-<id>``, ``#page-manager``, ``#program-<id>``,
``#implementation-<id>``, ``#outcome-<id>``, ``#rating-<id>``,
``#tools-resource-<id>``, ``#investigate-resource-<id>``,
``#reference-<id>``); programs and partners to their own pages, with the
pages they are on.

A query is words and "quoted phrases". Every word and phrase must match
somewhere in one result's document; a word matches the start of a word
("overd" finds "overdose"), a phrase its words in a row, whatever punctuation
lies between them ("drug-sale complaints", "High Point, NC"). Words are
stemmed, so that "burglary" finds "burglaries".

On PostgreSQL the rows are found and ranked by full-text search (the "english"
configuration) on each row's stored document: a ``search_document`` column
that only PostgreSQL has, kept by triggers and served by a GIN index (see
``public/migrations/0001_search_documents.py`` for what each document holds,
and the domain apps' earlier migrations). The models do not know the column,
so no ordinary query ever loads it. When a search finds nothing, each word that
starts no indexed word is replaced by the nearest one by trigram similarity
(``pg_trgm``, over the ``search_word`` dictionary), and the corrected search
is shown when it finds something ("buglaries" → "burglaries").

On other databases (SQLite in development) every word or phrase must match in
some field of the same documents, case-insensitively, by a regular expression
(``Query.patterns``; Django gives SQLite a ``REGEXP`` function that runs
Python's ``re``): a word's rough stem (``_stem``) at the start of a word, a
phrase's words in a row with anything but letters and digits between them.
Rows rank by the number of fields each appears in, a title match counting
more. No typo tolerance.

Highlighting and excerpts are made in Python with the same expressions, the
same on every database: a phrase is marked as a whole.
"""

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    DEFERRED,
    Case,
    Exists,
    Expression,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Concat
from django.urls import get_script_prefix, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from accounts.people import person_name
from accounts.rules import may_read_drafts
from programs.models import Outcome, Program, Resource, evidence_prefetches
from reviews.models import ExpertAssignment, Review
from scorecards.models import Action, Measure, Objective, Partner
from strategy.models import Strategy, StrategyProgram, StrategyResource

MAX_QUERY_LENGTH = 200
RESULTS_PER_KIND = 10
PLACES_PER_HIT = 5
EXCERPT_LENGTH = 240
SEARCH_CONFIG = "english"
# Fallback ranking: a word in the title counts this many matches in a body field.
TITLE_WEIGHT = 3
# Typo tolerance: the least trigram similarity of a suggested word (pg_trgm's default).
SIMILARITY = 0.3

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

EMPTY_QUERY = (
    "Type a word or two to search strategy pages, programs, resources, scorecards, "
    "partners, people and reviews. Put a phrase in quotes: “High Point”."
)
LONG_QUERY = (
    f"That search is too long. Use at most {MAX_QUERY_LENGTH} characters: "
    "a few distinctive words work best."
)
NO_WORDS = "Search for words or numbers: punctuation on its own does not match anything."
ONLY_COMMON_WORDS = "Those words are too common to search for. Add a more distinctive word."

# Letters and digits: punctuation (and the underscore) separates words, as in
# PostgreSQL's parser, and a term can never carry tsquery syntax.
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


# The query ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What a visitor typed, as words and quoted phrases."""

    words: tuple[str, ...]  # lower case, stop words dropped
    phrases: tuple[tuple[str, ...], ...] = ()  # each phrase's words, stop words kept

    @property
    def terms(self) -> tuple[str, ...]:
        """Every distinct word that may be highlighted."""
        found = [*self.words, *(word for phrase in self.phrases for word in phrase)]
        return tuple(dict.fromkeys(word for word in found if word not in STOP_WORDS))

    @property
    def patterns(self) -> tuple[str, ...]:
        """What the fallback looks for in the fields, as regular expressions (Python's
        syntax, matched case-insensitively): each word, each phrase."""
        return (*map(word_pattern, self.words), *map(phrase_pattern, self.phrases))

    def tsquery(self) -> str:
        """The raw tsquery: each word a prefix, each phrase its words in a row, all ANDed.

        Terms are letters and digits only, so quoting them keeps tsquery syntax out;
        PostgreSQL drops the stop words of a phrase and counts the gap they leave.
        """
        parts = [f"'{word}':*" for word in self.words]
        parts += [
            "(" + " <-> ".join(f"'{word}'" for word in phrase) + ")" for phrase in self.phrases
        ]
        return " & ".join(parts)


def parse_query(text: str) -> tuple[Query | None, str]:
    """The words and phrases of ``text``, or a message saying why there are none."""
    text = text.strip()
    if not text:
        return None, EMPTY_QUERY
    if len(text) > MAX_QUERY_LENGTH:
        return None, LONG_QUERY
    text = text.translate(_QUOTES)
    phrases, words = {}, {}
    for quoted in _PHRASE.findall(text):
        phrase = tuple(word.lower() for word in _WORD.findall(quoted))
        if len(phrase) > 1:
            phrases[phrase] = None
        elif phrase:
            words[phrase[0]] = None
    words.update(dict.fromkeys(word.lower() for word in _WORD.findall(_PHRASE.sub(" ", text))))
    if not words and not phrases:
        return None, NO_WORDS
    query = Query(
        words=tuple(word for word in words if word not in STOP_WORDS),
        phrases=tuple(phrase for phrase in phrases if set(phrase) - STOP_WORDS),
    )
    if not query.words and not query.phrases:
        return None, ONLY_COMMON_WORDS
    return query, ""


# Matching and highlighting -----------------------------------------------------------

# Letters and digits make words; anything else lies between them.
_START = r"(?<![^\W_])"
_END = r"(?![^\W_])"
_BETWEEN = r"[\W_]+"
_VOWELS = "aeiouy"
# The endings of the words that share a stem ("market": markets, marketed, marketing).
_ENDINGS = r"(?:e|es|s|ed|ing)?"


def _stem(term: str) -> str:
    """A rough English stem of ``term``, as a regular expression, for the databases
    without PostgreSQL's stemmer and for highlighting: a word starting with it is a
    form of ``term`` ("overdoses" → overdos, "policing" → polic, "burglary" and
    "burglaries" → burglar[yi]).

    It drops one ending: -ing or -ed (and one of a doubled consonant before it:
    "planning" → plann?), -s (not that of -ss, -us or -is), -es after s, x, ch or sh;
    then a final e; and a y or -ies after a consonant becomes y-or-i. At least three
    letters remain (four before a dropped e), so short words stay whole.
    """
    for ending in ("ies", "y"):
        root = term.removesuffix(ending)
        if root != term and len(root) >= 3 and root[-1] not in _VOWELS:
            return re.escape(root) + "[yi]"
    root = term
    if term.endswith(("sses", "xes", "ches", "shes")):
        root = term[:-2]
    elif term.endswith(("ing", "ed")):
        root = term[: -3 if term.endswith("ing") else -2]
        if len(root) < 3 or not set(root) & set(_VOWELS):
            root = term
        elif root[-1] == root[-2] and root[-1] not in _VOWELS + "lsz" and len(root) > 3:
            return re.escape(root[:-1]) + re.escape(root[-1]) + "?"
    elif term.endswith("s") and not term.endswith(("ss", "us", "is")) and len(term) > 3:
        root = term[:-1]
    if root.endswith("e") and len(root) > 4:
        root = root[:-1]
    return re.escape(root)


def word_pattern(word: str) -> str:
    """The words that a search word finds: those starting with its stem."""
    return _START + _stem(word) + r"[^\W_]*"


def phrase_pattern(phrase: Sequence[str]) -> str:
    """A phrase: its words in a row, each with its stem's endings (a common word as
    typed), with anything but letters and digits between them."""
    return _BETWEEN.join(
        _START + (re.escape(word) if word in STOP_WORDS else _stem(word) + _ENDINGS) + _END
        for word in phrase
    )


class Highlighter:
    """Marks the words found by the search words (``word_pattern``) and the phrases
    found by the searched phrases, each as a whole, case-insensitively."""

    def __init__(self, words: Sequence[str], phrases: Sequence[Sequence[str]] = ()):
        # A phrase before a word, so that a phrase starting with it is marked whole.
        patterns = [phrase_pattern(phrase) for phrase in phrases]
        patterns += sorted(map(word_pattern, dict.fromkeys(words)), key=len, reverse=True)
        self.pattern = re.compile("|".join(patterns), re.IGNORECASE)

    def matches(self, text: str) -> bool:
        return bool(text) and self.pattern.search(text) is not None

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

# Each pattern, what replaces it, and what a text must hold for it to match (one of
# these strings; none: always tried). Checking that first skips most patterns for
# text without Markdown.
_MARKDOWN = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1", ("](",)),  # links and images: the label
    (re.compile(r"!?\[([^\]]*)\]\[[^\]]*\]"), r"\1", ("][",)),  # reference links
    (re.compile(r"^ {0,3}\[[^\]]+\]:.*$", re.MULTILINE), "", ("]:",)),  # link definitions
    (re.compile(r"^ {0,3}(?:#{1,6}|>+|[-*+]|\d+[.)])[ \t]+", re.MULTILINE), "", ()),  # blocks
    (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE), "", ("-", "*", "_")),  # rules
    (re.compile(r"^[ \t|:-]*-[ \t|:-]*$", re.MULTILINE), "", ("-",)),  # table header rules
    # Emphasis and code marks: underscores at a word's edge (judged before the other
    # marks go, as in one pass), then every *, ` and ~.
    (re.compile(r"(?<!\w)_+|_+(?!\w)"), "", ("_",)),
    (re.compile(r"[*`~]+"), "", ("*", "`", "~")),
    (re.compile(r"\|"), " ", ("|",)),  # table cells
)


def plain_text(markdown: str) -> str:
    """Markdown with its syntax roughly removed and whitespace collapsed, for excerpts."""
    for pattern, replacement, needs in _MARKDOWN:
        if not needs or any(need in markdown for need in needs):
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


# What each kind is searched on --------------------------------------------------------


@dataclass(frozen=True)
class SearchFields:
    """The fields one kind is searched on, as its stored document holds them.

    ``title`` is weighted highest; ``related`` are lookups across a relation to many
    rows (the fallback looks there with a subquery, so a row is found once).
    ``order`` breaks ties of rank.
    """

    title: tuple[str, ...]
    body: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    order: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.title, *self.body, *self.related)


STRATEGY_FIELDS = SearchFields(("title",), ("intro",), order=("title",))
PROGRAM_FIELDS = SearchFields(
    ("name",),
    ("summary", "description", "first_implemented_place", "first_implemented_year"),
    (
        "implementations__place",
        "implementations__start_year",
        "implementations__notes",
        "implementations__outcomes__indicator",
        "implementations__outcomes__period",
        "ratings__source",
        "ratings__outcome_rated",
    ),
    order=("name",),
)
RESOURCE_FIELDS = SearchFields(("title",), ("publisher", "description"), order=("title",))
OBJECTIVE_FIELDS = SearchFields(("title",), ("details",), order=("title",))
MEASURE_FIELDS = SearchFields(("name",), ("unit", "data_source__name"), order=("name",))
ACTION_FIELDS = SearchFields(("title",), ("lead__name",), ("partners__name",), order=("title",))
PARTNER_FIELDS = SearchFields(("name",), order=("name",))
# A person's name as the site shows it (``accounts.people.person_name``); the fallback
# also reads the account's full name, so that a phrase may span first and last names.
REVIEW_FIELDS = SearchFields(
    ("reviewer_name", "reviewer__username", "reviewer_full_name"),
    ("comments", "reply", "addressed_by_name"),
    order=("-reviewed_on",),
)
EXPERT_FIELDS = SearchFields(
    ("expert_name", "expert__username", "expert_full_name"), ("area",), order=("expert_name",)
)
PERSON_FIELDS = SearchFields(("first_name", "last_name", "username", "full_name"))


def full_name(prefix: str = "") -> Concat:
    return Concat(F(f"{prefix}first_name"), Value(" "), F(f"{prefix}last_name"))


class StoredDocument(Expression):
    """The row's stored ``search_document``, on PostgreSQL (see the module's docstring).

    Named through the query's own alias for its table, so that it stays the row's
    document inside a subquery too (where the table is ``U0``).
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_document", []


def ranked(queryset: QuerySet, fields: SearchFields, query: Query, *, document=None) -> QuerySet:
    """The rows of ``queryset`` that match every word and phrase, annotated with ``rank``,
    best first.

    ``document``: what PostgreSQL searches instead of the row's stored document.
    """
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(query.tsquery(), config=SEARCH_CONFIG, search_type="raw")
        document = StoredDocument() if document is None else document
        matches = (
            queryset.alias(document=document)
            .filter(document=tsquery)
            .annotate(rank=SearchRank(F("document"), tsquery))
        )
    else:
        condition = Q()
        rank = Value(0)
        manager = queryset.model._default_manager
        for pattern in query.patterns:
            found = {name: Q(**{f"{name}__iregex": pattern}) for name in fields.fields}
            for name in fields.related:
                rows = manager.filter(**{f"{name}__iregex": pattern}).values("pk")
                found[name] = Q(pk__in=rows)
            condition &= reduce(or_, found.values())
            for name, here in found.items():
                weight = TITLE_WEIGHT if name in fields.title else 1
                rank = rank + Case(When(here, then=Value(weight)), default=Value(0))
        matches = queryset.filter(condition).annotate(rank=rank)
    return matches.order_by("-rank", *fields.order, "pk")


# Results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where on the site a hit is shown: a link, and what it is there."""

    text: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Hit:
    """One result, ready to show: the highlighted parts are escaped HTML."""

    obj: Model
    title: SafeString
    url: str  # "" when the result has no page of its own
    excerpt: SafeString
    meta: SafeString  # a short line under the title
    places: tuple[Place, ...] = ()  # the pages it is on, which the visitor may read
    more_places: int = 0  # places left out of ``places``
    places_label: str = ""  # "On", "Listed on", …
    no_places: str = ""  # said when it is on no page the visitor may read


@dataclass(frozen=True)
class ResultGroup:
    kind: str
    label: str
    hits: list[Hit]
    more: bool  # more than RESULTS_PER_KIND matched; only the best are listed


KINDS = (
    ("strategy", "Strategy pages"),
    ("program", "Programs"),
    ("resource", "Resources"),
    ("objective", "Objectives"),
    ("measure", "Measures"),
    ("action", "Actions"),
    ("partner", "Partners"),
    ("person", "People"),
    ("review", "Reviews"),
)


@dataclass(frozen=True)
class SearchResults:
    query: str
    problem: str = ""  # why the query was not run, in words for the visitor
    terms: tuple[str, ...] = ()
    groups: tuple[ResultGroup, ...] = ()
    corrected_from: str = ""  # the query as typed, when these are a corrected query's results

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)

    @property
    def quoted_query(self) -> str:
        return quoted(self.query)

    @property
    def quoted_corrected_from(self) -> str:
        return quoted(self.corrected_from)

    def group(self, kind: str) -> ResultGroup:
        """One kind's group (empty for a query that was not run)."""
        found = [group for group in self.groups if group.kind == kind]
        return found[0] if found else ResultGroup(kind, dict(KINDS)[kind], [], False)

    strategies = property(lambda self: self.group("strategy"))
    programs = property(lambda self: self.group("program"))
    resources = property(lambda self: self.group("resource"))
    objectives = property(lambda self: self.group("objective"))
    measures = property(lambda self: self.group("measure"))
    actions = property(lambda self: self.group("action"))
    partners = property(lambda self: self.group("partner"))
    people = property(lambda self: self.group("person"))
    reviews = property(lambda self: self.group("review"))


def quoted(text: str) -> str:
    """``text`` in quotation marks, as the results page names a query; as it is when it
    quotes a phrase itself, or opens one, so that its marks are not doubled."""
    marked = text.translate(_QUOTES)
    return text if _PHRASE.search(marked) or marked.startswith('"') else f"“{text}”"


def search(text: str, *, user, correct: bool = True) -> SearchResults:
    """What pages ``user`` may read show that matches ``text``, grouped by kind.

    Runs no query for a query it refuses. Otherwise its queries are a fixed
    number, whatever the number of rows: on PostgreSQL one statement that ranks
    every kind and reads the hits of most (``_ranked``), then one for each of
    the other kinds that found something; on SQLite one per kind; and some for
    the places of the hits found (each skipped when its kind finds nothing).
    When nothing is found on PostgreSQL, one more looks up the nearest words,
    and the corrected query is run once.
    """
    query, problem = parse_query(text)
    if problem:
        return SearchResults(query=text, problem=problem)
    highlight = Highlighter(query.words, query.phrases)
    pages = Strategy.objects.visible_to(user)
    finders: dict[str, Callable] = {
        "strategy": _strategies,
        "program": _programs,
        "resource": _resources,
        "objective": _objectives,
        "measure": _measures,
        "action": _actions,
        "partner": _partners,
        "person": _people,
        "review": _reviews,
    }
    # On PostgreSQL one statement finds and ranks the hits of every kind, and reads
    # most kinds' hits with what they show of other rows; each kind then makes its hits.
    ranks = _ranked(query, user) if connection.vendor == "postgresql" else None
    groups = []
    for kind, label in KINDS:
        hits, more = finders[kind](pages, query, highlight, ranks)
        groups.append(ResultGroup(kind, label, hits, more))
    results = SearchResults(query=text, terms=query.terms, groups=tuple(groups))
    if results.count or not correct or connection.vendor != "postgresql":
        return results
    corrected = corrected_query(text, query)
    if corrected:
        found = search(corrected, user=user, correct=False)
        if found.count:
            return SearchResults(
                query=corrected, terms=found.terms, groups=found.groups, corrected_from=text
            )
    return results


def corrected_query(text: str, query: Query) -> str:
    """``text`` with each word that starts no indexed word replaced by the most similar
    indexed word, or "" when no word needs, or has, a replacement (PostgreSQL only)."""
    words = sorted({*query.words, *(word for phrase in query.phrases for word in phrase)})
    words = [word for word in words if word not in STOP_WORDS and not word.isdigit()]
    if not words:
        return ""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT term, (
                SELECT word FROM search_word
                WHERE word %% term AND similarity(word, term) >= %s
                ORDER BY similarity(word, term) DESC, word LIMIT 1
            )
            FROM unnest(%s::text[]) AS term
            WHERE NOT EXISTS (SELECT 1 FROM search_word WHERE word LIKE term || '%%')
            """,
            [SIMILARITY, words],
        )
        replacements = {term: word for term, word in cursor.fetchall() if word}
    if not replacements:
        return ""
    return _WORD.sub(lambda match: replacements.get(match.group().lower(), match.group()), text)


# One statement ranks every kind, on PostgreSQL ------------------------------------------

_TSQUERY = "to_tsquery('english'::regconfig, %(q)s)"
# A page the visitor may read (``Strategy.objects.visible_to``): ``{page}`` is its id.
_VISIBLE = (
    "EXISTS (SELECT 1 FROM strategy_strategy s "
    "WHERE s.id = {page} AND s.status = ANY(%(statuses)s))"
)
# The page of a measure's or an action's objective.
_OBJECTIVES_PAGE = "(SELECT o.strategy_id FROM scorecards_objective o WHERE o.id = t.objective_id)"


@dataclass(frozen=True)
class _Branch:
    """How ``_ranked`` finds one kind: its table, the column that orders equal ranks
    (as ``ranked()`` orders them), and how a row names the page it is on, if it is on one."""

    table: str
    tie: str
    descending: bool = False
    page: str = ""  # "status" (the row is a page), "strategy_id", "objective_id" or none

    def sql(self, public_only: bool) -> str:
        """The best ``RESULTS_PER_KIND`` + 1 ids, as an array."""
        order = f"t.{self.tie}{' DESC' if self.descending else ''}, t.id"
        limit = f"LIMIT {RESULTS_PER_KIND + 1}"
        rank = f"ts_rank(t.search_document, {_TSQUERY})"
        where = f"t.search_document @@ {_TSQUERY}"
        if public_only and self.page == "status":
            where += " AND t.status = ANY(%(statuses)s)"
        if not public_only or self.page in ("", "status"):
            found = f"{self.table} t WHERE {where} ORDER BY {rank} DESC, {order}"
            return f"ARRAY(SELECT t.id FROM {found} {limit})"  # noqa: S608 - constant text
        # Every match is ranked alone, then the best are checked one by one until enough
        # are on pages the visitor may read: joining the pages first made PostgreSQL join
        # every match (a thousand measures) before ranking them.
        columns = f"t.id, t.{self.tie}, t.{self.page}, {rank} AS rank"
        ranked = f"SELECT {columns} FROM {self.table} t WHERE {where} ORDER BY rank DESC, {order}"  # noqa: S608 - constant text
        page = _OBJECTIVES_PAGE if self.page == "objective_id" else f"t.{self.page}"
        best = f"({ranked}) t WHERE {_VISIBLE.format(page=page)} ORDER BY t.rank DESC, {order}"
        return f"ARRAY(SELECT t.id FROM {best} {limit})"  # noqa: S608 - constant text


_BRANCHES = {
    "strategy": _Branch("strategy_strategy", "title", page="status"),
    "program": _Branch("programs_program", "name"),
    "resource": _Branch("programs_resource", "title"),
    "objective": _Branch("scorecards_objective", "title", page="strategy_id"),
    "measure": _Branch("scorecards_measure", "name", page="objective_id"),
    "action": _Branch("scorecards_action", "title", page="objective_id"),
    "partner": _Branch("scorecards_partner", "name"),
    "expert": _Branch("reviews_expertassignment", "expert_name", page="strategy_id"),
    "review": _Branch("reviews_review", "reviewed_on", descending=True, page="strategy_id"),
}
_PERSON = (
    "to_tsvector('english'::regconfig, COALESCE(u.first_name, '') || ' ' || "
    "COALESCE(u.last_name, '') || ' ' || COALESCE(u.username, ''))"
)


def _json(alias: str, *columns: str, **nested: str) -> str:
    """A JSON object of ``alias``'s ``columns`` and the ``nested`` objects (SQL)."""
    pairs = [f"'{column}', {alias}.{column}" for column in ("id", *columns)]
    pairs += [f"'{name}', {value}" for name, value in nested.items()]
    return f"json_build_object({', '.join(pairs)})"


def _json_or_null(alias: str, *columns: str) -> str:
    """The row of an optional relation (a LEFT JOIN as ``alias``) as JSON, or null."""
    return f"CASE WHEN {alias}.id IS NULL THEN NULL ELSE {_json(alias, *columns)} END"


def _json_list(value: str, source: str, order: str) -> str:
    """A JSON list of ``value`` over the rows of ``source``, in ``order``; [] when none."""
    return f"(SELECT COALESCE(json_agg({value} ORDER BY {order}), '[]') FROM {source})"  # noqa: S608 - constant text


_PAGE_JSON = _json("s", "title", "slug", "status")
_ON_OBJECTIVE = (
    "JOIN scorecards_objective o ON o.id = t.objective_id "
    "JOIN strategy_strategy s ON s.id = o.strategy_id"
)
_OBJECTIVE_JSON = _json("o", "title", strategy=_PAGE_JSON)


@functools.cache
def _loads(public_only: bool) -> dict[str, tuple[str, str]]:
    """Per kind that ``_ranked`` loads with its ids: the FROM of its hits (the hit as ``t``)
    and what a hit shows, as the JSON of its model's fields (a nested object is a
    related row), and of other rows under names that are no field: ``on_pages``
    (title, slug[, section]) for the readable pages a program or resource is on,
    ``cited`` for a resource that some outcome cites, ``partner_names`` for an action.
    Their order is that of the querysets the other databases read them with."""
    visible = "s.status = ANY(%(statuses)s)" if public_only else "TRUE"
    links = "{table} l JOIN strategy_strategy s ON s.id = l.strategy_id WHERE l.{key} = t.id AND "
    return {
        "strategy": ("strategy_strategy t", _json("t", "title", "slug", "intro", "status")),
        "program": (
            "programs_program t",
            _json(
                "t",
                "name",
                "slug",
                "summary",
                "description",
                "first_implemented_place",
                "first_implemented_year",
                on_pages=_json_list(
                    "json_build_array(s.title, s.slug)",
                    links.format(table="strategy_strategyprogram", key="program_id") + visible,
                    "s.title, l.id",
                ),
            ),
        ),
        "resource": (
            "programs_resource t",
            _json(
                "t",
                "title",
                "url",
                "publisher",
                "year",
                "kind",
                "description",
                cited="EXISTS (SELECT 1 FROM programs_outcome c WHERE c.source_id = t.id)",
                on_pages=_json_list(
                    "json_build_array(s.title, s.slug, l.section)",
                    links.format(table="strategy_strategyresource", key="resource_id") + visible,
                    "s.title, l.section, l.id",
                ),
            ),
        ),
        "objective": (
            "scorecards_objective t JOIN strategy_strategy s ON s.id = t.strategy_id",
            _json("t", "title", "details", strategy=_PAGE_JSON),
        ),
        "measure": (
            f"scorecards_measure t {_ON_OBJECTIVE} "
            "LEFT JOIN scorecards_datasource d ON d.id = t.data_source_id",
            _json(
                "t",
                "name",
                "unit",
                objective=_OBJECTIVE_JSON,
                data_source=_json_or_null("d", "name"),
            ),
        ),
        "action": (
            f"scorecards_action t {_ON_OBJECTIVE} "
            "LEFT JOIN scorecards_partner lead ON lead.id = t.lead_id",
            _json(
                "t",
                "title",
                "status",
                objective=_OBJECTIVE_JSON,
                lead=_json_or_null("lead", "name"),
                partner_names=_json_list(
                    "p.name",
                    "scorecards_action_partners l JOIN scorecards_partner p "
                    "ON p.id = l.partner_id WHERE l.action_id = t.id",
                    "p.name, p.id",
                ),
            ),
        ),
        "review": (
            "reviews_review t JOIN strategy_strategy s ON s.id = t.strategy_id "
            "LEFT JOIN auth_user u ON u.id = t.reviewer_id",
            _json(
                "t",
                "reviewed_on",
                "comments",
                "reply",
                "reviewer_name",
                strategy=_PAGE_JSON,
                reviewer=_json_or_null("u", "username", "first_name", "last_name"),
            ),
        ),
    }


@functools.cache
def _ranking_sql(public_only: bool) -> str:
    """The statement of ``_ranked``: one row, one array of ids per kind, best first, then
    the rows of the hits shown of each kind in ``_loads``."""
    columns = [f"{branch.sql(public_only)} AS {kind}" for kind, branch in _BRANCHES.items()]
    # Page managers: the visible pages whose manager's name matches, by the manager's name.
    visible = "t.status = ANY(%(statuses)s)" if public_only else "TRUE"
    manager = (
        "strategy_strategy t JOIN auth_user u ON u.id = t.page_manager_id "
        f"WHERE {visible} AND {_PERSON} @@ {_TSQUERY} "
        f"ORDER BY u.last_name, u.first_name, t.title, t.id LIMIT {RESULTS_PER_KIND + 1}"
    )
    columns.append(f"ARRAY(SELECT t.id FROM {manager}) AS manager")  # noqa: S608 - constant text
    # MATERIALIZED: each array is computed once, not again where its hits are loaded.
    loads = [
        f"(SELECT json_agg({row}) FROM {source} "  # noqa: S608 - constant text
        f"WHERE t.id = ANY(ranked.{kind}[1:{RESULTS_PER_KIND}])) AS {kind}_rows"
        for kind, (source, row) in _loads(public_only).items()
    ]
    return (
        "WITH ranked AS MATERIALIZED (SELECT "  # noqa: S608 - constant text
        + ",\n".join(columns)
        + ")\nSELECT ranked.*, "
        + ",\n".join(loads)
        + " FROM ranked"
    )


@dataclass(frozen=True)
class _Ranked:
    """What ``_ranked`` found: per kind (and ``"manager"``, the pages whose manager's
    name matches), the best ids, one more than are shown when there are more; and per
    kind in ``_loads``, the rows of the hits shown, by id."""

    ids: dict[str, list[int]]
    rows: dict[str, dict[int, dict]]


def _ranked(query: Query, user) -> _Ranked:
    """The best ``RESULTS_PER_KIND`` + 1 ids of every kind, best first, in one statement
    written once as SQL: the same rows, in the same order, as ``ranked()`` finds in each
    kind's queryset; with what most kinds' hits show, so that they need no other query."""
    public_only = not may_read_drafts(user)
    params = {"q": query.tsquery(), "statuses": [str(s) for s in Strategy.PUBLIC_STATUSES]}
    with connection.cursor() as cursor:
        cursor.execute(_ranking_sql(public_only), params)
        row = cursor.fetchone()
    kinds = [*_BRANCHES, "manager"]
    ids = dict(zip(kinds, row[: len(kinds)], strict=True))
    loaded = zip(_loads(public_only), row[len(kinds) :], strict=True)
    rows = {kind: {hit["id"]: hit for hit in found or []} for kind, found in loaded}
    return _Ranked(ids, rows)


def _model(model: type[Model], row: dict) -> Model:
    """An instance of ``model`` from a JSON ``row`` of ``_loads``: its fields (the others
    deferred), its related rows (nested objects) and the row's other values as attributes."""
    concrete = model._meta.concrete_fields
    obj = model.from_db(
        DEFAULT_DB_ALIAS,  # where ``_ranked`` reads; not ``connection.alias``, slow to ask
        [field.attname for field in concrete],
        [
            field.to_python(row[field.name])
            if field.name in row and not field.is_relation
            else DEFERRED
            for field in concrete
        ],
    )
    for name, value in row.items():
        if name not in _field_names(model):  # what the hit shows of other rows
            setattr(obj, name, value)
        elif (field := model._meta.get_field(name)).is_relation:
            setattr(obj, name, None if value is None else _model(field.related_model, value))
    return obj


@functools.cache
def _field_names(model: type[Model]) -> frozenset[str]:
    return frozenset(field.name for field in model._meta.concrete_fields)


def _best(
    queryset: QuerySet,
    fields: SearchFields | None = None,
    query: Query | None = None,
    load: Callable[[QuerySet], QuerySet] | None = None,
    *,
    ranks: _Ranked | None = None,
    kind: str = "",
) -> tuple[list, bool]:
    """The best ``RESULTS_PER_KIND`` rows, and whether there were more.

    Without ``ranks``: the rows of ``queryset`` that match ``fields`` and ``query``,
    ranked; ``load`` adds what the hits show of other rows (their pages, sources,
    people). With ``ranks`` (found by ``_ranked``): the rows of ``kind`` found there, in
    that order: built from the rows it loaded, or read by id (no query when none).
    """
    if ranks is not None:
        ids = ranks.ids[kind]
        shown = ids[:RESULTS_PER_KIND]
        if not shown:
            return [], False
        if kind in ranks.rows:
            by_pk = {pk: _model(queryset.model, row) for pk, row in ranks.rows[kind].items()}
        else:
            rows = queryset.model._default_manager.filter(pk__in=shown).order_by()
            by_pk = {row.pk: row for row in (load(rows) if load is not None else rows)}
        return [by_pk[pk] for pk in shown if pk in by_pk], len(ids) > RESULTS_PER_KIND
    if fields is not None:
        queryset = ranked(queryset, fields, query)
    if load is not None:
        queryset = load(queryset)
    rows = list(queryset[: RESULTS_PER_KIND + 1])
    return rows[:RESULTS_PER_KIND], len(rows) > RESULTS_PER_KIND


def _not_public(page: Strategy, what: str = "") -> str:
    return "" if page.is_public else f"{page.get_status_display()}{what}: not public"


def _on_page(page: Strategy) -> str:
    hidden = _not_public(page, " page")
    return f"on {page.title}" + (f" ({hidden})" if hidden else "")


def _places(places: Sequence, place: Callable[..., Place]) -> tuple[tuple[Place, ...], int]:
    """The first ``PLACES_PER_HIT`` of ``places`` made into ``Place``s, and how many more."""
    shown = tuple(
        place(*item) if isinstance(item, tuple) else place(item) for item in places[:PLACES_PER_HIT]
    )
    return shown, max(0, len(places) - PLACES_PER_HIT)


_SLUG = "\x00slug"


def _page_url(slug: str, anchor: str = "") -> str:
    """A strategy page's address (with ``#anchor``), without resolving the URL each time."""
    url = _page_url_pattern(get_script_prefix()).replace(_SLUG, slug)
    return f"{url}#{anchor}" if anchor else url


@functools.lru_cache(maxsize=16)
def _page_url_pattern(prefix: str) -> str:
    # Per script prefix, which reverse() puts in front of every address.
    return reverse("strategy:strategy-detail", args=["slug"]).replace("/slug/", f"/{_SLUG}/")


# What a hit shows of the page it is on (``_page_url``, ``_on_page``), and of a person
# (``person_name``): loaded alone, as a page's other columns are long texts.
_PAGE = ("strategy__title", "strategy__slug", "strategy__status")
_PAGE_OF_OBJECTIVE = tuple(f"objective__{name}" for name in _PAGE)
_REVIEWER = ("reviewer__username", "reviewer__first_name", "reviewer__last_name")


# Strategy pages


def _strategies(pages, query, highlight, ranks):
    found, more = _best(
        pages,
        STRATEGY_FIELDS,
        query,
        lambda rows: rows.only("title", "slug", "intro", "status"),
        ranks=ranks,
        kind="strategy",
    )
    return [
        Hit(
            obj=page,
            title=highlight(page.title),
            url=_page_url(page.slug),
            excerpt=excerpt(page.intro, highlight),
            meta=escape(_not_public(page)),
        )
        for page in found
    ], more


# Programs


def _programs(pages, query, highlight, ranks):
    found, more = _best(Program.objects.all(), PROGRAM_FIELDS, query, ranks=ranks, kind="program")
    itself = {program.pk: _matched_itself(program, highlight) for program in found}
    # The evidence is read only for programs matched there: to show that line.
    prefetch_related_objects(
        [program for program in found if not itself[program.pk]], *evidence_prefetches()
    )
    if ranks is not None:
        on_pages = _loaded_pages(found)
    else:
        on_pages = _pages_of(
            StrategyProgram.objects.filter(strategy__in=pages, program__in=found),
            "program_id",
            order=("strategy__title", "pk"),
        )
    return [
        _program_hit(program, itself[program.pk], on_pages.get(program.pk, []), highlight)
        for program in found
    ], more


def _loaded_pages(found: list) -> dict:
    """The pages ``_ranked`` read with each hit (``on_pages``), as ``_pages_of`` gives them."""
    return {hit.pk: [tuple(page) for page in hit.on_pages] for hit in found}


def _pages_of(links: QuerySet, key: str, *columns: str, order: Sequence[str]) -> dict:
    """The pages each hit is on, from ``links`` (rows that join a hit to a page), as
    ``(title, slug, *columns)`` tuples grouped by the hit's id in ``key``.

    Read as plain values: a model for each link cost more than the rest of the kind.
    No query when there is no hit (Django runs none for an empty ``__in``)."""
    found: dict = {}
    rows = links.order_by(*order).values_list(key, "strategy__title", "strategy__slug", *columns)
    for hit, *page in rows:
        found.setdefault(hit, []).append(tuple(page))
    return found


def _own_text(program: Program) -> str:
    return "\n\n".join(part for part in (program.summary, program.description) if part)


def _matched_itself(program: Program, highlight: Highlighter) -> bool:
    """Whether the program's name, text or origin shows a searched word."""
    return any(
        highlight.matches(text)
        for text in (program.name, plain_text(_own_text(program)), program.origin)
    )


def _program_parts(program: Program) -> Iterable[tuple[str, str, str]]:
    """What the program shows of its evidence: (text, anchor on a strategy page, anchor on
    the program's page)."""
    for rating in program.ratings.all():
        text = f"{rating.get_rating_display()} according to {rating.source}"
        text += f": {rating.outcome_rated}" if rating.outcome_rated else ""
        yield text, f"rating-{rating.pk}", "ratings"
    for implementation in program.implementations.all():
        place = implementation.place + (
            f", since {implementation.start_year}" if implementation.start_year else ""
        )
        anchor = f"implementation-{implementation.pk}"
        yield f"{place}. {plain_text(implementation.notes)}".strip(), anchor, anchor
        for outcome in implementation.outcomes.all():
            text = f"{place}: {outcome}"
            yield text, f"outcome-{outcome.pk}", anchor


def _program_hit(
    program: Program, itself: bool, on_pages: list[tuple[str, str]], highlight: Highlighter
) -> Hit:
    """``itself``: whether the program's own name, text or origin matched."""
    page_anchor, program_anchor, text = f"program-{program.pk}", "", _own_text(program)
    if not itself:
        for part, on_page, on_program in _program_parts(program):
            if highlight.matches(part):
                text, page_anchor, program_anchor = part, on_page, on_program
                break
    places, more_places = _places(
        on_pages, lambda title, slug: Place(title, _page_url(slug, page_anchor))
    )
    url = program.get_absolute_url()
    return Hit(
        obj=program,
        title=highlight(program.name),
        url=f"{url}#{program_anchor}" if program_anchor else url,
        excerpt=excerpt(text, highlight),
        meta=format_html("First implemented in {}", highlight(program.origin))
        if program.origin
        else escape(""),
        places=places,
        more_places=more_places,
        places_label="On",
        no_places="Not on a public strategy page yet.",
    )


# Resources


def _resources(pages, query, highlight, ranks):
    found, more = _best(
        Resource.objects.all(),
        RESOURCE_FIELDS,
        query,
        lambda rows: rows.annotate(cited=Exists(Outcome.objects.filter(source=OuterRef("pk")))),
        ranks=ranks,
        kind="resource",
    )
    # The pages that list each resource in a section: (title, slug, section).
    if ranks is not None:
        on_pages = _loaded_pages(found)
    else:
        on_pages = _pages_of(
            StrategyResource.objects.filter(strategy__in=pages, resource__in=found),
            "resource_id",
            "section",
            order=("strategy__title", "section", "pk"),
        )
    # The pages whose programs' outcomes cite each resource, in its References; asked
    # only for the resources that some outcome cites.
    cited = {}
    if cited_ids := [resource.pk for resource in found if resource.cited]:
        cites = "program__implementations__outcomes__source"
        cited = _pages_of(
            StrategyProgram.objects.filter(
                strategy__in=pages, **{f"{cites}__in": cited_ids}
            ).distinct(),
            cites,
            order=("strategy__title", "strategy__slug"),
        )
    hits = []
    for resource in found:
        references = [(title, slug, None) for title, slug in cited.get(resource.pk, [])]
        hits.append(_resource_hit(resource, on_pages.get(resource.pk, []) + references, highlight))
    return hits, more


def _resource_hit(resource: Resource, on_pages: list, highlight: Highlighter) -> Hit:
    """``on_pages``: (title, slug, section) where it is listed, section None where cited."""

    def place(title, slug, section):
        if section is None:
            return Place(title, _page_url(slug, f"reference-{resource.pk}"), "References")
        anchor = f"{section}-resource-{resource.pk}"
        return Place(title, _page_url(slug, anchor), StrategyResource.Section(section).label)

    places, more_places = _places(on_pages, place)
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
        places=places,
        more_places=more_places,
        places_label="On",
        no_places="Not listed or cited on a public strategy page yet.",
    )


# Scorecards: objectives, measures, actions, partners


def _objectives(pages, query, highlight, ranks):
    found, more = _best(
        Objective.objects.filter(strategy__in=pages),
        OBJECTIVE_FIELDS,
        query,
        lambda rows: rows.select_related("strategy").only("title", "details", *_PAGE),
        ranks=ranks,
        kind="objective",
    )
    return [
        Hit(
            obj=objective,
            title=highlight(objective.title),
            url=_page_url(objective.strategy.slug, f"objective-{objective.pk}"),
            excerpt=excerpt(objective.details, highlight),
            meta=escape(f"Objective {_on_page(objective.strategy)}"),
        )
        for objective in found
    ], more


def _measures(pages, query, highlight, ranks):
    found, more = _best(
        Measure.objects.filter(objective__strategy__in=pages),
        MEASURE_FIELDS,
        query,
        lambda rows: rows.select_related("objective__strategy", "data_source").only(
            "name", "unit", "data_source__name", "objective__title", *_PAGE_OF_OBJECTIVE
        ),
        ranks=ranks,
        kind="measure",
    )
    return [_measure_hit(measure, highlight) for measure in found], more


def _measure_hit(measure: Measure, highlight: Highlighter) -> Hit:
    objective, page = measure.objective, measure.objective.strategy
    facts = []
    if measure.unit:
        facts.append(format_html("Measured in {}", highlight(measure.unit)))
    if measure.data_source:
        facts.append(format_html("Data source: {}", highlight(measure.data_source.name)))
    if hidden := _not_public(page, " page"):
        facts.append(escape(hidden))
    return Hit(
        obj=measure,
        title=highlight(measure.name),
        url=_page_url(page.slug, f"measure-{measure.pk}"),
        excerpt=format_html("Objective: {} · on {}", objective.title, page.title),
        meta=mark_safe(" · ".join(facts)),  # noqa: S308 - each fact is escaped
    )


def _actions(pages, query, highlight, ranks):
    found, more = _best(
        Action.objects.filter(objective__strategy__in=pages),
        ACTION_FIELDS,
        query,
        lambda rows: rows.select_related("objective__strategy", "lead").only(
            "title", "status", "lead__name", "objective__title", *_PAGE_OF_OBJECTIVE
        ),
        ranks=ranks,
        kind="action",
    )
    if ranks is not None:  # read with the actions (``_loads``)
        partners = {action.pk: action.partner_names for action in found}
    else:
        # Their partners' names, as plain values (cheaper than a prefetch's models).
        partners = {}
        rows = (
            Action.partners.through.objects.filter(action__in=found)
            .order_by("partner__name", "partner_id")
            .values_list("action_id", "partner__name")
        )
        for action_id, name in rows:
            partners.setdefault(action_id, []).append(name)
    return [_action_hit(action, partners.get(action.pk, []), highlight) for action in found], more


def _action_hit(action: Action, partners: list[str], highlight: Highlighter) -> Hit:
    who = []
    if action.lead:
        who.append(format_html("Led by {}", highlight(action.lead.name)))
    if partners:
        who.append(format_html("with {}", highlight(", ".join(partners))))
    return Hit(
        obj=action,
        title=highlight(action.title),
        url=_page_url(action.objective.strategy.slug, f"action-{action.pk}"),
        excerpt=mark_safe(", ".join(who)),  # noqa: S308 - each part is escaped
        meta=format_html(
            "{} · Objective: {} · {}",
            action.get_status_display(),
            action.objective.title,
            _on_page(action.objective.strategy),
        ),
    )


def _partners(pages, query, highlight, ranks):
    found, more = _best(Partner.objects.all(), PARTNER_FIELDS, query, ranks=ranks, kind="partner")
    actions = {}
    if found:
        # The actions each partner leads or joins on pages the visitor may read.
        ids = [partner.pk for partner in found]
        on_pages = Action.objects.filter(objective__strategy__in=pages).order_by()
        columns = ("pk", "title", "objective__strategy__slug", "objective__strategy__title")
        rows = (
            on_pages.filter(partners__in=ids)
            .values_list("partners", *columns)
            .union(on_pages.filter(lead__in=ids).values_list("lead", *columns))
        )
        for partner_id, pk, title, slug, page_title in sorted(rows, key=lambda r: (r[4], r[2])):
            actions.setdefault(partner_id, {})[pk] = Place(
                title, _page_url(slug, f"action-{pk}"), f"on {page_title}"
            )
    hits = []
    for partner in found:
        places, more_places = _places(list(actions.get(partner.pk, {}).values()), lambda p: p)
        hits.append(
            Hit(
                obj=partner,
                title=highlight(partner.name),
                url=partner.get_absolute_url(),
                excerpt=escape(""),
                meta=escape(partner.get_sector_display()),
                places=places,
                more_places=more_places,
                places_label="Actions",
                no_places="No action on a public strategy page yet.",
            )
        )
    return hits, more


# People: page managers and subject-matter experts


@dataclass
class _Person:
    name: str
    places: list[Place] = field(default_factory=list)
    obj: Model | None = None


def _people(pages, query, highlight, ranks):
    experts, more_experts = _best(
        ExpertAssignment.objects.filter(strategy__in=pages).annotate(
            expert_full_name=full_name("expert__")
        ),
        EXPERT_FIELDS,
        query,
        lambda rows: rows.select_related("strategy", "expert"),
        ranks=ranks,
        kind="expert",
    )
    if ranks is not None:
        managed, more_managed = _best(
            pages,
            load=lambda rows: rows.select_related("page_manager"),
            ranks=ranks,
            kind="manager",
        )
    else:
        people = get_user_model().objects.annotate(full_name=full_name())
        named = ranked(
            people,
            PERSON_FIELDS,
            query,
            document=SearchVector("first_name", "last_name", "username", config=SEARCH_CONFIG),
        )
        managed, more_managed = _best(
            pages.filter(page_manager__in=named.values("pk"))
            .select_related("page_manager")
            .order_by("page_manager__last_name", "page_manager__first_name", "title", "pk")
        )
    found: dict = {}
    for page in managed:
        who = page.page_manager
        person = found.setdefault(("user", who.pk), _Person(person_name(who, ""), obj=who))
        person.places.append(
            Place(page.title, _page_url(page.slug, "page-manager"), "Page manager")
        )
    for assignment in experts:
        key = (
            ("user", assignment.expert_id)
            if assignment.expert_id
            else ("name", assignment.expert_name)
        )
        person = found.setdefault(key, _Person(assignment.expert_display, obj=assignment))
        note = "Subject-matter expert" + (f": {assignment.area}" if assignment.area else "")
        person.places.append(
            Place(
                assignment.strategy.title,
                _page_url(assignment.strategy.slug, f"expert-{assignment.pk}"),
                note,
            )
        )
    hits = []
    for person in sorted(found.values(), key=lambda p: p.name.lower()):
        places, more_places = _places(person.places, lambda p: p)
        hits.append(
            Hit(
                obj=person.obj,
                title=highlight(person.name),
                url="",
                excerpt=escape(""),
                meta=escape(""),
                places=places,
                more_places=more_places,
                places_label="Named on",
            )
        )
    return hits, more_experts or more_managed


# Reviews


def _reviews(pages, query, highlight, ranks):
    found, more = _best(
        Review.objects.filter(strategy__in=pages).annotate(
            reviewer_full_name=full_name("reviewer__")
        ),
        REVIEW_FIELDS,
        query,
        lambda rows: rows.select_related("strategy", "reviewer").only(
            "reviewed_on", "comments", "reply", "reviewer_name", *_REVIEWER, *_PAGE
        ),
        ranks=ranks,
        kind="review",
    )
    return [_review_hit(review, highlight) for review in found], more


def _review_hit(review: Review, highlight: Highlighter) -> Hit:
    text = review.comments
    if review.reply and not highlight.matches(text) and highlight.matches(review.reply):
        text = f"Answer: {review.reply}"
    when = review.reviewed_on.strftime("%b %-d, %Y")
    return Hit(
        obj=review,
        title=format_html("Review by {}, {}", highlight(review.reviewer_display), when),
        url=_page_url(review.strategy.slug, f"review-{review.pk}"),
        excerpt=excerpt(text, highlight),
        meta=escape(f"On {_on_page(review.strategy)[3:]}"),
    )
