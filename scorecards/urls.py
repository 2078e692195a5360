from django.urls import path

from scorecards import views

app_name = "scorecards"

urlpatterns = [
    path("strategies/<slug:slug>/scorecard/", views.scorecard, name="scorecard"),
    path("strategies/<slug:slug>/scorecard.csv", views.scorecard_download, name="scorecard-csv"),
    path(
        "strategies/<slug:slug>/scorecard.xlsx",
        views.scorecard_xlsx_download,
        name="scorecard-xlsx",
    ),
    path("scorecards.csv", views.all_scorecards_download, name="all-csv"),
    path("scorecards.xlsx", views.all_scorecards_xlsx_download, name="all-xlsx"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/<slug:slug>/", views.partner_detail, name="partner-detail"),
]
