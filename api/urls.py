from django.urls import path, re_path

from api import views

app_name = "api"

urlpatterns = [
    path("", views.index, name="index"),
    path("schema/", views.schema, name="schema"),
    path("maps/", views.map_list, name="map-list"),
    path("maps/<slug:slug>/", views.map_detail, name="map-detail"),
    path("strategies/", views.strategy_list, name="strategy-list"),
    path("strategies/<slug:slug>/", views.strategy_detail, name="strategy-detail"),
    path("strategies/<slug:slug>/scorecard/", views.strategy_scorecard, name="strategy-scorecard"),
    path("programs/", views.program_list, name="program-list"),
    path("programs/<slug:slug>/", views.program_detail, name="program-detail"),
    # Last: any other path ending in a slash answers a JSON 404 rather than the site's page.
    re_path(r"^(?P<rest>.*/)$", views.not_found, name="not-found"),
]
