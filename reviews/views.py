import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reviews import selectors, services
from reviews.forms import AddressForm, ReviewForm
from reviews.models import Review
from strategy.models import Strategy
from strategy.views import strategy_detail

NOT_FOR_YOU = "The review dashboard is for reviewers, experts, page managers and editors."


def _forbidden(request, message: str):
    return render(request, "reviews/forbidden.html", {"message": message}, status=403)


@require_POST
@login_required
def add(request, slug):
    """A reviewer's dated comment, posted from the strategy page."""
    strategy = get_object_or_404(
        Strategy.objects.visible_to(request.user).prefetch_related("expert_assignments"),
        slug=slug,
    )
    # The rule itself, not user.has_perm: that says yes to every superuser.
    if not rules.has_perm("reviews.add_review", request.user, strategy):
        return _forbidden(request, services.MAY_NOT_REVIEW)
    form = ReviewForm(request.POST, strategy=strategy)
    if form.is_valid():
        try:
            services.add_review(
                strategy=strategy,
                reviewer=request.user,
                reviewed_on=form.cleaned_data["reviewed_on"],
                comments=form.cleaned_data["comments"],
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you: your review is on the page.")
            return redirect(f"{strategy.get_absolute_url()}#reviews")
    # The page again, with the form and its errors where the reviewer left it.
    return strategy_detail(request, slug, review_form=form)


@require_POST
@login_required
def address(request, pk):
    """The page manager marks a comment addressed, with an optional reply."""
    review = get_object_or_404(
        Review.objects.select_related("strategy"),
        pk=pk,
        strategy__in=Strategy.objects.visible_to(request.user),
    )
    if not request.user.has_perm("strategy.change_strategy", review.strategy):
        return _forbidden(request, services.MAY_NOT_ANSWER)
    form = AddressForm(request.POST, instance=review)
    if form.is_valid():
        services.mark_addressed(review=review, user=request.user, reply=form.cleaned_data["reply"])
        messages.success(request, "The comment is marked addressed.")
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(review.get_absolute_url())


@login_required
def dashboard(request):
    """Pages due for review, the newest comments, and a manager's pages with their scores."""
    if not request.user.has_perm("reviews.view_dashboard"):
        return _forbidden(request, NOT_FOR_YOU)
    return render(
        request,
        "reviews/dashboard.html",
        selectors.dashboard(request.user, today=timezone.localdate()),
    )
