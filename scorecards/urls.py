from django.urls import path

from scorecards import views

app_name = "scorecards"

urlpatterns = [
    path("strategies/<slug:slug>/scorecard/", views.scorecard, name="scorecard"),
    path("strategies/<slug:slug>/scorecard.csv", views.scorecard_download, name="scorecard-csv"),
    path("scorecards.csv", views.all_scorecards_download, name="all-csv"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/<slug:slug>/", views.partner_detail, name="partner-detail"),
]
