"""The read-only JSON API: published content only, whoever asks.

Django REST framework views, one per endpoint. Each says what it answers with
``documented`` (drf-spectacular's ``extend_schema``), and drf-spectacular builds
the OpenAPI description from those declarations, the serializers and the URL
patterns (``api/schema.py``), so a new endpoint cannot go undocumented. Each
view loads everything its serializer reads in a fixed number of queries,
whatever the size of the data.
"""

from django.db.models import F, Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import resolve, reverse
from django.views import defaults
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework import views as drf_views
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from api import serializers as s
from base.page_cache import cache_for_anonymous
from programs.models import Program
from public.selectors import with_page_content
from scorecards.selectors import scorecard_prefetches
from strategy.models import Strategy, StrategyLink, StrategyMap, StrategyProgram

PAGE_SIZE = 50
READ_ONLY_DETAIL = "Method {method} not allowed; the API is read-only."
NO_SUCH_ENDPOINT_DETAIL = "Not found: no such API endpoint."


def exception_handler(exc, context):
    """REST framework's errors, with a 404 that does not name the model or the query."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_views.exception_handler(exc, context)


def server_error(request):
    """The site's 500 page; under /api/, the API's JSON error (``handler500``)."""
    if not request.path.startswith(reverse("api:index")):
        return defaults.server_error(request)
    response = JsonResponse({"detail": "Server error."}, status=500)
    response["Access-Control-Allow-Origin"] = "*"
    return response


class JsonOnly(BaseContentNegotiation):
    """Every answer is JSON, whatever the request's Accept header asks for."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Pagination(PageNumberPagination):
    """``?page=N`` from 1, 50 objects a page; anything else, an empty ``?page=`` included, is 404.

    The links to the other pages carry no parameter but ``page``, as the page
    cache keeps the lists by that parameter alone.
    """

    invalid_page_message = "Invalid page: {message}"
    last_page_strings = ()

    def get_page_size(self, request):
        return PAGE_SIZE  # read at each request, so that tests can make pages smaller

    def get_page_number(self, request, paginator):
        return request.query_params.get(self.page_query_param, 1)

    def _link(self, number: int) -> str:
        return self.request.build_absolute_uri(f"{self.request.path}?page={number}")

    def get_next_link(self):
        return self._link(self.page.next_page_number()) if self.page.has_next() else None

    def get_previous_link(self):
        return self._link(self.page.previous_page_number()) if self.page.has_previous() else None


NOT_FOUND = OpenApiResponse(
    s.ErrorSerializer, "No such published object, or no such page of the list (`?page=`)."
)
READ_ONLY = OpenApiResponse(s.ErrorSerializer, "The API is read-only: GET and HEAD only.")
PAGE_PARAMETER = OpenApiParameter(
    "page",
    {"type": "integer", "minimum": 1, "default": 1},
    OpenApiParameter.QUERY,
    description="The page to answer, from 1 (the default).",
)


def documented(summary: str, response, *, paginated: bool = False, by_slug: bool = False):
    """What an endpoint answers, for the OpenAPI description: its 200, a 404 when an object
    (``by_slug``) or a page may be missing, and the 405 that every endpoint gives to anything
    but GET and HEAD. The view's docstring is the endpoint's description."""
    responses = {200: OpenApiResponse(response, summary)}
    if paginated or by_slug:
        responses[404] = NOT_FOUND
    responses[405] = READ_ONLY
    return extend_schema(
        summary=summary,
        parameters=[PAGE_PARAMETER] if paginated else None,
        responses=responses,
    )


class Endpoint(drf_views.APIView):
    """GET (and HEAD) only, answers and errors in JSON, readable from any origin.

    Anonymous readers are answered from the page cache (``base/page_cache.py``)
    unless ``cached_query`` is None; it names the query parameters the view reads.
    REST framework views are CSRF-exempt, so that a POST gets the API's 405
    rather than the site's 403: no endpoint changes anything.
    """

    http_method_names = ["get", "head"]
    content_negotiation_class = JsonOnly
    cached_query: tuple[str, ...] | None = ()

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        if cls.cached_query is None:
            return view
        return cache_for_anonymous(view, query=cls.cached_query)

    def http_method_not_allowed(self, request, *args, **kwargs):
        detail = READ_ONLY_DETAIL.format(method=request.method)
        raise exceptions.MethodNotAllowed(request.method, detail=detail)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Public, read-only data with no cookies involved: any site may fetch it.
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def answer(self, serializer_class: type[s.Shape], instance) -> Response:
        return Response(serializer_class(instance, context={"request": self.request}).data)

    def page_of(self, queryset, page_serializer: type[s.Shape]) -> Response:
        """One page of ``queryset`` as ``{count, next, previous, results}``."""
        pagination = Pagination()
        objects = pagination.paginate_queryset(queryset, self.request, view=self)
        page = {
            "count": pagination.page.paginator.count,
            "next": pagination.get_next_link(),
            "previous": pagination.get_previous_link(),
            "results": objects,
        }
        return self.answer(page_serializer, page)


def _public_strategies():
    return Strategy.objects.public()


# --- Views ------------------------------------------------------------------------------


class Index(Endpoint):
    """The addresses of the lists and of this API's description."""

    @documented("Where the lists and the schema are", s.IndexSerializer)
    def get(self, request):
        return self.answer(s.IndexSerializer, {})


class MapList(Endpoint):
    """The top-level map first, then the zoom maps by title."""

    cached_query = ("page",)

    @documented(
        "Strategy maps",
        s.MapSummaryPageSerializer,
        paginated=True,
    )
    def get(self, request):
        maps = StrategyMap.objects.select_related("parent", "zooms_into").order_by(
            F("parent_id").asc(nulls_first=True), "title", "pk"
        )
        return self.page_of(maps, s.MapSummaryPageSerializer)


class MapDetail(Endpoint):
    """Its bands with their published strategies, and the cause-and-effect links between
    those strategies."""

    @documented(
        "A strategy map",
        s.MapSerializer,
        by_slug=True,
    )
    def get(self, request, slug):
        strategy_map = get_object_or_404(
            StrategyMap.objects.select_related("parent", "zooms_into").prefetch_related(
                Prefetch(
                    "bands__strategies",
                    queryset=_public_strategies().select_related("zoom_map"),
                    to_attr="public_strategies",
                )
            ),
            slug=slug,
        )
        strategy_map.public_bands = strategy_map.bands.all()
        strategy_map.public_links = StrategyLink.objects.filter(
            cause__map=strategy_map,
            cause__in=_public_strategies(),
            effect__in=_public_strategies(),
        ).select_related("cause", "effect")
        return self.answer(s.MapSerializer, strategy_map)


class StrategyList(Endpoint):
    """Map by map, band by band, in the order of the map."""

    cached_query = ("page",)

    @documented(
        "Published strategy pages",
        s.StrategySummaryPageSerializer,
        paginated=True,
    )
    def get(self, request):
        strategies = (
            _public_strategies()
            .select_related("map", "band")
            .order_by("map_id", "band__order", "band_id", "position", "title", "pk")
        )
        return self.page_of(strategies, s.StrategySummaryPageSerializer)


class StrategyDetail(Endpoint):
    """Every section of the page. Drafts and archived pages answer 404."""

    @documented(
        "A published strategy page",
        s.StrategySerializer,
        by_slug=True,
    )
    def get(self, request, slug):
        strategy = get_object_or_404(with_page_content(_public_strategies()), slug=slug)
        strategy.cited_resources = strategy.number_footnotes()
        return self.answer(s.StrategySerializer, strategy)


class StrategyScorecard(Endpoint):
    """Objectives, measures with every data point, and actions."""

    @documented(
        "A published page's scorecard",
        s.ScorecardSerializer,
        by_slug=True,
    )
    def get(self, request, slug):
        strategy = get_object_or_404(_public_strategies(), slug=slug)
        objectives = strategy.objectives.prefetch_related(*scorecard_prefetches())
        return self.answer(s.ScorecardSerializer, {"strategy": strategy, "objectives": objectives})


class ProgramList(Endpoint):
    """Every program, by name."""

    cached_query = ("page",)

    @documented("The program library", s.ProgramSummaryPageSerializer, paginated=True)
    def get(self, request):
        programs = Program.objects.prefetch_related("ratings")
        return self.page_of(programs, s.ProgramSummaryPageSerializer)


class ProgramDetail(Endpoint):
    """Its evidence ratings, implementations and outcomes, and the published strategy
    pages that list it."""

    @documented(
        "A program",
        s.ProgramSerializer,
        by_slug=True,
    )
    def get(self, request, slug):
        public_links = StrategyProgram.objects.filter(
            strategy__in=_public_strategies()
        ).select_related("strategy")
        program = get_object_or_404(
            Program.objects.with_evidence().prefetch_related(
                Prefetch("strategy_links", queryset=public_links, to_attr="public_links")
            ),
            slug=slug,
        )
        return self.answer(s.ProgramSerializer, program)


class Schema(Endpoint):
    """This description, in JSON: every endpoint, field and code."""

    @documented(
        "This API's OpenAPI 3.1 description",
        OpenApiTypes.OBJECT,
    )
    def get(self, request):
        from api.schema import openapi  # the schema reads this module's views

        return Response(openapi(request))


@extend_schema(exclude=True)
class NoSuchEndpoint(Endpoint):
    """Any other address under /api/: a JSON 404, never the site's page.

    An address that lacks only its final slash is sent to the one with it, as
    APPEND_SLASH does for the rest of the site (this route matches every
    address, so APPEND_SLASH never sees one under /api/).
    """

    cached_query = None

    def get(self, request, rest=""):
        if not rest.endswith("/"):
            with_slash = request.get_full_path(force_append_slash=True)
            if resolve(f"{request.path_info}/").func.view_class is not NoSuchEndpoint:
                return Response(
                    {"detail": f"Moved permanently to {with_slash}."},
                    status=301,
                    headers={"Location": with_slash},
                )
        raise exceptions.NotFound(NO_SUCH_ENDPOINT_DETAIL)


@cache_for_anonymous
@require_safe
def reference(request):
    """The interactive reference: Swagger UI, from vendored static files, reading the
    description at /api/schema/. It lives outside /api/, where every address answers JSON."""
    return render(request, "api/reference.html")
