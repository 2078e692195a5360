"""The read-only JSON API: published content only, whoever asks.

Each view declares what it answers (``@endpoint``), and ``api/schema.py`` builds
the OpenAPI description from those declarations and the URL patterns, so a new
endpoint cannot go undocumented. Each view loads everything its shape reads in
a fixed number of queries, whatever the size of the data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.paginator import InvalidPage, Paginator
from django.db.models import F, Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt

from api import serializers as s
from base.page_cache import cache_for_anonymous
from programs.models import Program
from public.selectors import with_page_content
from scorecards.models import scorecard_prefetches
from strategy.models import Strategy, StrategyLink, StrategyMap, StrategyProgram

PAGE_SIZE = 50
SAFE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class Doc:
    """What an endpoint answers, for the OpenAPI description."""

    summary: str
    response: s.Type
    paginated: bool = False
    description: str = ""


def error(status: int, detail: str) -> JsonResponse:
    """An answer in the shape of ``serializers.ERROR``."""
    return JsonResponse({"detail": detail}, status=status)


def endpoint(doc: Doc | None) -> Callable:
    """GET (and HEAD) only, answers and errors in JSON, readable from any origin.

    ``doc`` describes the endpoint in the OpenAPI document; None leaves it out.

    CSRF is not checked so that a POST gets the API's 405 rather than the site's
    403 page: no endpoint changes anything.
    """

    def decorate(view):
        view = cache_for_anonymous(view, query=("page",) if doc and doc.paginated else ())

        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in SAFE_METHODS:
                response = error(405, f"Method {request.method} not allowed; the API is read-only.")
                response["Allow"] = ", ".join(SAFE_METHODS)
            else:
                try:
                    response = view(request, *args, **kwargs)
                except Http404 as exc:
                    response = error(404, str(exc) if isinstance(exc, NotFound) else "Not found.")
            # Public, read-only data with no cookies involved: any site may fetch it.
            response["Access-Control-Allow-Origin"] = "*"
            return response

        wrapped.api_doc = doc
        return wrapped

    return decorate


class NotFound(Http404):
    """A 404 whose message is shown to the client."""


def answer(request, shape: s.Shape, obj: Any) -> JsonResponse:
    return JsonResponse(
        shape.dump(obj, s.Context(request)), json_dumps_params={"ensure_ascii": False}
    )


@dataclass(frozen=True)
class PageData:
    count: int
    next: str | None
    previous: str | None
    object_list: list


def paginate(request, queryset, item: s.Shape) -> JsonResponse:
    """One page of ``queryset`` as ``{count, next, previous, results}``; a bad ``?page=`` is 404."""
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except InvalidPage as exc:
        raise NotFound(f"Invalid page: {exc}") from exc

    def link(number):
        return request.build_absolute_uri(f"{request.path}?page={number}")

    data = PageData(
        count=paginator.count,
        next=link(page.next_page_number()) if page.has_next() else None,
        previous=link(page.previous_page_number()) if page.has_previous() else None,
        object_list=list(page.object_list),
    )
    return answer(request, PAGES[item.name], data)


PAGES = {
    item.name: s.page_of(item) for item in (s.MAP_SUMMARY, s.STRATEGY_SUMMARY, s.PROGRAM_SUMMARY)
}


def _public_strategies():
    return Strategy.objects.public()


# --- Views ------------------------------------------------------------------------------


@endpoint(Doc("Where the lists and the schema are", s.INDEX))
def index(request):
    return answer(request, s.INDEX, None)


@endpoint(
    Doc(
        "Strategy maps",
        PAGES["MapSummary"],
        paginated=True,
        description="The top-level map first, then the zoom maps by title.",
    )
)
def map_list(request):
    maps = StrategyMap.objects.select_related("parent", "zooms_into").order_by(
        F("parent_id").asc(nulls_first=True), "title", "pk"
    )
    return paginate(request, maps, s.MAP_SUMMARY)


@endpoint(
    Doc(
        "A strategy map",
        s.MAP,
        description="Its bands with their published strategies, and the cause-and-effect "
        "links between those strategies.",
    )
)
def map_detail(request, slug):
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
    return answer(request, s.MAP, strategy_map)


@endpoint(
    Doc(
        "Published strategy pages",
        PAGES["StrategySummary"],
        paginated=True,
        description="Map by map, band by band, in the order of the map.",
    )
)
def strategy_list(request):
    strategies = (
        _public_strategies()
        .select_related("map", "band")
        .order_by("map_id", "band__order", "band_id", "position", "title", "pk")
    )
    return paginate(request, strategies, s.STRATEGY_SUMMARY)


@endpoint(
    Doc(
        "A published strategy page",
        s.STRATEGY,
        description="Every section of the page. Drafts and archived pages answer 404.",
    )
)
def strategy_detail(request, slug):
    strategy = get_object_or_404(with_page_content(_public_strategies()), slug=slug)
    strategy.cited_resources = strategy.number_footnotes()
    return answer(request, s.STRATEGY, strategy)


@dataclass(frozen=True)
class ScorecardData:
    strategy: Strategy
    objectives: Any


@endpoint(
    Doc(
        "A published page's scorecard",
        s.SCORECARD,
        description="Objectives, measures with every data point, and actions.",
    )
)
def strategy_scorecard(request, slug):
    strategy = get_object_or_404(_public_strategies(), slug=slug)
    objectives = strategy.objectives.prefetch_related(*scorecard_prefetches())
    return answer(request, s.SCORECARD, ScorecardData(strategy, objectives))


@endpoint(Doc("The program library", PAGES["ProgramSummary"], paginated=True))
def program_list(request):
    return paginate(request, Program.objects.prefetch_related("ratings"), s.PROGRAM_SUMMARY)


@endpoint(
    Doc(
        "A program",
        s.PROGRAM,
        description="Its evidence ratings, implementations and outcomes, and the published "
        "strategy pages that list it.",
    )
)
def program_detail(request, slug):
    public_links = StrategyProgram.objects.filter(strategy__in=_public_strategies()).select_related(
        "strategy"
    )
    program = get_object_or_404(
        Program.objects.with_evidence().prefetch_related(
            Prefetch("strategy_links", queryset=public_links, to_attr="public_links")
        ),
        slug=slug,
    )
    return answer(request, s.PROGRAM, program)


@endpoint(Doc("This API's OpenAPI 3.1 description", s.OPENAPI_DOCUMENT))
def schema(request):
    from api.schema import openapi  # the schema reads this module's views

    return JsonResponse(openapi(request), json_dumps_params={"ensure_ascii": False})


@endpoint(None)
def not_found(request, rest=""):
    """Any other path under /api/ ending in a slash (without one, APPEND_SLASH redirects)."""
    raise NotFound("Not found: no such API endpoint.")
