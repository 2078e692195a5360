"""The site's pages plus a marked page under STATIC_URL, where WhiteNoise comes first."""

from django.http import HttpResponse
from django.urls import path

from base.page_cache import cache_for_anonymous
from config.urls import urlpatterns as site_urlpatterns


@cache_for_anonymous
def page_under_static(request):
    return HttpResponse("a page the site's views serve under /static/")


urlpatterns = [path("static/report/", page_under_static), *site_urlpatterns]
