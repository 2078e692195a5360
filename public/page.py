"""The strategy page, composed: its content, rendered once per content version and shared by
its readers, and the review parts that are each reader's own.

Everything the page shows from its own rows (breadcrumb, header, programs,
scorecard, people, reviews, references) is the same for every reader, so it
is rendered in five parts and kept with ``base.page_cache.shared_fragment``.
A reader the page cache does not answer costs the page's row, and the
rendering of the site's frame and of what is theirs: the review form, the
sign-in prompt. The parts are rendered without the request, so no name, CSRF
token or form of one reader can reach them; the page's manager and editors get
the reviews part, which carries a form on each review to answer it, rendered
for them alone.

A reader's own review parts (the review form; for the page's manager and
editors the completeness checklist and the forms that answer reviews) are
worked out per request. For an anonymous reader they cost no query; a
signed-in reader at most two (the page's experts, then their groups).
"""

import rules
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString

from base.page_cache import shared_fragment
from public.completeness import checklist
from public.selectors import with_page_content
from reviews.forms import AddressForm, ReviewForm
from strategy.models import Strategy, StrategyResource

PARTS = {
    "breadcrumb": "includes/_breadcrumb.html",
    "header": "strategy/includes/_page_header.html",
    "sections": "strategy/includes/_page_sections.html",
    "reviews": "strategy/includes/_page_reviews.html",
    "end": "strategy/includes/_page_end.html",
}


def page_content(
    request, strategy: Strategy, *, editing: bool, answer_form: AddressForm | None = None
) -> dict[str, SafeString]:
    """The parts of ``strategy``'s page, by name.

    ``editing``: the reader may answer reviews, and ``strategy`` was loaded
    ``with_page_content()``; their reviews part, which carries a form to answer
    each review, is rendered for them alone. Otherwise ``strategy`` may be its
    row alone; its content is fetched only when the shared parts must be
    rendered again.
    """
    site = f"{request.scheme}://{request.get_host()}"

    def render_shared():
        if editing:
            return render_page_parts(strategy, site=site)
        # Read again with the reader's rights: the page may have been unpublished
        # or deleted since its row was read.
        loaded = with_page_content(Strategy.objects.visible_to(request.user)).filter(pk=strategy.pk)
        if not loaded:
            raise Http404
        return render_page_parts(loaded[0], site=site)

    parts = shared_fragment(shared_name(strategy, site=site), render_shared)
    if editing:
        give_answer_forms(strategy.reviews.all(), rejected=answer_form)
        reviews = render_to_string(PARTS["reviews"], {"strategy": strategy}, request=request)
        parts = {**parts, "reviews": reviews}
    return parts


def shared_name(strategy: Strategy, *, site: str) -> str:
    """What the shared parts are kept under: the page, and the address the site was read at
    (the embed snippet names it)."""
    return f"strategy-page:{strategy.pk}:{site}{get_script_prefix()}"


def render_page_parts(strategy: Strategy, *, site: str) -> dict[str, SafeString]:
    """The page's parts as every reader sees them, by name (``PARTS``); ``strategy`` loaded
    ``with_page_content()``. The briefing books print them."""
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


def last_review(strategy) -> dict | None:
    """Who reviewed the page last and when, from its prefetched reviews.

    ``last_reviewed`` is the newest of the page's reviews and marks of review
    (``reviews.services.refresh_review_date``), so the header and the footer,
    which both show this, name one date.
    """
    reviews = strategy.reviews.all()
    newest = reviews[0] if reviews else None
    if newest is not None and (
        strategy.last_reviewed is None or newest.reviewed_on >= strategy.last_reviewed
    ):
        return {"by": newest.reviewer_display, "on": newest.reviewed_on}
    if strategy.last_reviewed is not None:
        # Marked reviewed by its manager or an editor, without a comment.
        return {"by": None, "on": strategy.last_reviewed}
    return None


def review_panel(
    request, strategy, *, editing: bool, review_form: ReviewForm | None = None
) -> dict:
    """Context for the page: the review form, and the checklist when ``editing``.

    ``editing``: the reader may edit the page (``strategy.change_strategy``, checked
    by the caller), which was loaded ``with_page_content()``. ``review_form`` is a
    rejected form to show again with its errors.
    """
    user = request.user
    context = {"review_form": None, "checklist": None}
    # The rule itself, not user.has_perm: that says yes to every superuser.
    if review_form is not None or rules.has_perm("reviews.add_review", user, strategy):
        context["review_form"] = review_form or ReviewForm(strategy=strategy)
    if editing:
        context["checklist"] = checklist(strategy)
    return context


def give_answer_forms(reviews, *, rejected: AddressForm | None = None) -> None:
    """Give each unanswered review the form its page's manager or an editor answers it with;
    ``rejected``, an answer refused, to its review, to be shown again with its error."""
    for review in reviews:
        if rejected is not None and rejected.instance.pk == review.pk:
            review.address_form = rejected
        elif not review.is_addressed:
            review.address_form = AddressForm(instance=review)
