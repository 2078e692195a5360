"""The review parts of a strategy page.

A reader's own parts (the review form; for the page's manager and editors
the completeness checklist and the forms that answer reviews) are worked out
per request. For an anonymous reader they cost no query; a signed-in reader
at most two (the page's experts, then their groups).
"""

import rules

from reviews.completeness import checklist
from reviews.forms import AddressForm, ReviewForm


def last_review(strategy) -> dict | None:
    """Who reviewed the page last and when, from its prefetched reviews."""
    reviews = strategy.reviews.all()
    newest = reviews[0] if reviews else None
    if newest is not None and (
        strategy.last_reviewed is None or newest.reviewed_on >= strategy.last_reviewed
    ):
        return {"by": newest.reviewer_display, "on": newest.reviewed_on}
    if strategy.last_reviewed is not None:
        # Marked reviewed in the admin without a comment on the site.
        return {"by": None, "on": strategy.last_reviewed}
    return None


def review_panel(
    request, strategy, *, editing: bool, review_form: ReviewForm | None = None
) -> dict:
    """Context for the page: the review form, and the checklist when ``editing``.

    ``editing``: the reader may edit the page (``strategy.change_strategy``, checked
    by the caller), which was loaded ``with_content()``. ``review_form`` is a
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


def give_answer_forms(reviews) -> None:
    """Give each unanswered review the form its page's manager or an editor answers it with."""
    for review in reviews:
        if not review.is_addressed:
            review.address_form = AddressForm(instance=review)
