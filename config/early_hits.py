"""Page-cache hits answered at the WSGI entry point, before Django handles the request.

Answered by AnonymousPageCacheMiddleware, a hit still costs Django's whole
request cycle around the one Redis round trip: the request signals (which
check every database connection), the middleware chain and the conversion of
the response, about a sixth of the hit's time (docs/performance.md). ``CacheHitsFirst``
looks the page up first, with the page cache's own ``lookup_page`` on Django's
own request object, and answers a hit itself; everything else goes to Django
unchanged, and the middleware stores the page on a miss as before.

Only the middlewares above the page cache run before a hit, and the early
answer keeps what they do, with the same code where it matters:

- SecurityMiddleware: a request it would redirect to HTTPS is left to Django,
  which redirects it; a hit gets its response headers (HSTS, nosniff,
  Referrer-Policy, Cross-Origin-Opener-Policy) from its ``process_response``;
- WhiteNoise: it serves only addresses under STATIC_URL, which are left to it;
- a host not in ALLOWED_HOSTS, or any other request Django refuses as
  suspicious (too many query parameters, say), is left to Django (400);
- while Redis cannot be reached, every request is left to Django, which renders.

The middlewares above the cache are checked at start-up: one added there
would be skipped by early answers, so the application refuses to start
until this module does what it does too.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from redis import RedisError

from base.page_cache import hit_response, lookup_page

PAGE_CACHE_MIDDLEWARE = "base.page_cache.AnonymousPageCacheMiddleware"
# What runs before a page-cache hit, and which answer_from_cache does the same way.
ABOVE_THE_PAGE_CACHE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
]


class CacheHitsFirst:
    """A WSGI application: page-cache hits from the cache, every other request from Django."""

    def __init__(self, django_application):
        middleware = list(settings.MIDDLEWARE)
        above = None
        if PAGE_CACHE_MIDDLEWARE in middleware:
            above = middleware[: middleware.index(PAGE_CACHE_MIDDLEWARE)]
        if above != ABOVE_THE_PAGE_CACHE or getattr(settings, "WHITENOISE_ROOT", None):
            raise ImproperlyConfigured(
                f"config.early_hits answers page-cache hits for {PAGE_CACHE_MIDDLEWARE} "
                f"with only {', '.join(ABOVE_THE_PAGE_CACHE)} above it, and WhiteNoise serving "
                "only STATIC_URL; teach it what changed in MIDDLEWARE first."
            )
        self.django = django_application
        # Used for its process_request and process_response, never called through.
        self.security = SecurityMiddleware(django_application)
        self.static_prefix = "/" + urlsplit(settings.STATIC_URL).path.strip("/") + "/"

    def __call__(self, environ, start_response):
        response = self.answer_from_cache(environ)
        if response is None:
            return self.django(environ, start_response)
        start_response(f"{response.status_code} {response.reason_phrase}", [*response.items()])
        return [response.content]

    def answer_from_cache(self, environ) -> HttpResponse | None:
        """The cached page, as Django would answer it, or None to leave the request to Django."""
        # WSGIRequest rewrites the environ it is given; Django must get it as the server sent it.
        request = WSGIRequest(environ.copy())
        if request.path_info.startswith(self.static_prefix):
            return None
        try:
            if self.security.process_request(request) is not None:
                return None
            found = lookup_page(request)
        except (SuspiciousOperation, RedisError):
            return None
        if found is None:
            return None
        _, _, stored = found
        if stored is None:
            return None
        return self.security.process_response(request, hit_response(stored))
