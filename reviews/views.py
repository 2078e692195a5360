from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reviews import services
from reviews.forms import AddressForm
from reviews.models import Review
from strategy.models import Strategy


def forbidden(request, message: str):
    """The refusal page of the review features, saying why."""
    return render(request, "reviews/forbidden.html", {"message": message}, status=403)


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
        return forbidden(request, services.MAY_NOT_ANSWER)
    form = AddressForm(request.POST, instance=review)
    if form.is_valid():
        services.mark_addressed(
            review=review,
            user=request.user,
            reply=form.cleaned_data["reply"],
            site_url=request.build_absolute_uri("/"),
        )
        messages.success(request, "The comment is marked addressed.")
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(review.get_absolute_url())
