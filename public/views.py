"""The public site's pages, each composed from the domain apps' rows and rules."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from reversion.models import Version

from accounts.people import person_name
from base.page_cache import cache_for_anonymous
from public import dashboard, history, services
from public.maps import HIGHLIGHTS, map_context
from public.page import page_content, review_panel
from public.search import search
from public.selectors import with_page_content
from reviews import services as review_services
from reviews.forms import AddressForm, ReviewForm
from reviews.models import Review
from reviews.views import forbidden
from strategy.models import Strategy, StrategyMap

NOT_FOR_YOU = "The review dashboard is for reviewers, experts, page managers and editors."


def _render_map(request, strategy_map):
    return render(
        request, "strategy/map_detail.html", map_context(request.user, strategy_map, request.GET)
    )


@cache_for_anonymous(query=HIGHLIGHTS)
def home(request):
    strategy_map = StrategyMap.objects.top_level().first()
    if strategy_map is None:
        return render(request, "strategy/no_map.html")
    return _render_map(request, strategy_map)


@cache_for_anonymous(query=HIGHLIGHTS)
def map_detail(request, slug):
    strategy_map = get_object_or_404(
        StrategyMap.objects.select_related("parent__parent"), slug=slug
    )
    return _render_map(request, strategy_map)


@cache_for_anonymous
def strategy_detail(request, slug):
    return _strategy_page(request, slug)


def _strategy_page(request, slug, *, review_form=None, answer_form=None):
    """A strategy page. ``review_form`` is a rejected review, ``answer_form`` a rejected answer
    to one, each shown again with its errors."""
    strategy = Strategy.objects.find_visible(slug, request.user)
    if strategy is None:
        raise Http404
    editing = request.user.has_perm("strategy.change_strategy", strategy)
    if editing:
        # Its checklist is worked out from the whole page, and its copy is its own.
        strategy = with_page_content(Strategy.objects).get(pk=strategy.pk)
    return render(
        request,
        "strategy/strategy_detail.html",
        {
            "strategy": strategy,
            "editing": editing,
            "content": page_content(request, strategy, editing=editing, answer_form=answer_form),
            **review_panel(request, strategy, editing=editing, review_form=review_form),
        },
    )


@require_POST
@login_required
def add_review(request, slug):
    """A reviewer's dated comment, posted from the strategy page."""
    strategy = get_object_or_404(
        Strategy.objects.visible_to(request.user).prefetch_related("expert_assignments"),
        slug=slug,
    )
    # The rule itself, not user.has_perm: that says yes to every superuser.
    if not rules.has_perm("reviews.add_review", request.user, strategy):
        return forbidden(request, review_services.MAY_NOT_REVIEW)
    form = ReviewForm(request.POST, strategy=strategy)
    if form.is_valid():
        try:
            review_services.add_review(
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
    return _strategy_page(request, slug, review_form=form)


@require_POST
@login_required
def address_review(request, pk):
    """The page manager marks a comment addressed, with an optional reply."""
    review = get_object_or_404(
        Review.objects.select_related("strategy"),
        pk=pk,
        strategy__in=Strategy.objects.visible_to(request.user),
    )
    if not request.user.has_perm("strategy.change_strategy", review.strategy):
        return forbidden(request, review_services.MAY_NOT_ANSWER)
    form = AddressForm(request.POST, instance=review)
    if form.is_valid():
        review_services.mark_addressed(
            review=review,
            user=request.user,
            reply=form.cleaned_data["reply"],
            site_url=request.build_absolute_uri("/"),
        )
        messages.success(request, "The comment is marked addressed.")
        return redirect(review.get_absolute_url())
    # The page again, that review's reply box open with the reply and its error.
    return _strategy_page(request, review.strategy.slug, answer_form=form)


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok"})


@cache_for_anonymous(query=("from", "to"))
def strategy_history(request, slug):
    """The page's revisions, and the differences between two of them (``?from=&to=``)."""
    strategy = get_object_or_404(
        Strategy.objects.visible_to(request.user).select_related("map__parent__parent"),
        slug=slug,
    )
    entries = history.page_history(strategy)
    context = {
        "strategy": strategy,
        "breadcrumb": strategy.breadcrumb(),
        "entries": entries,
    }
    status = 200
    if "from" in request.GET or "to" in request.GET:
        try:
            context["comparison"] = history.compare(
                entries, request.GET.get("from"), request.GET.get("to")
            )
        except history.UnknownRevision:
            context["unknown_revision"] = True
            status = 404
    return render(request, "strategy/history.html", context, status=status)


# Not cached: every query is a new address, and search is quick on its own.
def search_page(request):
    query = request.GET.get("q", "")
    return render(
        request,
        "strategy/search.html",
        {"query": query, "results": search(query, user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategy_revert(request, slug, version_id):
    """Restoring the page to one of its revisions (editors only): a preview, then a confirmation.

    GET shows what the restore would change (the history's diff, from now to
    the page as restored) and what it keeps; POST, from the preview's form,
    restores and shows the page.
    """
    if not request.user.has_perm("reversion.revert_revision"):
        raise PermissionDenied
    strategy = get_object_or_404(
        Strategy.objects.visible_to(request.user).select_related("map__parent__parent"),
        slug=slug,
    )
    version = get_object_or_404(
        Version.objects.get_for_object(strategy).select_related("revision__user"), pk=version_id
    )
    when = date_format(timezone.localtime(version.revision.date_created), "M j, Y, g:i a")
    who = person_name(version.revision.user, "system")
    if request.method == "POST":
        return _restore(request, strategy, version, label=f"{when} by {who}")
    context = {
        "strategy": strategy,
        "breadcrumb": strategy.breadcrumb(),
        "version": version,
        "when": when,
        "who": who,
        "comment": version.revision.get_comment(),
    }
    try:
        context["plan"] = services.restore_plan(strategy=strategy, version=version)
    except ValidationError as error:
        context["refusal"] = " ".join(error.messages)
    return render(request, "strategy/restore_preview.html", context)


def _restore(request, strategy, version, *, label: str):
    try:
        seen = int(request.POST.get("seen", ""))
    except ValueError:
        messages.error(request, "Restore a revision from its preview, after reading what changes.")
        return redirect("strategy:strategy-revert", strategy.slug, version.pk)
    try:
        restored = services.revert_page(
            strategy=strategy, version=version, user=request.user, seen_version_id=seen
        )
    except services.PageChangedSincePreview as error:
        messages.error(request, " ".join(error.messages))
        return redirect("strategy:strategy-revert", strategy.slug, version.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("strategy:strategy-history", strategy.slug)
    messages.success(
        request,
        f"Restored the revision of {label}. Data points and reviews were kept. "
        "The restore is recorded in the page's history and can be undone from there.",
    )
    return redirect(restored)


@login_required
def review_dashboard(request):
    """Pages due for review, the newest comments, and a manager's pages with their scores."""
    if not request.user.has_perm("reviews.view_dashboard"):
        return forbidden(request, NOT_FOR_YOU)
    return render(
        request,
        "reviews/dashboard.html",
        dashboard.review_dashboard(request.user, today=timezone.localdate()),
    )
