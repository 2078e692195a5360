from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from base.page_cache import cache_for_anonymous
from programs.forms import ProgramFilterForm
from programs.models import Program
from strategy.models import Strategy, StrategyProgram

PROGRAMS_PER_PAGE = 50


def _visible_pages(user) -> Prefetch:
    """Each program's links to the pages ``user`` may read, as ``visible_pages``."""
    links = StrategyProgram.objects.filter(
        strategy__in=Strategy.objects.visible_to(user)
    ).select_related("strategy")
    return Prefetch("strategy_links", queryset=links, to_attr="visible_pages")


@cache_for_anonymous(query=("rating", "strategy", "page"))
def program_list(request):
    form = ProgramFilterForm(request.GET or None, user=request.user)
    programs = form.filter(Program.objects.all()).prefetch_related(
        "ratings", _visible_pages(request.user)
    )
    page = Paginator(programs, PROGRAMS_PER_PAGE).get_page(request.GET.get("page"))
    # The filters again, for the links to the other pages of results.
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "programs/program_list.html",
        {"page": page, "programs": page.object_list, "form": form, "filters": filters.urlencode()},
    )


@cache_for_anonymous
def program_detail(request, slug):
    program = get_object_or_404(
        Program.objects.with_evidence().prefetch_related(_visible_pages(request.user)),
        slug=slug,
    )
    return render(request, "programs/program_detail.html", {"program": program})
