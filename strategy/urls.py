from django.urls import path

from strategy import views

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
