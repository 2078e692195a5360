from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from programs.models import Program
from strategy.models import Strategy, StrategyProgram


def program_list(request):
    programs = Program.objects.prefetch_related("ratings")
    return render(request, "programs/program_list.html", {"programs": programs})


def program_detail(request, slug):
    pages = StrategyProgram.objects.filter(
        strategy__in=Strategy.objects.visible_to(request.user)
    ).select_related("strategy")
    program = get_object_or_404(
        Program.objects.with_evidence().prefetch_related(
            Prefetch("strategy_links", queryset=pages, to_attr="visible_pages")
        ),
        slug=slug,
    )
    return render(request, "programs/program_detail.html", {"program": program})
