from django.urls import path

from api import views

app_name = "api-reference"

urlpatterns = [
    path("", views.reference, name="index"),
]
