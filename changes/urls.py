from django.urls import path

from base.page_cache import cache_for_anonymous
from changes import feeds, views

app_name = "changes"

urlpatterns = [
    path("changes/", views.changes_list, name="list"),
    path(
        "changes/feed/",
        cache_for_anonymous(feeds.SiteChangesFeed(), query=("map", "kind")),
        name="feed",
    ),
    path("changes/watching/", views.watching, name="watching"),
    path(
        "strategies/<slug:slug>/feed/",
        cache_for_anonymous(feeds.PageChangesFeed()),
        name="page-feed",
    ),
    path("strategies/<slug:slug>/watch/", views.watch, name="watch"),
    path("strategies/<slug:slug>/unwatch/", views.unwatch, name="unwatch"),
]
