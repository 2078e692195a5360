"""Recent changes across the site, and watching pages."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from base.models import ChangeKind
from base.page_cache import cache_for_anonymous
from changes import selectors, services
from changes.forms import ChangesFilter, DigestForm
from strategy.models import Strategy

CHANGES_PER_PAGE = 50


def filtered_versions(request, form: ChangesFilter, maps):
    """The versions the reader may see, narrowed by the form's valid filters."""
    pages = Strategy.objects.visible_to(request.user)
    chosen = form.chosen_map()
    if chosen is not None:
        pages = pages.filter(map__in=selectors.map_and_zoom_maps(chosen, maps))
    versions = selectors.page_versions(pages)
    if kind := form.filters().get("kind"):
        versions = selectors.of_kind(versions, kind)
    return versions


@cache_for_anonymous(query=("map", "kind", "page"))
def changes_list(request):
    """Every change to the pages the reader may see, newest first: maps, count, rows, pages."""
    maps = selectors.maps_in_tree_order()
    form = ChangesFilter(request.GET, maps=maps)
    # As the site's other lists: a page past the end shows the last, one not a number the first.
    page = Paginator(filtered_versions(request, form, maps), CHANGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    filters = form.filters()
    return render(
        request,
        "changes/changes.html",
        {
            "form": form,
            "page": page,
            "changes": selectors.describe(page.object_list),
            "query": urlencode(filters),
            "chosen_map": form.chosen_map(),
            "chosen_kind": ChangeKind(filters["kind"]).label if "kind" in filters else "",
        },
    )


def _back(request, strategy: Strategy) -> str:
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return strategy.get_absolute_url()


def _watch(request, slug: str, *, watching: bool):
    strategy = Strategy.objects.find_visible(slug, request.user)
    if strategy is None:
        raise Http404
    services.set_watching(user=request.user, strategy=strategy, watching=watching)
    if watching:
        text = f"You are watching “{strategy.title}”."
        if services.digest_is_on(request.user):
            text += " Its changes come in your daily e-mail digest."
        else:
            text += " Your daily digest is turned off: turn it on under “Pages you watch”."
        messages.success(request, text)
    else:
        messages.success(request, f"You no longer watch “{strategy.title}”.")
    return redirect(_back(request, strategy))


@require_POST
@login_required
def watch(request, slug):
    return _watch(request, slug, watching=True)


@require_POST
@login_required
def unwatch(request, slug):
    return _watch(request, slug, watching=False)


@login_required
@require_http_methods(["GET", "POST"])
def watching(request):
    """The pages the signed-in person watches, and their daily digest on or off."""
    if request.method == "POST":
        form = DigestForm(request.POST)
        if form.is_valid():
            send = form.cleaned_data["send"]
            services.set_digest(user=request.user, send=send)
            if send:
                messages.success(request, "Your daily digest of watched pages is on.")
            else:
                messages.success(
                    request, "Your daily digest of watched pages is off: no more e-mails."
                )
            return redirect("changes:watching")
    else:
        form = DigestForm(initial={"send": services.digest_is_on(request.user)})
    visible = Strategy.objects.visible_to(request.user).select_related("map")
    return render(
        request,
        "changes/watching.html",
        {
            "form": form,
            "watched": selectors.watched_pages(request.user, visible).order_by("title", "pk"),
            "declined": selectors.declined_pages(request.user, visible).order_by("title", "pk"),
        },
    )
