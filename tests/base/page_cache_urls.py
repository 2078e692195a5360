"""A marked page whose form hands out a CSRF token, for the page cache's tests."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from base.page_cache import cache_for_anonymous


@cache_for_anonymous
def page_with_a_form(request):
    return HttpResponse(f'<form method="post"><input name="csrf" value="{get_token(request)}">')


urlpatterns = [path("form/", page_with_a_form)]
