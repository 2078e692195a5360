"""Whole public pages, cached for anonymous readers until any content changes.

Every cached page records the site's *content version* it was rendered at, a
counter in the shared cache that every write to content moves on; a page of an
older version is rendered again. An edit therefore shows on the next request
whichever process serves it, and nothing is ever invalidated page by page.
The counter and the pages live in the cache named by ``CACHE_URL`` (Redis in
production), never in one process's memory.

Views are marked with ``cache_for_anonymous``; AnonymousPageCacheMiddleware,
above sessions and sign-in, answers their anonymous readers. The parts of a
page that every reader sees alike are kept the same way with
``shared_fragment``, for the readers the page cache does not answer.

Writes reach the counter two ways: a signal on every save and delete of a
content model (and of people, whose names the pages show), and the end of
:func:`strategy.services.recorded_change`, which wraps the bulk writes (CSV
upload, MediaWiki import, revert) that send no signals.
"""

import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from redis import RedisError

VERSION_KEY = "content-version"
CONTENT_APPS = ("strategy", "programs", "scorecards", "reviews")
SAFE_METHODS = ("GET", "HEAD")

logger = logging.getLogger(__name__)
T = TypeVar("T")


def content_version() -> int:
    return _current_version(cache.get(VERSION_KEY))


def _current_version(stored: int | None) -> int:
    if stored is None:
        _start_version()
        stored = cache.get(VERSION_KEY)
    return stored


def _start_version() -> None:
    # A clock reading, not 1: if the counter is evicted or the cache restarts, the
    # new count starts past every version a surviving page was stored under.
    cache.add(VERSION_KEY, time.time_ns(), timeout=None)


# Whether this thread has read the page cache since it last moved the version on.
_this_thread = threading.local()


def _bump() -> None:
    _this_thread.read_pages = False
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no counter: evicted, or the cache restarted
        _start_version()


def content_changed() -> None:
    """Move the content version on: at once outside a transaction, else at commit.

    Other processes only see a transaction's rows once it commits, so one bump
    at commit serves them, however many rows it writes. Inside the transaction
    only this thread can have read pages of the new rows' old state (a test
    does, in its one long transaction), so it also bumps at once when it has
    read the cache since its last bump. A transaction rolled back changes
    nothing and bumps nothing at commit.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump()
        return
    if not any(callback is _bump for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(_bump)
    if getattr(_this_thread, "read_pages", False):
        _bump()


def version_moved_on(**kwargs) -> None:
    """After ``migrate``: a restore or an upgrade changes rows without signals, or templates."""
    _bump()


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
    # History pages list revisions. They are written with the content they record,
    # which moves the version on, but django-reversion's deleterevisions removes
    # them alone.
    for model in apps.get_app_config("reversion").get_models():
        post_delete.connect(_changed, sender=model, dispatch_uid=f"page-cache-del-{model._meta}")


def cache_for_anonymous(view=None, *, query: tuple[str, ...] = ()):
    """Mark ``view`` as a public page that AnonymousPageCacheMiddleware may cache.

    ``query`` names the query parameters the view reads; an address with any
    other parameter is answered but not stored, so that made-up addresses
    cannot fill the cache.
    """

    def mark(view):
        view.anonymous_page_cache = frozenset(query)
        return view

    return mark if view is None else mark(view)


def _key(kind: str, name: str) -> str:
    # Today's date is part of every key: pages say "stale" and "overdue" by the
    # date, which no write moves on, so each page is rendered afresh every day.
    text = f"{timezone.localdate().isoformat()} {name}"
    return f"{kind}:" + hashlib.sha256(text.encode()).hexdigest()


def _read(key: str) -> tuple[int, tuple | None]:
    """The content version, and what ``key`` holds if it was stored at that version.

    Entries are tuples whose first item is the version they were made at; one
    of an older version counts as missing. One round trip.
    """
    found = cache.get_many([VERSION_KEY, key])
    version = _current_version(found.get(VERSION_KEY))
    _this_thread.read_pages = True
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return version, stored[1:]
    return version, None


def shared_fragment(name: str, render: Callable[[], T]) -> T:
    """What ``render()`` returns, kept for every process until content changes.

    For the parts of a page that are the same for every reader: signed-in
    readers, and anonymous ones the page cache has not answered yet, then
    render only what is theirs. ``name`` must tell apart everything the
    result depends on besides content and the date. While the cache cannot be
    reached, ``render()`` runs every time.
    """
    if settings.FRAGMENT_CACHE_SECONDS == 0:
        return render()
    key = _key("fragment", name)
    try:
        version, stored = _read(key)
    except RedisError:
        logger.warning("Fragment cache unavailable; rendering %s", name, exc_info=True)
        return render()
    if stored is not None:
        (fragment,) = stored
        return fragment
    # The version was read before rendering: a write during the render moves it
    # on, and the next reader renders again.
    fragment = render()
    try:
        cache.set(key, (version, fragment), settings.FRAGMENT_CACHE_SECONDS)
    except RedisError:
        logger.warning("Fragment cache unavailable; %s not stored", name, exc_info=True)
    return fragment


def _may_be_cached(request) -> bool:
    # Without a session cookie nobody is signed in and no message waits to be shown.
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _cached_parameters(request) -> frozenset[str] | None:
    """The query parameters the page's view reads, or None when the page is not cached."""
    return _view_parameters(request.path_info, get_urlconf() or settings.ROOT_URLCONF)


# Resolving the address cost a cached page a tenth of its time; an address
# always resolves to the same view under one URLconf.
@functools.lru_cache(maxsize=4096)
def _view_parameters(path: str, urlconf: str) -> frozenset[str] | None:
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "anonymous_page_cache", None)


def _is_shareable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.user.is_authenticated
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _page_key(request) -> str:
    # The parameters in a fixed order, so that ?a=1&b=2 and ?b=2&a=1 are one page.
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    return _key("page", f"{request.scheme}://{request.get_host()}{request.path}?{query}")


def lookup_page(request) -> tuple[str, int, tuple | None] | None:
    """Where the page cache keeps the page ``request`` asks for, with what it holds there.

    None when the page is not cached for this request (a signed-in reader, a
    write, an unmarked view, a query parameter the view does not name); else
    the key, the content version and the stored page, None unless it was
    stored at that version. One round trip; raises RedisError while the cache
    is unreachable and DisallowedHost for a host not in ALLOWED_HOSTS.
    """
    if not _may_be_cached(request):
        return None
    parameters = _cached_parameters(request)
    if parameters is None or not set(request.GET) <= parameters:
        return None
    key = _page_key(request)
    version, stored = _read(key)
    return key, version, stored


def hit_response(stored: tuple) -> HttpResponse:
    """A stored page as it is answered: its content and the headers it was stored with."""
    content, headers = stored
    response = HttpResponse(content, headers=headers)
    response["X-Page-Cache"] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Answer anonymous readers of the pages marked ``cache_for_anonymous`` from the cache.

    It sits above sessions, sign-in and the header middlewares: a cached page
    is stored with the headers they gave it (framing, content policy, CORS),
    and a hit skips all of them. Anything that signs a reader in, sets a
    cookie or hands out a CSRF token is never stored. While the cache cannot
    be reached, pages are rendered for every request; writes, which must move
    the version on, fail until it is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            found = lookup_page(request)
        except RedisError:
            logger.warning("Page cache unavailable; rendering %s", request.path, exc_info=True)
            return self.get_response(request)
        if found is None:
            return self.get_response(request)
        key, version, stored = found
        if stored is not None:
            return hit_response(stored)
        # The version was read before rendering: a write during the render moves
        # it on, and the next reader renders the page again.
        response = self.get_response(request)
        if _is_shareable(request, response):
            headers = {name: value for name, value in response.items() if name != "Set-Cookie"}
            try:
                cache.set(key, (version, response.content, headers), settings.PAGE_CACHE_SECONDS)
            except RedisError:
                logger.warning("Page cache unavailable; %s not stored", request.path, exc_info=True)
            else:
                response["X-Page-Cache"] = "miss"
        return response
