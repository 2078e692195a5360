from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from public.urls import review_urlpatterns
from reviews.urls import urlpatterns as review_app_urlpatterns

admin.site.site_header = "Strategy map authoring"
admin.site.site_title = "Strategy map authoring"
admin.site.index_title = "Pages, programs and scorecards"

# The site's 500 page, and the API's JSON error under /api/.
handler500 = "api.views.server_error"

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    # A person's API token, on their account pages: the API owns the tokens.
    path("accounts/token/", include("api.token_urls")),
    path("accounts/", include("accounts.urls")),
    path("programs/", include("programs.urls")),
    path("api/", include("api.urls")),
    path("api-reference/", include("api.reference_urls")),
    path("embed/", include("api.embed_urls")),
    path("dashboard/", include("dashboard.urls")),
    path("", include("scorecards.urls")),
    path("", include("updates.urls")),
    # The review form is posted from the strategy page, which the public site composes.
    path("", include((review_app_urlpatterns + review_urlpatterns, "reviews"))),
    path("", include("books.urls")),
    path("", include("public.urls")),
    path("", include("changes.urls")),
]
