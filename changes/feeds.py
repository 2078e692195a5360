"""Atom feeds of the recent changes: the whole site's (with the list's filters) and one page's."""

from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from changes import selectors
from changes.forms import ChangesFilter
from changes.views import filtered_versions
from strategy.models import Strategy

FEED_ITEMS = 50


class ChangesFeedBase(Feed):
    feed_type = Atom1Feed

    def item_title(self, change):
        return f"{change.page.title}: {change.summary}"

    def item_description(self, change):
        return f"{change.kind_label} by {change.author}: {change.summary}"

    def item_link(self, change):
        return change.diff_url

    def item_author_name(self, change):
        return change.author

    def item_pubdate(self, change):
        return change.created

    def item_updateddate(self, change):
        return change.created

    def item_categories(self, change):
        return [change.kind_label]


class SiteChangesFeed(ChangesFeedBase):
    """``/changes/feed/``: what ``/changes/`` lists, with its ``map`` and ``kind`` filters."""

    def get_object(self, request):
        maps = selectors.maps_in_tree_order()
        form = ChangesFilter(request.GET, maps=maps)
        if not form.is_valid():
            raise Http404(
                " ".join(message for errors in form.errors.values() for message in errors)
            )
        filters = form.filters()
        return {
            "versions": filtered_versions(request, form, maps),
            "query": f"?{urlencode(filters)}" if filters else "",
            "map": form.chosen_map(),
        }

    def title(self, obj):
        if obj["map"] is not None:
            return f"Recent changes: {obj['map'].title} and its zoom maps"
        return "Recent changes to the strategy map"

    def subtitle(self, obj):
        return "Every change to the strategy pages, newest first."

    def link(self, obj):
        return reverse("changes:list") + obj["query"]

    def items(self, obj):
        return selectors.describe(obj["versions"][:FEED_ITEMS])


class PageChangesFeed(ChangesFeedBase):
    """``/strategies/<slug>/feed/``: the changes to one page."""

    def get_object(self, request, slug):
        strategy = Strategy.objects.find_visible(slug, request.user)
        if strategy is None:
            raise Http404
        return strategy

    def title(self, strategy):
        return f"Changes to “{strategy.title}”"

    def subtitle(self, strategy):
        return "Every change to this strategy page, newest first."

    def link(self, strategy):
        return reverse("strategy:strategy-history", args=[strategy.slug])

    def items(self, strategy):
        pages = Strategy.objects.filter(pk=strategy.pk)
        return selectors.describe(selectors.page_versions(pages)[:FEED_ITEMS])
