from django.urls import path, re_path

from api import views, writes

app_name = "api"

urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("maps/", views.MapList.as_view(), name="map-list"),
    path("maps/<slug:slug>/", views.MapDetail.as_view(), name="map-detail"),
    path("strategies/", views.StrategyList.as_view(), name="strategy-list"),
    path("strategies/<slug:slug>/", views.StrategyDetail.as_view(), name="strategy-detail"),
    path(
        "strategies/<slug:slug>/scorecard/",
        views.StrategyScorecard.as_view(),
        name="strategy-scorecard",
    ),
    path(
        "strategies/<slug:slug>/scorecard/values/",
        writes.StrategyValues.as_view(),
        name="strategy-values",
    ),
    path("programs/", views.ProgramList.as_view(), name="program-list"),
    path("programs/<slug:slug>/", views.ProgramDetail.as_view(), name="program-detail"),
    # Last: any other address under /api/, line breaks included, answers a JSON 404
    # rather than the site's page.
    re_path(r"^(?P<rest>[\s\S]*)\Z", views.NoSuchEndpoint.as_view(), name="not-found"),
]
