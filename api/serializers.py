"""The API's JSON objects, as Django REST framework serializers.

Each serializer is one object of the API and one component of its OpenAPI
description: drf-spectacular names the component after the class (without
``Serializer``) and describes each field from its type and ``help_text``, so
the documented fields and the sent fields cannot drift apart. Every field is
always present (``null`` or ``[]`` when there is nothing), which the schema
states by listing them all as required.

Serializing never queries: the views load what each serializer reads (see
``api/views.py``) with ``select_related``/``prefetch_related``.
"""

import datetime
import json
from collections.abc import Callable
from decimal import Decimal

from django.db import models
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from accounts.people import person_name
from programs.models import EvidenceRating, Resource
from scorecards.models import Action, Measure, Partner
from scorecards.status import Status, Trend, change_from_baseline, newest_judgeable, status_reason
from strategy.models import Strategy, StrategyResource

# --- Field types -----------------------------------------------------------------------


@extend_schema_field({"type": "string", "contentMediaType": "text/markdown"})
class MarkdownField(serializers.CharField):
    """A rich text, sent as the Markdown it was written in."""


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A stored decimal as a JSON number.

    Stored values have at most 14 digits, which a double holds exactly. JSON has
    no NaN, which PostgreSQL's numeric can hold when written past the site's
    checks: such a value is sent as null.
    """

    def to_representation(self, value):
        if isinstance(value, Decimal):
            return float(value) if value.is_finite() else None
        return value


class UtcDateTimeField(serializers.DateTimeField):
    """A moment in ISO 8601, in UTC with its offset (``+00:00``), as stored."""

    def to_representation(self, value):
        return value.astimezone(datetime.UTC).isoformat()


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.Field):
    """An absolute address: ``path_of`` gives the path, the request the scheme and host."""

    def __init__(self, path_of: Callable[..., str], **kwargs):
        self.path_of = path_of
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(self.path_of(value))


def html_url(help_text: str) -> AbsoluteUrlField:
    return AbsoluteUrlField(lambda obj: obj.get_absolute_url(), help_text=help_text)


def api_url(view_name: str, help_text: str) -> AbsoluteUrlField:
    """The address of ``api:<view_name>`` for the object, by its slug."""
    return AbsoluteUrlField(
        lambda obj: reverse(f"api:{view_name}", args=[obj.slug]), help_text=help_text
    )


def choice_of(choices, help_text: str, **kwargs) -> serializers.ChoiceField:
    """A code from a model's TextChoices or from a status Enum of (code, label) pairs."""
    if issubclass(choices, models.Choices):
        codes = list(choices.values)
    else:
        codes = [member.code for member in choices]
    return serializers.ChoiceField(codes, help_text=help_text, **kwargs)


# Every serializer by its component name: each names one JSON object of the API, once.
SHAPES: dict[str, type["Shape"]] = {}


class Shape(serializers.Serializer):
    """A JSON object of the API; an ``abstract`` one only lends its fields to others.

    ``read_through`` names an attribute through which every field but
    ``own_fields`` is read: a page's link to a program sends the program's
    fields and the link's own note.
    """

    read_through: str | None = None
    own_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__name__.removesuffix("Serializer")
        if vars(cls).get("abstract", False):  # not inherited: a subclass is a component
            return
        if name in SHAPES:
            raise ValueError(f"{name}: two serializers would be one component of the schema")
        SHAPES[name] = cls

    def get_fields(self):
        fields = super().get_fields()
        if self.read_through:
            for name, field in fields.items():
                if name not in self.own_fields:
                    field.source = (
                        self.read_through
                        if field.source == "*"
                        else f"{self.read_through}.{field.source or name}"
                    )
        return fields


def page_of(item: type[Shape]) -> type[Shape]:
    """A page of ``item``s, as the list endpoints answer (see ``api.views.Pagination``)."""
    name = item.__name__.removesuffix("Serializer")
    fields = {
        "__doc__": f"One page of at most 50 {name} objects. Ask for another with `?page=N`.",
        "count": serializers.IntegerField(help_text="How many objects there are, on all pages."),
        "next": serializers.URLField(
            allow_null=True, help_text="The next page, or null on the last one."
        ),
        "previous": serializers.URLField(
            allow_null=True, help_text="The previous page, or null on the first one."
        ),
        "results": item(many=True, help_text="The objects on this page."),
    }
    return type(f"{name}PageSerializer", (Shape,), fields)


def _public(strategy: Strategy | None) -> Strategy | None:
    """A strategy the public may see, else None: a draft's title is not published anywhere."""
    return strategy if strategy is not None and strategy.is_public else None


# --- Maps and strategies, as referenced from elsewhere -------------------------------------


class ErrorSerializer(Shape):
    """What went wrong, for any answer that is not 200."""

    detail = serializers.CharField(help_text='A sentence saying what went wrong, e.g. "Not found."')


class MapRefSerializer(Shape):
    """A strategy map, as referenced from another object."""

    id = serializers.IntegerField(help_text="The map's id.")
    slug = serializers.CharField(help_text="The map's slug, its key in the API's URLs.")
    title = serializers.CharField(help_text="The map's title.")
    api_url = api_url("map-detail", "This map in the API.")
    html_url = html_url("This map on the site.")


class StrategyRefSerializer(Shape):
    """A published strategy page, as referenced from another object."""

    id = serializers.IntegerField(help_text="The page's id.")
    slug = serializers.CharField(help_text="The page's slug, its key in the API's URLs.")
    title = serializers.CharField(help_text="The strategy's title.")
    status = serializers.ChoiceField(
        [status.value for status in Strategy.PUBLIC_STATUSES],
        help_text="Publication status: the API shows only published pages and pages "
        "under construction.",
    )
    status_label = serializers.CharField(
        source="get_status_display", help_text="The status in words."
    )
    api_url = api_url("strategy-detail", "This page in the API.")
    html_url = html_url("This page on the site.")


class BandRefSerializer(Shape):
    """A band: a labelled row of a map."""

    id = serializers.IntegerField(help_text="The band's id.")
    title = serializers.CharField(help_text='The band\'s title, e.g. "Community Results".')
    order = serializers.IntegerField(help_text="Its place on the map, top first.")


# --- Programs and resources --------------------------------------------------------------


class ResourceSerializer(Shape):
    """A toolkit, guide, report or other source."""

    id = serializers.IntegerField(help_text="The resource's id.")
    title = serializers.CharField(help_text="The resource's title.")
    url = serializers.CharField(help_text="Where to read it (empty when unknown).")
    publisher = serializers.CharField(help_text="Who published it (empty when unknown).")
    year = serializers.IntegerField(allow_null=True, help_text="The year it was published.")
    kind = choice_of(Resource.Kind, "What kind of source it is.")
    description = MarkdownField(help_text="About the resource, in Markdown.")


class ResourceLinkSerializer(ResourceSerializer):
    """A resource listed on a strategy page, with the page's note about it."""

    read_through = "resource"
    own_fields = ("note",)

    note = serializers.CharField(help_text="Why the page lists it (empty when there is no note).")


class ReferenceSerializer(Shape):
    """A source cited by the page's program outcomes, numbered in order of first citation."""

    number = serializers.IntegerField(
        help_text="The footnote number the outcomes' `footnote` refers to."
    )
    citation = serializers.CharField(
        source="resource.citation", help_text='The reference line: "Publisher. Title. Year".'
    )
    resource = ResourceSerializer(help_text="The cited resource.")


class EvidenceRatingSerializer(Shape):
    """One source's verdict on a program; sources may disagree, so each is listed."""

    source = serializers.CharField(help_text='Who rated it, e.g. "CrimeSolutions".')
    rating = choice_of(EvidenceRating.Rating, "The verdict.")
    rating_label = serializers.CharField(
        source="get_rating_display", help_text='The verdict in words, e.g. "Promising".'
    )
    outcome_rated = serializers.CharField(help_text="What was rated (empty when not said).")
    rated_on = serializers.DateField(allow_null=True, help_text="When it was rated.")
    url = serializers.CharField(help_text="The rating's page at its source (empty when unknown).")


class OutcomeSerializer(Shape):
    """A change seen where a program was implemented, e.g. burglaries -53 % since 2013."""

    id = serializers.IntegerField(help_text="The outcome's id.")
    indicator = serializers.CharField(help_text='What changed, e.g. "Burglaries".')
    change_percent = NumberField(help_text="The change in per cent; negative for a fall.")
    change_display = serializers.CharField(
        help_text='The change as the site shows it, e.g. "-53 %".'
    )
    period = serializers.CharField(
        help_text='Over what time, e.g. "since 2013" (empty when not said).'
    )
    source = ResourceSerializer(allow_null=True, help_text="The resource that reports it.")
    footnote = serializers.SerializerMethodField(
        allow_null=True,
        help_text="On a strategy page, the number of its source in the page's `references`; "
        "null elsewhere and when the outcome cites no source.",
    )

    @extend_schema_field(OpenApiTypes.INT)
    def get_footnote(self, outcome) -> int | None:
        # Numbered by the strategy page's view (Strategy.number_footnotes); not elsewhere.
        return getattr(outcome, "footnote", None)


class ImplementationSerializer(Shape):
    """A place that put a program into practice, and what changed there."""

    id = serializers.IntegerField(help_text="The implementation's id.")
    place = serializers.CharField(help_text='Where, e.g. "Rutland, VT".')
    start_year = serializers.IntegerField(allow_null=True, help_text="The year it started.")
    notes = MarkdownField(help_text="Notes, in Markdown.")
    outcomes = OutcomeSerializer(many=True, help_text="What changed.")


class ProgramFieldsSerializer(Shape):
    """What every shape of a program sends."""

    abstract = True

    id = serializers.IntegerField(help_text="The program's id.")
    slug = serializers.CharField(help_text="The program's slug, its key in the API's URLs.")
    name = serializers.CharField(help_text='The program\'s name, e.g. "Drug Market Intervention".')
    summary = serializers.CharField(help_text="One line about it (empty when not written).")
    first_implemented_place = serializers.CharField(
        help_text="Where it started (empty when unknown)."
    )
    first_implemented_year = serializers.IntegerField(allow_null=True, help_text="When it started.")
    origin = serializers.CharField(
        help_text='Place and year together, e.g. "High Point, NC, 2004".'
    )
    website = serializers.CharField(help_text="The program's own website (empty when unknown).")
    api_url = api_url("program-detail", "This program in the API.")
    html_url = html_url("This program on the site.")


def _ratings():
    return EvidenceRatingSerializer(many=True, help_text="Evidence ratings.")


def _implementations():
    return ImplementationSerializer(many=True, help_text="Where it was implemented, with outcomes.")


class ProgramSummarySerializer(ProgramFieldsSerializer):
    """A program in the library, as listed."""

    ratings = _ratings()


class ProgramSerializer(ProgramFieldsSerializer):
    """A program with its evidence, and the published strategy pages that list it."""

    description = MarkdownField(help_text="About the program, in Markdown.")
    ratings = _ratings()
    implementations = _implementations()
    strategies = serializers.SerializerMethodField(
        help_text="The published strategy pages that list this program."
    )

    @extend_schema_field(StrategyRefSerializer(many=True))
    def get_strategies(self, program):
        strategies = [link.strategy for link in program.public_links]
        return StrategyRefSerializer(strategies, many=True, context=self.context).data


class PageProgramSerializer(ProgramFieldsSerializer):
    """A promising program as a strategy page lists it: the program, the page's note, its
    ratings, implementations and outcomes (with footnote numbers)."""

    read_through = "program"
    own_fields = ("note",)

    note = MarkdownField(help_text="Why the program fits this page, in Markdown (may be empty).")
    ratings = _ratings()
    implementations = _implementations()


# --- Scorecards ------------------------------------------------------------------------


class DataSourceSerializer(Shape):
    """Where a measure's numbers come from."""

    name = serializers.CharField(help_text="The data source's name.")
    publisher = serializers.CharField(help_text="Who publishes it (empty when unknown).")
    url = serializers.CharField(help_text="Where to find it (empty when unknown).")


class DataPointSerializer(Shape):
    """One value of a measure for one period."""

    period = serializers.CharField(
        help_text='The period: "2025", "2025-Q3", "2025-09" or "2025-09-30".'
    )
    period_start = serializers.DateField(
        source="start", help_text="The period's first day, to place it on a time line."
    )
    value = NumberField(help_text="The value (at most two decimal places).")


class MeasureSerializer(Shape):
    """How an objective is measured: its data over time, baseline, target, status and trend."""

    id = serializers.IntegerField(help_text="The measure's id.")
    name = serializers.CharField(help_text="What is measured.")
    unit = serializers.CharField(
        help_text='The unit, e.g. "incidents" or "%" (empty when not set).'
    )
    kind = choice_of(Measure.Kind, "A population indicator or a performance measure.")
    kind_label = serializers.CharField(source="get_kind_display", help_text="The kind in words.")
    polarity = choice_of(Measure.Polarity, "Whether higher or lower is better.")
    data_source = DataSourceSerializer(allow_null=True, help_text="Where the numbers come from.")
    baseline_value = NumberField(allow_null=True, help_text="The value at the start.")
    baseline_period = serializers.CharField(help_text="The baseline's period (empty when not set).")
    target_value = NumberField(allow_null=True, help_text="The value aimed for.")
    target_period = serializers.CharField(
        help_text="When the target should be met (empty when not set)."
    )
    tolerance = NumberField(
        allow_null=True,
        help_text="How far short of its goal a value may be and count as `at_risk` rather "
        "than `off_track`, in the measure's unit; null: 5 % of the distance from the "
        "baseline to the target.",
    )
    stale_after_months = serializers.IntegerField(
        help_text="The latest value counts as stale once it is older than this."
    )
    status = choice_of(
        Status,
        "Computed from the latest value, the target and the polarity; until the target "
        "period ends, also `on_track` when the latest value is on the straight path from "
        "the baseline to the target (`expected_at_latest`); `at_risk` when it misses that "
        "goal by no more than `tolerance`; `stale` when the latest value is too old.",
        source="status.code",
    )
    status_label = serializers.CharField(source="status.label", help_text="The status in words.")
    status_reason = serializers.SerializerMethodField(
        allow_null=True,
        help_text="Why the measure is `cannot_judge`: a stored value or period is outside the "
        "ranges the site accepts, and the sentence names them; null for every other status.",
    )
    expected_at_latest = NumberField(
        allow_null=True,
        help_text="Where the straight path from the baseline (at the end of its period) to the "
        "target (by the end of its period) stands at the end of the latest value's "
        "period; null without both periods, or once the target period has ended.",
    )
    trend = choice_of(
        Trend,
        "The newest value against the mean of the two before it (within 2 % is flat); "
        "values that cannot be judged (see `status_reason`) are left out.",
        source="trend.code",
    )
    trend_label = serializers.CharField(source="trend.label", help_text="The trend in words.")
    latest = serializers.SerializerMethodField(
        allow_null=True,
        help_text="The newest value that can be judged: one whose period or value is outside "
        "the ranges the site accepts is left out.",
    )
    change_from_baseline = serializers.SerializerMethodField(
        allow_null=True,
        help_text="The latest value's change against the baseline, in per cent.",
    )
    data_points = DataPointSerializer(
        many=True,
        source="series",
        help_text="Every stored value, oldest first, also those that cannot be judged.",
    )

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_reason(self, measure) -> str | None:
        return status_reason(measure.status)

    @extend_schema_field(DataPointSerializer)
    def get_latest(self, measure):
        latest = newest_judgeable(measure.series)
        return None if latest is None else DataPointSerializer(latest, context=self.context).data

    @extend_schema_field(OpenApiTypes.NUMBER)
    def get_change_from_baseline(self, measure):
        change = change_from_baseline(newest_judgeable(measure.series), measure.baseline_value)
        return NumberField().to_representation(change)


class PartnerRefSerializer(Shape):
    """An organisation that leads or joins actions."""

    name = serializers.CharField(help_text="The partner's name.")
    slug = serializers.CharField(help_text="The partner's slug.")
    sector = choice_of(Partner.Sector, "The partner's sector.")
    sector_label = serializers.CharField(
        source="get_sector_display", help_text="The sector in words."
    )
    html_url = html_url("What this partner does, on the site.")


class ActionSerializer(Shape):
    """An initiative that moves an objective, with the partners who carry it out."""

    id = serializers.IntegerField(help_text="The action's id.")
    title = serializers.CharField(help_text="The action.")
    description = MarkdownField(help_text="More about it, in Markdown (may be empty).")
    status = choice_of(Action.Status, "Where the action stands.")
    status_label = serializers.CharField(
        source="get_status_display", help_text="The status in words."
    )
    overdue = serializers.BooleanField(
        source="is_overdue", help_text="Past its due date and not done."
    )
    lead = PartnerRefSerializer(allow_null=True, help_text="The partner who leads it.")
    partners = PartnerRefSerializer(many=True, help_text="Who joins it.")
    start_date = serializers.DateField(allow_null=True, help_text="When it starts.")
    due_date = serializers.DateField(allow_null=True, help_text="When it is due.")


_OBJECTIVES_HELP = (
    "The scorecard: objectives, each with its measures (status, trend, data points) "
    "and actions (status, lead, partners, dates)."
)


class ObjectiveSerializer(Shape):
    """A scorecard objective with its measures and actions."""

    id = serializers.IntegerField(help_text="The objective's id.")
    title = serializers.CharField(help_text="The objective.")
    details = MarkdownField(help_text="More about it, in Markdown (may be empty).")
    measures = MeasureSerializer(many=True, help_text="Its measures.")
    actions = ActionSerializer(many=True, help_text="Its actions.")


# --- People ------------------------------------------------------------------------------


class ExpertSerializer(Shape):
    """A subject-matter expert named on a page."""

    name = serializers.CharField(source="expert_display", help_text="The expert's name.")
    area = serializers.CharField(help_text="What they know about (empty when not said).")


class ReviewSerializer(Shape):
    """A dated comment by a reviewer (the page's Reviewer | Date | Comments table), newest
    first."""

    id = serializers.IntegerField(help_text="The review's id.")
    reviewer = serializers.CharField(source="reviewer_display", help_text="The reviewer's name.")
    date = serializers.DateField(source="reviewed_on", help_text="The review's date.")
    comments = serializers.CharField(help_text="The comments, as plain text.")


# --- Maps --------------------------------------------------------------------------------


class MapSummarySerializer(MapRefSerializer):
    """A strategy map, as listed."""

    summary = MarkdownField(help_text="About the map, in Markdown (may be empty).")
    parent = MapRefSerializer(
        allow_null=True, help_text="The map this one zooms out of; null for the top level."
    )
    zooms_into = serializers.SerializerMethodField(
        allow_null=True,
        help_text="The strategy on the parent map that this zoom map details (null for the top "
        "level, or when that page is not published).",
    )

    @extend_schema_field(StrategyRefSerializer)
    def get_zooms_into(self, strategy_map):
        strategy = _public(strategy_map.zooms_into)
        return (
            None if strategy is None else StrategyRefSerializer(strategy, context=self.context).data
        )


class BandStrategySerializer(StrategyRefSerializer):
    """A published strategy in a band of a map."""

    position = serializers.IntegerField(help_text="Its order within the band.")
    zoom_map = MapRefSerializer(
        allow_null=True, help_text="The zoom map that details this strategy, if there is one."
    )


class BandSerializer(BandRefSerializer):
    """A labelled row of a map (a perspective such as "Community Results"), with its
    strategies."""

    strategies = BandStrategySerializer(
        many=True,
        source="public_strategies",
        help_text="The band's published strategies, in order.",
    )


class StrategyLinkSerializer(Shape):
    """A cause-and-effect arrow between two published strategies on a map."""

    cause = StrategyRefSerializer(help_text="The strategy that leads to the other.")
    effect = StrategyRefSerializer(help_text="The strategy it leads to.")
    note = serializers.CharField(help_text="What the link means (empty when not said).")


class MapSerializer(MapSummarySerializer):
    """A strategy map with its bands, their published strategies, and cause-and-effect links."""

    bands = BandSerializer(many=True, source="public_bands", help_text="The map's rows, top first.")
    links = StrategyLinkSerializer(
        many=True,
        source="public_links",
        help_text="Cause-and-effect links between the map's published strategies.",
    )


# --- Strategy pages ----------------------------------------------------------------------


class StrategySummarySerializer(StrategyRefSerializer):
    """A published strategy page, as listed."""

    map = MapRefSerializer(help_text="The map the strategy is on.")
    band = BandRefSerializer(help_text="The band of that map it sits in.")
    last_reviewed = serializers.DateField(
        allow_null=True, help_text="When the page was last reviewed."
    )
    updated_at = UtcDateTimeField(help_text="When the page was last changed.")


class ScorecardLinksSerializer(Shape):
    """Where a page's scorecard is, in the API, on the site, as CSV and to embed."""

    abstract = True

    scorecard_api_url = AbsoluteUrlField(
        lambda page: reverse("api:strategy-scorecard", args=[page.slug]),
        help_text="The page's scorecard in the API.",
    )
    scorecard_html_url = AbsoluteUrlField(
        lambda page: reverse("scorecards:scorecard", args=[page.slug]),
        help_text="The full scorecard page on the site.",
    )
    scorecard_csv_url = AbsoluteUrlField(
        lambda page: reverse("scorecards:scorecard-csv", args=[page.slug]),
        help_text="The scorecard's data as CSV.",
    )
    embed_url = AbsoluteUrlField(
        lambda page: reverse("embed:scorecard", args=[page.slug]),
        help_text="The embeddable scorecard, for an iframe on another site.",
    )


class StrategySerializer(StrategyRefSerializer, ScorecardLinksSerializer):
    """A published strategy page with every section, in the page's order."""

    intro = MarkdownField(help_text="The introduction, in Markdown (may be empty).")
    map = MapRefSerializer(help_text="The map the strategy is on.")
    band = BandRefSerializer(help_text="The band of that map it sits in.")
    breadcrumb = MapRefSerializer(many=True, help_text="The maps above the page, top-level first.")
    zoom_map = MapRefSerializer(
        allow_null=True, help_text="The zoom map that details this strategy, if there is one."
    )
    programs = PageProgramSerializer(
        many=True, source="program_links", help_text="Promising Programs."
    )
    tools = serializers.SerializerMethodField(help_text="Tools & Resources.")
    resources_to_investigate = serializers.SerializerMethodField(
        help_text="Resources to Investigate."
    )
    objectives = ObjectiveSerializer(many=True, help_text=_OBJECTIVES_HELP)
    page_manager = serializers.SerializerMethodField(
        allow_null=True, help_text="The page manager's name, or null when none is assigned."
    )
    experts = ExpertSerializer(
        many=True, source="expert_assignments", help_text="Subject-matter experts."
    )
    reviews = ReviewSerializer(many=True, help_text="Reviews, newest first.")
    references = serializers.SerializerMethodField(
        help_text="The sources the programs' outcomes cite, numbered as their `footnote`s."
    )
    last_reviewed = serializers.DateField(
        allow_null=True, help_text="When the page was last reviewed."
    )
    review_interval_months = serializers.IntegerField(
        help_text="How often the page should be reviewed."
    )
    review_due = serializers.DateField(allow_null=True, help_text="When the next review is due.")
    created_at = UtcDateTimeField(help_text="When the page was created.")
    updated_at = UtcDateTimeField(help_text="When the page was last changed.")

    def _resource_links(self, page, section):
        links = page.resource_links_in(section)
        return ResourceLinkSerializer(links, many=True, context=self.context).data

    @extend_schema_field(ResourceLinkSerializer(many=True))
    def get_tools(self, page):
        return self._resource_links(page, StrategyResource.Section.TOOLS)

    @extend_schema_field(ResourceLinkSerializer(many=True))
    def get_resources_to_investigate(self, page):
        return self._resource_links(page, StrategyResource.Section.INVESTIGATE)

    @extend_schema_field(OpenApiTypes.STR)
    def get_page_manager(self, page) -> str | None:
        return person_name(page.page_manager, "") or None

    @extend_schema_field(ReferenceSerializer(many=True))
    def get_references(self, page):
        # The view numbers the cited resources (Strategy.number_footnotes) as `cited_resources`.
        cited = [
            {"number": number, "resource": resource}
            for number, resource in enumerate(page.cited_resources, start=1)
        ]
        return ReferenceSerializer(cited, many=True, context=self.context).data


class ScorecardSerializer(ScorecardLinksSerializer):
    """A published page's scorecard: objectives, measures with every data point, and actions."""

    read_through = "strategy"
    own_fields = ("strategy", "objectives")

    strategy = StrategyRefSerializer(help_text="The strategy page.")
    objectives = ObjectiveSerializer(many=True, help_text=_OBJECTIVES_HELP)


def _api_list(view_name: str, help_text: str) -> AbsoluteUrlField:
    return AbsoluteUrlField(lambda _: reverse(f"api:{view_name}"), help_text=help_text)


class IndexSerializer(Shape):
    """Where the API's lists and its description are."""

    maps = _api_list("map-list", "Strategy maps.")
    strategies = _api_list("strategy-list", "Published strategy pages.")
    programs = _api_list("program-list", "The program library.")
    schema = _api_list("schema", "This API's OpenAPI 3.1 description.")


MapSummaryPageSerializer = page_of(MapSummarySerializer)
StrategySummaryPageSerializer = page_of(StrategySummarySerializer)
ProgramSummaryPageSerializer = page_of(ProgramSummarySerializer)


# --- Writing values ----------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "description": "The measure's id."},
            {"type": "string", "description": "The measure's name, as the page shows it."},
        ]
    }
)
class MeasureKeyField(serializers.Field):
    """A measure of the page, by its id (a whole number) or by its name (text)."""

    default_error_messages = {"invalid": "must be the measure's id (a number) or its name"}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        return data


@extend_schema_field(OpenApiTypes.NUMBER)
class ExactNumberField(serializers.Field):
    """A JSON number, as the text it reads as: what an upload's cell holds.

    Whole numbers as they are; fractions by their shortest repr (``0.1`` is
    "0.1", not the binary fraction), never in exponent form, so that the
    upload's checks (size, two decimal places) read the number written.
    """

    default_error_messages = {"invalid": "must be a number, not {kind}"}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid", kind=json_kind(data))
        return str(data) if isinstance(data, int) else format(Decimal(repr(data)), "f")


def json_kind(data) -> str:
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, str):
        return f"the text {json.dumps(data, ensure_ascii=False)[:60]}"
    if isinstance(data, int | float):
        return f"the number {data}"
    return {list: "a list", dict: "an object"}.get(type(data), "that")


class ValueInputSerializer(Shape):
    """One value to store: a measure of the page, a period, a value and an optional note."""

    measure = MeasureKeyField(help_text="The measure: its id, or its name on the page.")
    period = serializers.CharField(
        trim_whitespace=False,
        help_text='The period, of the measure\'s reporting frequency: "2025" (yearly), '
        '"2025-Q3" (quarterly, also written "2025q3") or "2025-09" (monthly).',
    )
    value = ExactNumberField(
        help_text="The value: a JSON number under 1,000,000,000,000 with at most two decimal "
        "places."
    )
    note = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        trim_whitespace=False,
        help_text="A note on the value (at most 300 characters). Left out or null: a stored "
        "note is kept; empty: it is removed.",
    )

    def read(self, data: dict) -> tuple[dict, dict[str, list[str]]]:
        """What each field reads as, and the problems of the fields that do not read, by
        field; a key that is no field is a problem of its own. Every field is read whatever
        the others hold: one field's problem hides no other's."""
        values = {}
        problems = {
            name: ["is not a field of a value (measure, period, value, note)"]
            for name in sorted(set(data) - set(self.fields))
        }
        for name, field in self.fields.items():
            try:
                values[name] = field.run_validation(field.get_value(data))
            except serializers.ValidationError as invalid:
                problems[name] = invalid.detail
            except SkipField:  # an optional field left out
                pass
        return values, problems


class MeasureRefSerializer(Shape):
    """A measure, as referenced from another object."""

    id = serializers.IntegerField(help_text="The measure's id.")
    name = serializers.CharField(help_text="The measure's name.")


class StoredValueSerializer(Shape):
    """One value as stored, and what storing it did."""

    index = serializers.IntegerField(help_text="Its place in the list that was posted, from 0.")
    measure = MeasureRefSerializer(help_text="The measure.")
    period = serializers.CharField(help_text='The period, normalised ("2025q3" is "2025-Q3").')
    value = NumberField(help_text="The value stored.")
    note = serializers.CharField(help_text="The note stored with it (empty when none).")
    result = serializers.ChoiceField(
        ["added", "changed", "unchanged"],
        help_text="`added`: a new value; `changed`: it replaced another value or note "
        "(`previous_value`); `unchanged`: that value and note were already stored.",
    )
    previous_value = NumberField(
        allow_null=True, help_text="The value it replaced, or null when none was stored."
    )


class ValuesStoredSerializer(Shape):
    """What a post of values stored: every value, in the order given, and the counts."""

    added = serializers.IntegerField(help_text="How many values were new.")
    changed = serializers.IntegerField(help_text="How many replaced a stored value or note.")
    unchanged = serializers.IntegerField(help_text="How many were already stored as given.")
    values = StoredValueSerializer(many=True, help_text="Every value, in the order posted.")


class ValueProblemSerializer(Shape):
    """One problem with the values posted."""

    index = serializers.IntegerField(
        allow_null=True,
        help_text="The value's place in the list, from 0; null for the list as a whole.",
    )
    field = serializers.CharField(
        allow_null=True,
        help_text="`measure`, `period`, `value` or `note`, or another key the value should "
        "not have; null for the value or list as a whole.",
    )
    message = serializers.CharField(
        help_text='What is wrong, naming the value by its index and its field: "Item 0, '
        'value: …" is about the first value.'
    )


class ValuesRefusedSerializer(Shape):
    """Nothing was stored: every problem the values have."""

    detail = serializers.CharField(help_text="A sentence saying that nothing was stored and why.")
    errors = ValueProblemSerializer(many=True, help_text="Every problem, in the list's order.")
