"""The strategy page's content, rendered once per content version and shared by its readers.

Everything the page shows from its own rows (breadcrumb, header, programs,
scorecard, people, reviews, references) is the same for every reader, so it
is rendered in five parts and kept with ``base.page_cache.shared_fragment``.
A reader the page cache does not answer costs the page's row, and the
rendering of the site's frame and of what is theirs: the review form, the
sign-in prompt. The parts are rendered without the request, so no name, CSRF
token or form of one reader can reach them; the page's manager and editors get
the reviews part, which carries a form on each review to answer it, rendered
for them alone.
"""

from django.http import Http404
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString

from base.page_cache import shared_fragment
from reviews.page import give_answer_forms, last_review
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
    ``with_content()``; their reviews part, which carries a form to answer
    each review, is rendered for them alone. Otherwise ``strategy`` may be its
    row alone; its content is fetched only when the shared parts must be
    rendered again.
    """
    site = f"{request.scheme}://{request.get_host()}"

    def render_shared():
        if editing:
            return _render(strategy, site=site)
        # Read again with the reader's rights: the page may have been unpublished
        # or deleted since its row was read.
        loaded = Strategy.objects.visible_to(request.user).with_content().filter(pk=strategy.pk)
        if not loaded:
            raise Http404
        return _render(loaded[0], site=site)

    parts = shared_fragment(shared_name(strategy, site=site), render_shared)
    if editing:
        give_answer_forms(strategy.reviews.all())
        reviews = render_to_string(PARTS["reviews"], {"strategy": strategy}, request=request)
        parts = {**parts, "reviews": reviews}
    return parts


def shared_name(strategy: Strategy, *, site: str) -> str:
    """What the shared parts are kept under: the page, and the address the site was read at
    (the embed snippet names it)."""
    return f"strategy-page:{strategy.pk}:{site}{get_script_prefix()}"


def _render(strategy: Strategy, *, site: str) -> dict[str, SafeString]:
    # Without the request: no reader's name, token or form can reach the parts.
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
    return {name: render_to_string(template, context) for name, template in PARTS.items()}
