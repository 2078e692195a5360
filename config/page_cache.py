"""Whole public pages, cached for anonymous readers until any content changes.

Every cached page records the site's *content version* it was rendered at, a
counter in the shared cache that every write to content moves on; a page of an
older version is rendered again. An edit therefore shows on the next request
whichever process serves it, and nothing is ever invalidated page by page.
The counter and the pages live in the cache named by ``CACHE_URL`` (Redis in
production), never in one process's memory.

Writes reach the counter two ways: a signal on every save and delete of a
content model (and of people, whose names the pages show), and the end of
:func:`strategy.services.recorded_change`, which wraps the bulk writes (CSV
upload, MediaWiki import, revert) that send no signals.
"""

import hashlib
import time
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

VERSION_KEY = "content-version"
CONTENT_APPS = ("strategy", "programs", "scorecards", "reviews")
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
SAFE_METHODS = ("GET", "HEAD")


def content_version() -> int:
    return _current_version(cache.get(VERSION_KEY))


def _current_version(stored: int | None) -> int:
    if stored is None:
        # A clock reading, not 1: if the counter is evicted or the cache restarts,
        # the new count starts past every version a surviving page was stored under.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        stored = cache.get(VERSION_KEY)
    return stored


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def content_changed() -> None:
    """Move the content version on, now and again when the transaction commits.

    Now, so the writer's next read in the same transaction is fresh; at commit,
    because a reader may render the old rows after the first bump but before the
    commit, and must not have stored them under the version readers will use next.
    """
    _bump()
    transaction.on_commit(_bump)


def _saved(sender, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing a page shows
    content_changed()


def _changed(sender, **kwargs):
    content_changed()


def watch_content() -> None:
    """Connect every content model, and the user model, to the content version."""
    models = [model for label in CONTENT_APPS for model in apps.get_app_config(label).get_models()]
    models.append(apps.get_model(settings.AUTH_USER_MODEL))
    for model in models:
        post_save.connect(_saved, sender=model, dispatch_uid=f"page-cache-save-{model._meta}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"page-cache-del-{model._meta}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _changed, sender=field.remote_field.through, dispatch_uid=f"page-cache-m2m-{field}"
            )


def _is_anonymous_read(request) -> bool:
    # Without a session cookie nobody is signed in and no message waits to be
    # shown; checking the cookie first also keeps the session unloaded.
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _is_shareable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _page_key(request) -> str:
    return "page:" + hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()


def cache_for_anonymous(view):
    """Serve ``view`` from the page cache to anonymous readers.

    Put it nearest the view, under decorators that adjust the response (framing,
    CORS), so that those adjust cached answers too.
    """

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _is_anonymous_read(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        # One round trip for the version and the page, which records the version
        # it was rendered at: a page of an older version is rendered again.
        found = cache.get_many([VERSION_KEY, key])
        version = _current_version(found.get(VERSION_KEY))
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            _, content, headers = stored
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        # The version was read before rendering: a write during the render moves
        # it on, and the next reader renders the page again.
        response = view(request, *args, **kwargs)
        if _is_shareable(request, response):
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            cache.set(key, (version, response.content, headers), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    return cached_view
