from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reviews.forms import SignInForm

admin.site.site_header = "Strategy map authoring"
admin.site.site_title = "Strategy map authoring"
admin.site.index_title = "Pages, programs and scorecards"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("programs/", include("programs.urls")),
    path("", include("scorecards.urls")),
    path("", include("strategy.urls")),
]
