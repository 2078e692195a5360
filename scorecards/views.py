from itertools import chain

from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from base.page_cache import cache_for_anonymous
from base.spreadsheets import XLSX_CONTENT_TYPE
from scorecards.exports import WorkbookTooLarge, scorecard_csv_chunks, scorecard_xlsx
from scorecards.models import Action, Measure, Partner
from scorecards.selectors import scorecard_prefetches
from strategy.models import Strategy


def _page(request, slug) -> Strategy:
    # The maps above it, for the breadcrumb.
    pages = Strategy.objects.visible_to(request.user).select_related("map__parent__parent")
    return get_object_or_404(pages, slug=slug)


def _download(response: HttpResponse, filename: str, content_type: str) -> HttpResponse:
    response["Content-Type"] = content_type
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_response(response: HttpResponse, filename: str) -> HttpResponse:
    return _download(response, filename, "text/csv; charset=utf-8")


def _xlsx_response(measures, *, sheet_title: str, filename: str) -> HttpResponse:
    try:
        content = scorecard_xlsx(measures, sheet_title=sheet_title)
    except WorkbookTooLarge as too_large:
        # 406: the file asked for cannot be made; the CSV can.
        return HttpResponse(str(too_large), status=406, content_type="text/plain; charset=utf-8")
    return _download(HttpResponse(content), filename, XLSX_CONTENT_TYPE)


@cache_for_anonymous
def scorecard(request, slug):
    strategy = _page(request, slug)
    objectives = strategy.objectives.prefetch_related(*scorecard_prefetches())
    return render(
        request,
        "scorecards/scorecard.html",
        {"strategy": strategy, "objectives": objectives, "breadcrumb": strategy.breadcrumb()},
    )


@cache_for_anonymous
def scorecard_download(request, slug):
    strategy = _page(request, slug)
    chunks = scorecard_csv_chunks(Measure.objects.filter(objective__strategy=strategy))
    return _csv_response(HttpResponse("".join(chunks)), f"{strategy.slug}-scorecard.csv")


@cache_for_anonymous
def scorecard_xlsx_download(request, slug):
    """The page's scorecard as the CSV has it, as an Excel workbook."""
    strategy = _page(request, slug)
    return _xlsx_response(
        Measure.objects.filter(objective__strategy=strategy),
        sheet_title="Scorecard",
        filename=f"{strategy.slug}-scorecard.xlsx",
    )


def all_scorecards_download(request):
    """Every measure and value of the published pages (not drafts, whoever asks), streamed."""
    measures = Measure.objects.filter(objective__strategy__in=Strategy.objects.public())
    chunks = scorecard_csv_chunks(measures)
    header = next(chunks)  # runs the queries here, where a failure still gets an error page
    return _csv_response(StreamingHttpResponse(chain([header], chunks)), "scorecards.csv")


@cache_for_anonymous
def all_scorecards_xlsx_download(request):
    """The site-wide CSV as an Excel workbook: published pages only, whoever asks.

    A workbook is a zip whose table of contents comes last, so it is made whole
    before it is sent (the sheet's rows go through a temporary file, not memory).
    Making it takes seconds at the most rows it holds, so readers share one copy
    until the content changes.
    """
    measures = Measure.objects.filter(objective__strategy__in=Strategy.objects.public())
    return _xlsx_response(measures, sheet_title="Scorecards", filename="scorecards.xlsx")


@cache_for_anonymous
def partner_list(request):
    visible = Strategy.objects.visible_to(request.user)
    partners = Partner.objects.annotate_work(visible)
    return render(request, "scorecards/partner_list.html", {"partners": partners})


@cache_for_anonymous
def partner_detail(request, slug):
    visible = Strategy.objects.visible_to(request.user)
    partner = get_object_or_404(Partner, slug=slug)
    actions = (
        Action.objects.filter(objective__strategy__in=visible)
        .filter(Q(lead=partner) | Q(partners=partner))
        .distinct()
        .select_related("objective__strategy", "lead")
        .prefetch_related("partners")
        .order_by("objective__strategy__title", "objective__order", "order", "id")
    )
    return render(
        request, "scorecards/partner_detail.html", {"partner": partner, "actions": actions}
    )
