"""The strategy page's content, rendered once per content version and shared by its readers.

Everything the page shows from its own rows (breadcrumb, header, programs,
scorecard, people, reviews, references) is the same for every reader, so it
is rendered in five parts and kept with ``config.page_cache.shared_fragment``.
A reader the page cache does not answer costs the page's row, and the
rendering of the site's frame and of what is theirs: the review form, the
sign-in prompt. The parts are rendered without the request, so no name, CSRF
token or form of one reader can reach them; the page's manager and editors,
whose copy carries the checklist and a form on each review to answer it, get
theirs unshared.
"""

from django.http import Http404
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString

from config.page_cache import shared_fragment
from reviews.page import last_review
from strategy.models import Strategy, StrategyResource

PARTS = {
    "breadcrumb": "includes/_breadcrumb.html",
    "header": "strategy/includes/_page_header.html",
    "sections": "strategy/includes/_page_sections.html",
    "reviews": "strategy/includes/_page_reviews.html",
    "end": "strategy/includes/_page_end.html",
}


def page_content(request, strategy: Strategy, *, editing: bool) -> dict[str, SafeString]:
    """The parts of ``strategy``'s page, by name.

    ``editing``: the reader may answer reviews, and ``strategy`` was loaded
    ``with_content()`` and its reviews given their answer forms. Otherwise
    ``strategy`` may be its row alone; its content is fetched only when the
    shared parts must be rendered again.
    """
    site = _site(request)
    if editing:
        return _render(strategy, site=site, request=request)

    def render_shared():
        # Read again with the reader's rights: the page may have been unpublished
        # or deleted since its row was read.
        loaded = Strategy.objects.visible_to(request.user).with_content().filter(pk=strategy.pk)
        if not loaded:
            raise Http404
        return _render(loaded[0], site=site, request=None)

    return shared_fragment(shared_name(request, strategy), render_shared)


def shared_name(request, strategy: Strategy) -> str:
    """What the shared parts are kept under: the page, and the address the site was read at."""
    return f"strategy-page:{strategy.pk}:{_site(request)}{get_script_prefix()}"


def _site(request) -> str:
    # The embed snippet names the site by the address it was read at.
    return f"{request.scheme}://{request.get_host()}"


def _render(strategy: Strategy, *, site: str, request) -> dict[str, SafeString]:
    context = {
        "strategy": strategy,
        "site": site,
        "maps": strategy.breadcrumb(),
        "current": strategy.title,
        "reviewed": last_review(strategy),
        "references": strategy.number_footnotes(),
        "tools": strategy.resource_links_in(StrategyResource.Section.TOOLS),
        "to_investigate": strategy.resource_links_in(StrategyResource.Section.INVESTIGATE),
    }
    return {
        name: render_to_string(template, context, request=request)
        for name, template in PARTS.items()
    }
