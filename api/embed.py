"""The embeddable scorecard: a published page's measures, for an iframe on another site."""

from csp.decorators import csp_replace
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from base.page_cache import cache_for_anonymous
from scorecards.selectors import scorecard_prefetches
from strategy.models import Strategy


# Only this view may be framed: every other page keeps X-Frame-Options: DENY and the
# policy's frame-ancestors 'none'. The page changes nothing and holds no form, so being
# framed cannot be turned against a reader. A 404 raised here keeps both protections.
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@require_safe
@cache_for_anonymous
def scorecard(request, slug):
    strategy = get_object_or_404(Strategy.objects.public(), slug=slug)
    objectives = strategy.objectives.prefetch_related(*scorecard_prefetches(actions=False))
    return render(
        request,
        "embed/scorecard.html",
        {
            "strategy": strategy,
            "objectives": objectives,
            "page_url": request.build_absolute_uri(strategy.get_absolute_url()),
        },
    )
