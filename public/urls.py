"""The public site's addresses.

They keep the namespaces they had before the site's pages were composed here:
``strategy:`` for the maps, pages, history, search and health check, and
``reviews:add``, ``reviews:address`` and ``reviews:dashboard`` for the review
form and the page manager's answer posted from a strategy page and the review
dashboard (with its completeness checklists), which
``config/urls.py`` adds to the review app's own addresses.
"""

from django.urls import path

from public import views

app_name = "strategy"

urlpatterns = [
    path("", views.home, name="home"),
    path("maps/<slug:slug>/", views.map_detail, name="map-detail"),
    path("strategies/<slug:slug>/", views.strategy_detail, name="strategy-detail"),
    path("strategies/<slug:slug>/history/", views.strategy_history, name="strategy-history"),
    path(
        "strategies/<slug:slug>/history/<int:version_id>/restore/",
        views.strategy_revert,
        name="strategy-revert",
    ),
    path("search/", views.search_page, name="search"),
    path("healthz", views.healthz, name="healthz"),
]

# In the ``reviews`` namespace, beside reviews/urls.py.
review_urlpatterns = [
    path("reviews/", views.review_dashboard, name="dashboard"),
    path("strategies/<slug:slug>/reviews/", views.add_review, name="add"),
    path("reviews/<int:pk>/address/", views.address_review, name="address"),
]
