"""The dashboard: every measure (``/dashboard/``) and every action (``/dashboard/actions/``)
on the pages the reader may see, with their counts by status, filters, sortable columns
and the filtered rows as CSV."""

import csv
import functools

from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.rules import may_read_drafts
from base.page_cache import cache_for_anonymous, shared_fragment
from dashboard import exports, selectors
from dashboard.forms import DashboardFilterForm
from scorecards.exports import spreadsheet_safe
from scorecards.status import Status
from strategy.models import Strategy

FILTERS = ("status", "map", "partner", "sector", "owner")
QUERY = (*FILTERS, "sort", "page")

MEASURE_COLUMNS = [
    ("measure", "Measure"),
    ("status", "Status"),
    ("latest", "Latest value"),
    (None, "Target"),
    ("page", "Strategy page"),
    ("owner", "Owner"),
]
ACTION_COLUMNS = [
    ("action", "Action"),
    ("status", "Status"),
    ("due", "Due"),
    ("page", "Strategy page"),
    ("lead", "Lead partner"),
    ("responsible", "Responsible"),
]


def _address(query, **changes) -> str:
    """``?`` and the query string with ``changes`` made (None removes a parameter); a new
    filter or sort starts again at the first page."""
    query = query.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return f"?{query.urlencode()}" if query else "?"


MEASURE_FILTERS = {
    "statuses": {slug: status.label for slug, status in selectors.MEASURE_STATUSES.items()},
    "sorts": selectors.MEASURE_SORTS,
    "owner_label": "Owner",
}
ACTION_FILTERS = {
    "statuses": selectors.ACTION_STATUSES,
    "sorts": selectors.ACTION_SORTS,
    "owner_label": "Responsible",
}


def _form(request, *, statuses: dict, sorts, owner_label: str):
    visible = Strategy.objects.visible_to(request.user)
    # What the filters offer is the same for every reader who sees the same pages.
    readers = "staff" if may_read_drafts(request.user) else "public"
    choices = shared_fragment(
        f"dashboard-filter-choices {readers}", lambda: selectors.filter_choices(visible)
    )
    form = DashboardFilterForm(
        request.GET,
        choices=choices,
        statuses=statuses,
        sorts=sorts,
        owner_label=owner_label,
    )
    return visible, form, form.filters()


def _headers(columns, filters: selectors.Filters, query) -> list[dict]:
    """Each column's heading: its link to sort by it (the other way when it is the sort)
    and its ``aria-sort``. The page order is the sort when none is chosen."""
    current = filters.sort_column or "page"
    headers = []
    for column, label in columns:
        header = {"label": label, "sortable": column is not None, "aria_sort": None}
        if column is not None:
            now = column == current
            if now:
                header["aria_sort"] = "descending" if filters.descending else "ascending"
            backwards = now and not filters.descending
            header["url"] = _address(query, sort=f"-{column}" if backwards else column)
            header["next"] = "descending" if backwards else "ascending"
        headers.append(header)
    return headers


def _tabs(request, current: str, form) -> list[dict]:
    """The two lists, each keeping the filters both have (not the status or the sort) that
    the list was read with."""
    shared = QueryDict(mutable=True)
    for name in ("map", "partner", "sector", "owner"):
        if name not in form.errors and (value := request.GET.get(name)):
            shared[name] = value
    query = f"?{shared.urlencode()}" if shared else ""
    return [
        {"label": label, "url": reverse(name) + query, "current": name == current}
        for name, label in (("dashboard:measures", "Measures"), ("dashboard:actions", "Actions"))
    ]


def _context(request, form, filters, columns, page, counts) -> dict:
    # The links (sorts, pages, the download) carry only what the list was read with: a
    # filter or sort the site refused and left out would refuse the download.
    query = request.GET.copy()
    for name in form.errors:
        query.pop(name, None)
    return {
        "form": form,
        "chosen": [
            (name, label, value, _address(query, **{name: None}))
            for name, label, value in form.chosen()
        ],
        "headers": _headers(columns, filters, query),
        "page": page,
        "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "page_query": _address(query).lstrip("?"),
        "counts": [
            {"slug": slug, "label": label, "count": count, "css": css}
            | {"url": _address(query, status=slug)}
            for slug, label, count, css in counts
        ],
        "all_statuses": _address(query, status=None),
        "download": _address(query),
        "any_filter": any(query.get(name) for name in FILTERS),
        "chosen_status": filters.status,
    }


@cache_for_anonymous(query=QUERY)
def measures(request):
    visible, form, filters = _form(request, **MEASURE_FILTERS)
    counts, page = selectors.measure_page(
        visible, filters, page=request.GET.get("page"), today=timezone.localdate()
    )
    shown = [
        (slug, status.label, counts[status], f"status-{status.code}")
        for slug, status in selectors.MEASURE_STATUSES.items()
        # The five every site has, and the others when some measure has them.
        if counts[status] or status not in (Status.NO_TARGET, Status.CANNOT_JUDGE)
    ]
    context = _context(request, form, filters, MEASURE_COLUMNS, page, shown)
    context |= {
        "tabs": _tabs(request, "dashboard:measures", form),
        "total": sum(counts.values()),
        "counts_heading": "Measures by status",
    }
    return render(request, "dashboard/measures.html", context)


@cache_for_anonymous(query=QUERY)
def actions(request):
    visible, form, filters = _form(request, **ACTION_FILTERS)
    today = timezone.localdate()
    actions = selectors.actions_in(visible, filters)
    totals = selectors.action_counts(actions, today=today)
    rows = selectors.with_action_status(actions, filters.status, today=today)
    page = Paginator(
        selectors.action_rows(selectors.sorted_actions(rows, filters)), selectors.PER_PAGE
    ).get_page(request.GET.get("page"))
    shown = [
        (slug, label, totals[slug], f"action-{slug}")
        for slug, label in selectors.ACTION_STATUSES.items()
    ]
    context = _context(request, form, filters, ACTION_COLUMNS, page, shown)
    context |= {
        "tabs": _tabs(request, "dashboard:actions", form),
        "total": totals["total"],
        "counts_heading": "Actions by status",
    }
    return render(request, "dashboard/actions.html", context)


def _refused(form) -> HttpResponse | None:
    """A download with a filter or a sort the site does not have is refused, saying which."""
    if form.is_valid():
        return None
    said = []
    if form.refused_filters:
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name != "sort"
        )
        said.append(f"Unknown filter value ({problems})")
    said.extend(form.errors.get("sort", []))
    return HttpResponse(" ".join(said), status=400, content_type="text/plain; charset=utf-8")


@cache_for_anonymous(query=QUERY)
def measures_csv(request):
    """The measures the filters let through, in the order chosen, every page of them."""
    visible, form, filters = _form(request, **MEASURE_FILTERS)
    if refused := _refused(form):
        return refused
    rows = exports.measure_rows(
        visible, filters, page_url=_page_url(request), today=timezone.localdate()
    )
    return _csv("dashboard-measures.csv", exports.MEASURE_HEADER, rows)


@cache_for_anonymous(query=QUERY)
def actions_csv(request):
    """The actions the filters let through, in the order chosen, every page of them."""
    visible, form, filters = _form(request, **ACTION_FILTERS)
    if refused := _refused(form):
        return refused
    rows = exports.action_rows(
        visible, filters, page_url=_page_url(request), today=timezone.localdate()
    )
    return _csv("dashboard-actions.csv", exports.ACTION_HEADER, rows)


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return response


def _page_url(request):
    """A strategy page's absolute address by its slug, each built once."""

    @functools.cache
    def page_url(slug: str) -> str:
        return request.build_absolute_uri(reverse("strategy:strategy-detail", args=[slug]))

    return page_url
