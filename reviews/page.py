"""The review parts of a strategy page, worked out from the page as already loaded.

``Strategy.objects.for_page()`` has fetched the page's manager, experts and
reviews, so none of this costs an anonymous reader a query; a signed-in
reader costs at most three (their groups, then their permissions unless they
manage the page).
"""

from reviews import access
from reviews.completeness import checklist
from reviews.forms import AddressForm, ReviewForm


def review_panel(request, strategy, *, review_form: ReviewForm | None = None) -> dict:
    """Context for the page: who reviewed it last, the review form, the checklist.

    ``review_form`` is a rejected form to show again with its errors.
    """
    user = request.user
    reviews = list(strategy.reviews.all())
    newest = reviews[0] if reviews else None
    if newest is not None and (
        strategy.last_reviewed is None or newest.reviewed_on >= strategy.last_reviewed
    ):
        reviewed = {"by": newest.reviewer_display, "on": newest.reviewed_on}
    elif strategy.last_reviewed is not None:
        # Marked reviewed in the admin without a comment on the site.
        reviewed = {"by": None, "on": strategy.last_reviewed}
    else:
        reviewed = None

    context = {"reviewed": reviewed, "review_form": None, "checklist": None}
    if review_form is not None or access.can_review(user, strategy):
        context["review_form"] = review_form or ReviewForm(strategy=strategy)
    if access.can_edit(user, strategy):
        context["checklist"] = checklist(strategy)
        for review in reviews:
            if not review.is_addressed:
                review.address_form = AddressForm(instance=review)
    return context
