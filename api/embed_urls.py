from django.urls import path

from api import embed

app_name = "embed"

urlpatterns = [
    path("strategies/<slug:slug>/scorecard/", embed.scorecard, name="scorecard"),
]
