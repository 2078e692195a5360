"""The API's JSON shapes, each declared once.

A ``Shape`` is a list of ``Field``s: a name, a type, a description and where the
value comes from. The views serialize with ``Shape.dump`` and ``api/schema.py``
describes the same shapes in OpenAPI with ``Shape.json_schema``, so the
documented fields and the sent fields cannot drift apart. Every field is always
present (``null`` or ``[]`` when there is nothing), which the schema states by
listing them all as required.

Serializing never queries: the views load what each shape reads (see
``api/views.py``) with ``select_related``/``prefetch_related``.
"""

import datetime
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import reverse

from accounts.people import person_name
from programs.models import EvidenceRating, Resource
from scorecards.models import Action, Measure, Partner
from scorecards.status import (
    Status,
    Trend,
    change_from_baseline,
    newest_judgeable,
    status_reason,
)
from strategy.models import Strategy, StrategyResource


@dataclass(frozen=True)
class Context:
    """What serializing needs besides the objects: the request, for absolute URLs."""

    request: Any

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def api(self, name: str, *args) -> str:
        return self.absolute(reverse(f"api:{name}", args=args))


class Type(ABC):
    """A field's type: how it is described in the schema and written in a response."""

    @abstractmethod
    def json_schema(self) -> dict: ...

    def dump(self, value, ctx: Context):
        return value


@dataclass(frozen=True)
class Scalar(Type):
    json_type: str
    format: str | None = None
    media_type: str | None = None

    def json_schema(self) -> dict:
        schema = {"type": self.json_type}
        if self.format:
            schema["format"] = self.format
        if self.media_type:
            schema["contentMediaType"] = self.media_type
        return schema

    def dump(self, value, ctx):
        if isinstance(value, Decimal):
            # Stored values have at most 14 digits, which a double holds exactly. JSON has no
            # NaN, which PostgreSQL's numeric can hold when written past the site's checks.
            return float(value) if value.is_finite() else None
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        return value


STRING = Scalar("string")
MARKDOWN = Scalar("string", media_type="text/markdown")
INTEGER = Scalar("integer")
NUMBER = Scalar("number")
BOOLEAN = Scalar("boolean")
DATE = Scalar("string", "date")
DATETIME = Scalar("string", "date-time")
URI = Scalar("string", "uri")


@dataclass(frozen=True)
class Opaque(Type):
    """A value described by its JSON Schema alone, such as the OpenAPI document itself."""

    schema: tuple[tuple[str, str], ...]

    def json_schema(self) -> dict:
        return dict(self.schema)


OPENAPI_DOCUMENT = Opaque((("type", "object"), ("description", "An OpenAPI 3.1 document.")))


@dataclass(frozen=True)
class Choice(Type):
    """One of a fixed set of codes, e.g. a model field's choices."""

    codes: tuple[str, ...]

    def json_schema(self) -> dict:
        return {"type": "string", "enum": list(self.codes)}


def choice_of(choices) -> Choice:
    """A ``Choice`` from a model's TextChoices or from a status Enum of (code, label) pairs."""
    if issubclass(choices, models.Choices):
        return Choice(tuple(choices.values))
    return Choice(tuple(member.code for member in choices))


@dataclass(frozen=True)
class Nullable(Type):
    inner: Type

    def json_schema(self) -> dict:
        return {"anyOf": [self.inner.json_schema(), {"type": "null"}]}

    def dump(self, value, ctx):
        return None if value is None else self.inner.dump(value, ctx)


@dataclass(frozen=True)
class ListOf(Type):
    inner: Type

    def json_schema(self) -> dict:
        return {"type": "array", "items": self.inner.json_schema()}

    def dump(self, value, ctx):
        return [self.inner.dump(item, ctx) for item in value]


@dataclass(frozen=True)
class Field:
    """One JSON member. ``source`` is an attribute name, or a function of (object, context)."""

    name: str
    type: Type
    description: str
    source: str | Callable[[Any, Context], Any] | None = None

    def value(self, obj, ctx: Context):
        if callable(self.source):
            return self.source(obj, ctx)
        return getattr(obj, self.source or self.name)


# Every shape by name: api/schema.py lists them all under components.schemas.
SHAPES: dict[str, "Shape"] = {}


class Shape(Type):
    """A JSON object with named fields; in the schema, a component referenced by name."""

    def __init__(self, name: str, description: str, fields: list[Field]):
        names = [field.name for field in fields]
        if len(set(names)) != len(names) or name in SHAPES:
            raise ValueError(f"{name}: a shape's name and its field names must be unique")
        self.name, self.description, self.fields = name, description, fields
        SHAPES[name] = self

    def __repr__(self):
        return f"<Shape {self.name}>"

    def json_schema(self) -> dict:
        return {"$ref": f"#/components/schemas/{self.name}"}

    def component(self) -> dict:
        return {
            "type": "object",
            "description": self.description,
            "properties": {
                field.name: {**field.type.json_schema(), "description": field.description}
                for field in self.fields
            },
            "required": [field.name for field in self.fields],
            "additionalProperties": False,
        }

    def dump(self, obj, ctx: Context) -> dict:
        return {field.name: field.type.dump(field.value(obj, ctx), ctx) for field in self.fields}


def page_of(item: Shape) -> Shape:
    """A page of ``item``s, as the list endpoints answer (see ``api.views.paginate``)."""
    return Shape(
        f"{item.name}Page",
        f"One page of at most 50 {item.name} objects. Ask for another with `?page=N`.",
        [
            Field("count", INTEGER, "How many objects there are, on all pages."),
            Field("next", Nullable(URI), "The next page, or null on the last one."),
            Field("previous", Nullable(URI), "The previous page, or null on the first one."),
            Field("results", ListOf(item), "The objects on this page.", source="object_list"),
        ],
    )


def _label(code_field: str):
    return lambda obj, ctx: getattr(obj, f"get_{code_field}_display")()


def _html_url(obj, ctx):
    return ctx.absolute(obj.get_absolute_url())


def _public(strategy: Strategy | None) -> Strategy | None:
    """A strategy the public may see, else None: a draft's title is not published anywhere."""
    return strategy if strategy is not None and strategy.is_public else None


def _zoom_map(strategy: Strategy):
    try:
        return strategy.zoom_map
    except ObjectDoesNotExist:
        return None


def retarget(fields: list[Field], related: Callable[[Any], Any]) -> list[Field]:
    """The same fields, read from a related object (e.g. a page's link -> its program)."""
    return [
        Field(f.name, f.type, f.description, lambda obj, ctx, f=f: f.value(related(obj), ctx))
        for f in fields
    ]


# --- Maps and strategies, as referenced from elsewhere -------------------------------------

ERROR = Shape(
    "Error",
    "What went wrong, for any answer that is not 200.",
    [Field("detail", STRING, 'A sentence saying what went wrong, e.g. "Not found."')],
)

MAP_REF = Shape(
    "MapRef",
    "A strategy map, as referenced from another object.",
    [
        Field("id", INTEGER, "The map's id."),
        Field("slug", STRING, "The map's slug, its key in the API's URLs."),
        Field("title", STRING, "The map's title."),
        Field("api_url", URI, "This map in the API.", lambda m, ctx: ctx.api("map-detail", m.slug)),
        Field("html_url", URI, "This map on the site.", _html_url),
    ],
)

STRATEGY_REF = Shape(
    "StrategyRef",
    "A published strategy page, as referenced from another object.",
    [
        Field("id", INTEGER, "The page's id."),
        Field("slug", STRING, "The page's slug, its key in the API's URLs."),
        Field("title", STRING, "The strategy's title."),
        Field(
            "status",
            Choice(tuple(status.value for status in Strategy.PUBLIC_STATUSES)),
            "Publication status: the API shows only published pages and pages under construction.",
        ),
        Field("status_label", STRING, "The status in words.", _label("status")),
        Field(
            "api_url",
            URI,
            "This page in the API.",
            lambda s, ctx: ctx.api("strategy-detail", s.slug),
        ),
        Field("html_url", URI, "This page on the site.", _html_url),
    ],
)

BAND_REF = Shape(
    "BandRef",
    "A band: a labelled row of a map.",
    [
        Field("id", INTEGER, "The band's id."),
        Field("title", STRING, 'The band\'s title, e.g. "Community Results".'),
        Field("order", INTEGER, "Its place on the map, top first."),
    ],
)

# --- Programs and resources --------------------------------------------------------------

RESOURCE_FIELDS = [
    Field("id", INTEGER, "The resource's id."),
    Field("title", STRING, "The resource's title."),
    Field("url", STRING, "Where to read it (empty when unknown)."),
    Field("publisher", STRING, "Who published it (empty when unknown)."),
    Field("year", Nullable(INTEGER), "The year it was published."),
    Field("kind", choice_of(Resource.Kind), "What kind of source it is."),
    Field("description", MARKDOWN, "About the resource, in Markdown."),
]

RESOURCE = Shape("Resource", "A toolkit, guide, report or other source.", RESOURCE_FIELDS)

RESOURCE_LINK = Shape(
    "ResourceLink",
    "A resource listed on a strategy page, with the page's note about it.",
    [
        *retarget(RESOURCE_FIELDS, lambda link: link.resource),
        Field("note", STRING, "Why the page lists it (empty when there is no note)."),
    ],
)

REFERENCE = Shape(
    "Reference",
    "A source cited by the page's program outcomes, numbered in order of first citation.",
    [
        Field("number", INTEGER, "The footnote number the outcomes' `footnote` refers to."),
        Field("citation", STRING, 'The reference line: "Publisher. Title. Year".'),
        Field("resource", RESOURCE, "The cited resource."),
    ],
)


EVIDENCE_RATING = Shape(
    "EvidenceRating",
    "One source's verdict on a program; sources may disagree, so each is listed.",
    [
        Field("source", STRING, 'Who rated it, e.g. "CrimeSolutions".'),
        Field("rating", choice_of(EvidenceRating.Rating), "The verdict."),
        Field("rating_label", STRING, 'The verdict in words, e.g. "Promising".', _label("rating")),
        Field("outcome_rated", STRING, "What was rated (empty when not said)."),
        Field("rated_on", Nullable(DATE), "When it was rated."),
        Field("url", STRING, "The rating's page at its source (empty when unknown)."),
    ],
)

OUTCOME = Shape(
    "Outcome",
    "A change seen where a program was implemented, e.g. burglaries -53 % since 2013.",
    [
        Field("id", INTEGER, "The outcome's id."),
        Field("indicator", STRING, 'What changed, e.g. "Burglaries".'),
        Field("change_percent", NUMBER, "The change in per cent; negative for a fall."),
        Field("change_display", STRING, 'The change as the site shows it, e.g. "-53 %".'),
        Field("period", STRING, 'Over what time, e.g. "since 2013" (empty when not said).'),
        Field("source", Nullable(RESOURCE), "The resource that reports it."),
        Field(
            "footnote",
            Nullable(INTEGER),
            "On a strategy page, the number of its source in the page's `references`; "
            "null elsewhere and when the outcome cites no source.",
            lambda outcome, ctx: getattr(outcome, "footnote", None),
        ),
    ],
)

IMPLEMENTATION = Shape(
    "Implementation",
    "A place that put a program into practice, and what changed there.",
    [
        Field("id", INTEGER, "The implementation's id."),
        Field("place", STRING, 'Where, e.g. "Rutland, VT".'),
        Field("start_year", Nullable(INTEGER), "The year it started."),
        Field("notes", MARKDOWN, "Notes, in Markdown."),
        Field("outcomes", ListOf(OUTCOME), "What changed.", lambda i, ctx: i.outcomes.all()),
    ],
)

PROGRAM_FIELDS = [
    Field("id", INTEGER, "The program's id."),
    Field("slug", STRING, "The program's slug, its key in the API's URLs."),
    Field("name", STRING, 'The program\'s name, e.g. "Drug Market Intervention".'),
    Field("summary", STRING, "One line about it (empty when not written)."),
    Field("first_implemented_place", STRING, "Where it started (empty when unknown)."),
    Field("first_implemented_year", Nullable(INTEGER), "When it started."),
    Field("origin", STRING, 'Place and year together, e.g. "High Point, NC, 2004".'),
    Field("website", STRING, "The program's own website (empty when unknown)."),
    Field(
        "api_url", URI, "This program in the API.", lambda p, ctx: ctx.api("program-detail", p.slug)
    ),
    Field("html_url", URI, "This program on the site.", _html_url),
]
_RATINGS = Field(
    "ratings", ListOf(EVIDENCE_RATING), "Evidence ratings.", lambda p, ctx: p.ratings.all()
)
_IMPLEMENTATIONS = Field(
    "implementations",
    ListOf(IMPLEMENTATION),
    "Where it was implemented, with outcomes.",
    lambda p, ctx: p.implementations.all(),
)

PROGRAM_SUMMARY = Shape(
    "ProgramSummary", "A program in the library, as listed.", [*PROGRAM_FIELDS, _RATINGS]
)

PROGRAM = Shape(
    "Program",
    "A program with its evidence, and the published strategy pages that list it.",
    [
        *PROGRAM_FIELDS,
        Field("description", MARKDOWN, "About the program, in Markdown."),
        _RATINGS,
        _IMPLEMENTATIONS,
        Field(
            "strategies",
            ListOf(STRATEGY_REF),
            "The published strategy pages that list this program.",
            lambda p, ctx: [link.strategy for link in p.public_links],
        ),
    ],
)

PAGE_PROGRAM = Shape(
    "PageProgram",
    "A promising program as a strategy page lists it: the program, the page's note, "
    "its ratings, implementations and outcomes (with footnote numbers).",
    [
        *retarget(PROGRAM_FIELDS, lambda link: link.program),
        Field("note", MARKDOWN, "Why the program fits this page, in Markdown (may be empty)."),
        *retarget([_RATINGS, _IMPLEMENTATIONS], lambda link: link.program),
    ],
)

# --- Scorecards ------------------------------------------------------------------------

DATA_SOURCE = Shape(
    "DataSource",
    "Where a measure's numbers come from.",
    [
        Field("name", STRING, "The data source's name."),
        Field("publisher", STRING, "Who publishes it (empty when unknown)."),
        Field("url", STRING, "Where to find it (empty when unknown)."),
    ],
)

DATA_POINT = Shape(
    "DataPoint",
    "One value of a measure for one period.",
    [
        Field("period", STRING, 'The period: "2025", "2025-Q3", "2025-09" or "2025-09-30".'),
        Field("period_start", DATE, "The period's first day, to place it on a time line.", "start"),
        Field("value", NUMBER, "The value (at most two decimal places)."),
    ],
)

MEASURE = Shape(
    "Measure",
    "How an objective is measured: its data over time, baseline, target, status and trend.",
    [
        Field("id", INTEGER, "The measure's id."),
        Field("name", STRING, "What is measured."),
        Field("unit", STRING, 'The unit, e.g. "incidents" or "%" (empty when not set).'),
        Field("kind", choice_of(Measure.Kind), "A population indicator or a performance measure."),
        Field("kind_label", STRING, "The kind in words.", _label("kind")),
        Field("polarity", choice_of(Measure.Polarity), "Whether higher or lower is better."),
        Field("data_source", Nullable(DATA_SOURCE), "Where the numbers come from."),
        Field("baseline_value", Nullable(NUMBER), "The value at the start."),
        Field("baseline_period", STRING, "The baseline's period (empty when not set)."),
        Field("target_value", Nullable(NUMBER), "The value aimed for."),
        Field("target_period", STRING, "When the target should be met (empty when not set)."),
        Field(
            "stale_after_months",
            INTEGER,
            "The latest value counts as stale once it is older than this.",
        ),
        Field(
            "status",
            choice_of(Status),
            "Computed from the latest value, the target and the polarity; until the target "
            "period ends, also `on_track` when the latest value is on the straight path from "
            "the baseline to the target (`expected_at_latest`); `stale` when the latest value "
            "is too old.",
            lambda m, ctx: m.status.code,
        ),
        Field("status_label", STRING, "The status in words.", lambda m, ctx: m.status.label),
        Field(
            "status_reason",
            Nullable(STRING),
            "Why the measure is `cannot_judge`: a stored value or period is outside the ranges "
            "the site accepts, and the sentence names them; null for every other status.",
            lambda m, ctx: status_reason(m.status),
        ),
        Field(
            "expected_at_latest",
            Nullable(NUMBER),
            "Where the straight path from the baseline (at the end of its period) to the "
            "target (by the end of its period) stands at the end of the latest value's "
            "period; null without both periods, or once the target period has ended.",
            lambda m, ctx: m.expected_at_latest,
        ),
        Field(
            "trend",
            choice_of(Trend),
            "The newest value against the mean of the two before it (within 2 % is flat); "
            "values that cannot be judged (see `status_reason`) are left out.",
            lambda m, ctx: m.trend.code,
        ),
        Field("trend_label", STRING, "The trend in words.", lambda m, ctx: m.trend.label),
        Field(
            "latest",
            Nullable(DATA_POINT),
            "The newest value that can be judged: one whose period or value is outside the "
            "ranges the site accepts is left out.",
            lambda m, ctx: newest_judgeable(m.series),
        ),
        Field(
            "change_from_baseline",
            Nullable(NUMBER),
            "The latest value's change against the baseline, in per cent.",
            lambda m, ctx: change_from_baseline(newest_judgeable(m.series), m.baseline_value),
        ),
        Field(
            "data_points",
            ListOf(DATA_POINT),
            "Every stored value, oldest first, also those that cannot be judged.",
            "series",
        ),
    ],
)

PARTNER_REF = Shape(
    "PartnerRef",
    "An organisation that leads or joins actions.",
    [
        Field("name", STRING, "The partner's name."),
        Field("slug", STRING, "The partner's slug."),
        Field("sector", choice_of(Partner.Sector), "The partner's sector."),
        Field("sector_label", STRING, "The sector in words.", _label("sector")),
        Field("html_url", URI, "What this partner does, on the site.", _html_url),
    ],
)

ACTION = Shape(
    "Action",
    "An initiative that moves an objective, with the partners who carry it out.",
    [
        Field("id", INTEGER, "The action's id."),
        Field("title", STRING, "The action."),
        Field("description", MARKDOWN, "More about it, in Markdown (may be empty)."),
        Field("status", choice_of(Action.Status), "Where the action stands."),
        Field("status_label", STRING, "The status in words.", _label("status")),
        Field("overdue", BOOLEAN, "Past its due date and not done.", "is_overdue"),
        Field("lead", Nullable(PARTNER_REF), "The partner who leads it."),
        Field("partners", ListOf(PARTNER_REF), "Who joins it.", lambda a, ctx: a.partners.all()),
        Field("start_date", Nullable(DATE), "When it starts."),
        Field("due_date", Nullable(DATE), "When it is due."),
    ],
)

OBJECTIVE = Shape(
    "Objective",
    "A scorecard objective with its measures and actions.",
    [
        Field("id", INTEGER, "The objective's id."),
        Field("title", STRING, "The objective."),
        Field("details", MARKDOWN, "More about it, in Markdown (may be empty)."),
        Field("measures", ListOf(MEASURE), "Its measures.", lambda o, ctx: o.measures.all()),
        Field("actions", ListOf(ACTION), "Its actions.", lambda o, ctx: o.actions.all()),
    ],
)

# --- People ------------------------------------------------------------------------------

EXPERT = Shape(
    "Expert",
    "A subject-matter expert named on a page.",
    [
        Field("name", STRING, "The expert's name.", "expert_display"),
        Field("area", STRING, "What they know about (empty when not said)."),
    ],
)

REVIEW = Shape(
    "Review",
    "A dated comment by a reviewer (the page's Reviewer | Date | Comments table), newest first.",
    [
        Field("id", INTEGER, "The review's id."),
        Field("reviewer", STRING, "The reviewer's name.", "reviewer_display"),
        Field("date", DATE, "The review's date.", "reviewed_on"),
        Field("comments", STRING, "The comments, as plain text."),
    ],
)

# --- Maps --------------------------------------------------------------------------------

MAP_FIELDS = [
    *MAP_REF.fields[:3],
    Field("summary", MARKDOWN, "About the map, in Markdown (may be empty)."),
    Field("parent", Nullable(MAP_REF), "The map this one zooms out of; null for the top level."),
    Field(
        "zooms_into",
        Nullable(STRATEGY_REF),
        "The strategy on the parent map that this zoom map details (null for the top level, "
        "or when that page is not published).",
        lambda m, ctx: _public(m.zooms_into),
    ),
    *MAP_REF.fields[3:],
]

MAP_SUMMARY = Shape("MapSummary", "A strategy map, as listed.", MAP_FIELDS)

BAND_STRATEGY = Shape(
    "BandStrategy",
    "A published strategy in a band of a map.",
    [
        *STRATEGY_REF.fields,
        Field("position", INTEGER, "Its order within the band."),
        Field(
            "zoom_map",
            Nullable(MAP_REF),
            "The zoom map that details this strategy, if there is one.",
            lambda s, ctx: _zoom_map(s),
        ),
    ],
)

BAND = Shape(
    "Band",
    'A labelled row of a map (a perspective such as "Community Results"), with its strategies.',
    [
        *BAND_REF.fields,
        Field(
            "strategies",
            ListOf(BAND_STRATEGY),
            "The band's published strategies, in order.",
            "public_strategies",
        ),
    ],
)

STRATEGY_LINK = Shape(
    "StrategyLink",
    "A cause-and-effect arrow between two published strategies on a map.",
    [
        Field("cause", STRATEGY_REF, "The strategy that leads to the other."),
        Field("effect", STRATEGY_REF, "The strategy it leads to."),
        Field("note", STRING, "What the link means (empty when not said)."),
    ],
)

MAP = Shape(
    "Map",
    "A strategy map with its bands, their published strategies, and cause-and-effect links.",
    [
        *MAP_FIELDS,
        Field("bands", ListOf(BAND), "The map's rows, top first.", "public_bands"),
        Field(
            "links",
            ListOf(STRATEGY_LINK),
            "Cause-and-effect links between the map's published strategies.",
            "public_links",
        ),
    ],
)

# --- Strategy pages ----------------------------------------------------------------------

STRATEGY_SUMMARY = Shape(
    "StrategySummary",
    "A published strategy page, as listed.",
    [
        *STRATEGY_REF.fields,
        Field("map", MAP_REF, "The map the strategy is on."),
        Field("band", BAND_REF, "The band of that map it sits in."),
        Field("last_reviewed", Nullable(DATE), "When the page was last reviewed."),
        Field("updated_at", DATETIME, "When the page was last changed."),
    ],
)


@dataclass(frozen=True)
class Cited:
    number: int
    resource: Any

    @property
    def citation(self) -> str:
        return self.resource.citation


def _scorecard_links(strategy_of: Callable[[Any], Strategy]) -> list[Field]:
    return [
        Field(
            "scorecard_api_url",
            URI,
            "The page's scorecard in the API.",
            lambda obj, ctx: ctx.api("strategy-scorecard", strategy_of(obj).slug),
        ),
        Field(
            "scorecard_html_url",
            URI,
            "The full scorecard page on the site.",
            lambda obj, ctx: ctx.absolute(
                reverse("scorecards:scorecard", args=[strategy_of(obj).slug])
            ),
        ),
        Field(
            "scorecard_csv_url",
            URI,
            "The scorecard's data as CSV.",
            lambda obj, ctx: ctx.absolute(
                reverse("scorecards:scorecard-csv", args=[strategy_of(obj).slug])
            ),
        ),
        Field(
            "embed_url",
            URI,
            "The embeddable scorecard, for an iframe on another site.",
            lambda obj, ctx: ctx.absolute(reverse("embed:scorecard", args=[strategy_of(obj).slug])),
        ),
    ]


_OBJECTIVES_FIELD_DESCRIPTION = (
    "The scorecard: objectives, each with its measures (status, trend, data points) "
    "and actions (status, lead, partners, dates)."
)

STRATEGY = Shape(
    "Strategy",
    "A published strategy page with every section, in the page's order.",
    [
        *STRATEGY_REF.fields,
        Field("intro", MARKDOWN, "The introduction, in Markdown (may be empty)."),
        Field("map", MAP_REF, "The map the strategy is on."),
        Field("band", BAND_REF, "The band of that map it sits in."),
        Field(
            "breadcrumb",
            ListOf(MAP_REF),
            "The maps above the page, top-level first.",
            lambda s, ctx: s.breadcrumb(),
        ),
        Field(
            "zoom_map",
            Nullable(MAP_REF),
            "The zoom map that details this strategy, if there is one.",
            lambda s, ctx: _zoom_map(s),
        ),
        Field(
            "programs",
            ListOf(PAGE_PROGRAM),
            "Promising Programs.",
            lambda s, ctx: s.program_links.all(),
        ),
        Field(
            "tools",
            ListOf(RESOURCE_LINK),
            "Tools & Resources.",
            lambda s, ctx: s.resource_links_in(StrategyResource.Section.TOOLS),
        ),
        Field(
            "resources_to_investigate",
            ListOf(RESOURCE_LINK),
            "Resources to Investigate.",
            lambda s, ctx: s.resource_links_in(StrategyResource.Section.INVESTIGATE),
        ),
        Field(
            "objectives",
            ListOf(OBJECTIVE),
            _OBJECTIVES_FIELD_DESCRIPTION,
            lambda s, ctx: s.objectives.all(),
        ),
        *_scorecard_links(lambda s: s),
        Field(
            "page_manager",
            Nullable(STRING),
            "The page manager's name, or null when none is assigned.",
            lambda s, ctx: person_name(s.page_manager, "") or None,
        ),
        Field(
            "experts",
            ListOf(EXPERT),
            "Subject-matter experts.",
            lambda s, ctx: s.expert_assignments.all(),
        ),
        Field("reviews", ListOf(REVIEW), "Reviews, newest first.", lambda s, ctx: s.reviews.all()),
        Field(
            "references",
            ListOf(REFERENCE),
            "The sources the programs' outcomes cite, numbered as their `footnote`s.",
            lambda s, ctx: [Cited(n, r) for n, r in enumerate(s.cited_resources, start=1)],
        ),
        Field("last_reviewed", Nullable(DATE), "When the page was last reviewed."),
        Field("review_interval_months", INTEGER, "How often the page should be reviewed."),
        Field("review_due", Nullable(DATE), "When the next review is due."),
        Field("created_at", DATETIME, "When the page was created."),
        Field("updated_at", DATETIME, "When the page was last changed."),
    ],
)

SCORECARD = Shape(
    "Scorecard",
    "A published page's scorecard: objectives, measures with every data point, and actions.",
    [
        Field("strategy", STRATEGY_REF, "The strategy page."),
        Field("objectives", ListOf(OBJECTIVE), _OBJECTIVES_FIELD_DESCRIPTION),
        *_scorecard_links(lambda card: card.strategy),
    ],
)

INDEX = Shape(
    "Index",
    "Where the API's lists and its description are.",
    [
        Field("maps", URI, "Strategy maps.", lambda _, ctx: ctx.api("map-list")),
        Field(
            "strategies", URI, "Published strategy pages.", lambda _, ctx: ctx.api("strategy-list")
        ),
        Field("programs", URI, "The program library.", lambda _, ctx: ctx.api("program-list")),
        Field(
            "schema", URI, "This API's OpenAPI 3.1 description.", lambda _, ctx: ctx.api("schema")
        ),
    ],
)
