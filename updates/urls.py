from django.urls import path

from updates import views

app_name = "updates"

urlpatterns = [
    path("updates/", views.queue, name="queue"),
    path("updates/settings/", views.digest_settings, name="settings"),
]
