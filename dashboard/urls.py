from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.measures, name="measures"),
    path("measures.csv", views.measures_csv, name="measures-csv"),
    path("actions/", views.actions, name="actions"),
    path("actions.csv", views.actions_csv, name="actions-csv"),
]
