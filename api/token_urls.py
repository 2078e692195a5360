from django.urls import path

from api import tokens

app_name = "api-token"

urlpatterns = [
    path("", tokens.token, name="index"),
    path("create/", tokens.create, name="create"),
    path("revoke/", tokens.revoke, name="revoke"),
]
