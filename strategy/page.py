"""The strategy page's content, rendered once per content version and shared by its readers.

Everything the page shows from its own rows (programs, scorecard, people,
reviews, references) is the same for every reader, so it is rendered in four
parts and kept with ``config.page_cache.shared_fragment``: a reader the page
cache does not answer (anyone signed in) costs one query and the rendering of
what is theirs. The parts are rendered without the request, so no name, CSRF
token or form of one reader can reach them; the page's manager and editors,
whose copy carries a form on each review to answer it, get theirs unshared.
"""

from django.template.loader import render_to_string
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
    # The embed snippet names the site by the address it was read at.
    site = f"{request.scheme}://{request.get_host()}"
    if editing:
        return _render(strategy, site=site, request=request)
    return shared_fragment(
        f"strategy-page:{strategy.pk}:{site}",
        lambda: _render(
            Strategy.objects.with_content().get(pk=strategy.pk), site=site, request=None
        ),
    )


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
