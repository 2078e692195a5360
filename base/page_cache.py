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

Writes reach the counter two ways: signals on every save and delete of a
content model (and of people, whose names the pages show), and the end of
:func:`base.revisions.recorded_change`, which wraps the bulk writes (CSV
upload, MediaWiki import, revert) that send no signals.

A save and the version move together. In the transaction that writes, before
its first row can be seen, the write is counted *open* and the version moved
on; when the cache cannot be reached, that raises ContentVersionUnavailable,
the transaction rolls back and the request answers 503, nothing saved. While
any write is open, readers neither serve nor store pages: they would render
rows that are about to change. After the commit the version moves on again
and the write is counted closed. If the cache is gone by then, the save
stands; the count of open writes stays until its window passes, so pages are
rendered for every reader meanwhile and none rendered from the old rows can be
served afterwards. A write is counted in the current window of
WRITE_WINDOW_SECONDS and the next one, and readers look at the current window:
a write stays visible for one to two windows, and one whose process died (or
whose transaction rolled back outside a request) holds readers no longer.
"""

import contextlib
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
from django.core.signals import request_finished
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from redis import RedisError

VERSION_KEY = "content-version"
# The number of writes open, one key per window of time (see the module's docstring).
WRITES_KEY = "content-writes-open"
# Longer than the site's writes take (the largest, an upload of 100,000 rows or an
# admin import of 200 pages, take seconds), so that a write is counted open until
# its commit. One that outlives its windows is still made safe by the move at its
# commit, unless Redis fails at that very moment.
WRITE_WINDOW_SECONDS = 60
# The version _read gives while another transaction is writing content. Versions
# start at a clock reading, so nothing stored at this one can ever be served.
WRITE_OPEN_VERSION = 0
SAFE_METHODS = ("GET", "HEAD")

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ContentVersionUnavailable(Exception):
    """The cache could not be reached to move the content version on: the write must not stand."""

    def __init__(self):
        # No full stop: other messages quote it in sentences of their own.
        super().__init__(
            "the page cache cannot be reached, so readers could not be shown this change "
            "and it was not saved"
        )


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


# Per thread: whether it has read the page cache since it last moved the version
# on (read_pages), and the windows in which it counted a write open (open_windows).
_this_thread = threading.local()


def _bump() -> None:
    _this_thread.read_pages = False
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no counter: evicted, or the cache restarted
        _start_version()


def _window() -> int:
    return int(time.time() // WRITE_WINDOW_SECONDS)


def _writes_key(window: int) -> str:
    return f"{WRITES_KEY}:{window}"


def _open_write() -> None:
    """Count a write open in this window and the next, then move the version on.

    Raises ContentVersionUnavailable when the cache cannot be reached.
    """
    if getattr(_this_thread, "open_windows", None):
        _close_write()  # left open by a transaction that rolled back
    _this_thread.open_windows = []
    now = _window()
    try:
        for window in (now, now + 1):
            key = _writes_key(window)
            # Each key outlives its own window (it is made during the one before, at
            # the earliest), so no write it counts is forgotten while readers look.
            if not cache.add(key, 1, timeout=2 * WRITE_WINDOW_SECONDS):
                try:
                    cache.incr(key)
                except ValueError:  # evicted since the add
                    cache.add(key, 1, timeout=2 * WRITE_WINDOW_SECONDS)
            _this_thread.open_windows.append(window)
        _bump()
    except RedisError as error:
        raise ContentVersionUnavailable from error


def _close_write() -> None:
    """Move the version on again, then count the write closed. Never raises.

    It runs after the commit (or after a rollback). The second move makes
    unreachable any page stored while the open write could not be seen (its
    count evicted, or the transaction outlived its windows). When the cache
    cannot be reached, the count stays until its windows pass, and readers are
    not served stored pages until then.
    """
    windows = getattr(_this_thread, "open_windows", None) or []
    _this_thread.open_windows = []
    try:
        _bump()
        now = _window()
        for window in windows:
            if window >= now:  # readers never look at a past window again
                with contextlib.suppress(ValueError):  # evicted: nothing left to count
                    cache.decr(_writes_key(window))
    except RedisError:
        logger.warning(
            "Page cache unavailable after a write; no cached page is served for up to %s s",
            2 * WRITE_WINDOW_SECONDS,
            exc_info=True,
        )


def _opened_in(connection) -> bool:
    """Whether this connection's open transaction has counted its write open."""
    return any(callback is _close_write for _, callback, _ in connection.run_on_commit)


def _own_open_writes(window: int) -> int:
    """How many of the writes counted in ``window`` are this thread's open transaction's."""
    if window not in (getattr(_this_thread, "open_windows", None) or ()):
        return 0
    connection = transaction.get_connection()
    return int(connection.in_atomic_block and _opened_in(connection))


def content_changed() -> None:
    """Content is written in this transaction: move the version on with it.

    Call it inside the transaction that writes, before or after its rows. The
    first call opens the write (counted open, version moved on) and the commit
    closes it; when the cache cannot be reached it raises
    ContentVersionUnavailable, which rolls the transaction back. Inside the
    transaction only this thread can have read pages of the new rows' old
    state (a test does, in its one long transaction), so when it has, the
    version also moves on at once. A transaction rolled back leaves its write
    open until its request ends, or this thread's next write.
    """
    connection = transaction.get_connection()
    if not _opened_in(connection):
        _open_write()
        # Outside a transaction this closes the write at once.
        transaction.on_commit(_close_write)
    elif getattr(_this_thread, "read_pages", False):
        try:
            _bump()
        except RedisError as error:
            raise ContentVersionUnavailable from error


def version_moved_on(**kwargs) -> None:
    """After ``migrate``: a restore or an upgrade changes rows without signals, or templates."""
    _bump()


def _shows_on_pages(update_fields) -> bool:
    # Signing in changes nothing a page shows.
    return not (update_fields and set(update_fields) <= {"last_login"})


def _saving(sender, update_fields=None, **kwargs):
    if not _shows_on_pages(update_fields):
        return
    if transaction.get_connection().in_atomic_block:
        content_changed()
    else:
        # A save of its own, committed as soon as it is written: opened before
        # the row, so that a failure saves nothing, and closed after it.
        _open_write()


def _saved(sender, update_fields=None, **kwargs):
    if _shows_on_pages(update_fields) and not transaction.get_connection().in_atomic_block:
        _close_write()


def _changed(sender, **kwargs):
    content_changed()


def _close_left_open(**kwargs) -> None:
    """When a request ends, close the write of a transaction that rolled back.

    A committed transaction closed its own; a rolled-back one would hold
    readers until its windows passed.
    """
    left_open = getattr(_this_thread, "open_windows", None)
    if left_open and not transaction.get_connection().in_atomic_block:
        _close_write()


def watch_app(app_config) -> None:
    """Move the content version on every write to a model of ``app_config``.

    Each app whose rows the public pages show calls it from its ``ready()``;
    ``accounts`` watches the user model, whose names the pages show. A
    migration of the app moves the version too.
    """
    watch_models(app_config.get_models())
    post_migrate.connect(version_moved_on, sender=app_config)


def watch_models(models) -> None:
    """Move the content version on every save and delete of ``models``."""
    for model in models:
        pre_save.connect(_saving, sender=model, dispatch_uid=f"page-cache-saving-{model._meta}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"page-cache-save-{model._meta}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"page-cache-del-{model._meta}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _changed, sender=field.remote_field.through, dispatch_uid=f"page-cache-m2m-{field}"
            )


def watch_revisions() -> None:
    """Move the version when revisions are deleted alone; close writes left open.

    History pages list revisions. They are written with the content they
    record, which moves the version on, but django-reversion's
    deleterevisions removes them alone.
    """
    for model in apps.get_app_config("reversion").get_models():
        post_delete.connect(_changed, sender=model, dispatch_uid=f"page-cache-del-{model._meta}")
    request_finished.connect(_close_left_open, dispatch_uid="page-cache-close-left-open")


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
    of an older version counts as missing. While another transaction has a
    write open, the version is WRITE_OPEN_VERSION and nothing is found: store
    nothing at it. One round trip.
    """
    window = _window()
    writes_key = _writes_key(window)
    found = cache.get_many([VERSION_KEY, writes_key, key])
    version = _current_version(found.get(VERSION_KEY))
    _this_thread.read_pages = True
    # A transaction sees its own rows, so its own write does not hold it.
    if found.get(writes_key, 0) > _own_open_writes(window):
        return WRITE_OPEN_VERSION, None
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return version, stored[1:]
    return version, None


def reading_version() -> int:
    """The content version what is read now may be kept under: WRITE_OPEN_VERSION while
    another transaction writes content, when nothing read should be kept.

    For what is kept elsewhere than this cache (the briefing books, in the
    database), with the same rule as the pages. One round trip; raises
    RedisError while the cache is unreachable.
    """
    version, _ = _read(_key("version", "reading"))
    return version


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
    if version == WRITE_OPEN_VERSION:
        return fragment
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
    cookie or hands out a CSRF token is never stored, nor is anything while a
    write is open. While the cache cannot be reached, pages are rendered for
    every request; saves, which must move the version on, are refused with a
    503 until it is back.
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
        if version != WRITE_OPEN_VERSION and _is_shareable(request, response):
            headers = {name: value for name, value in response.items() if name != "Set-Cookie"}
            try:
                cache.set(key, (version, response.content, headers), settings.PAGE_CACHE_SECONDS)
            except RedisError:
                logger.warning("Page cache unavailable; %s not stored", request.path, exc_info=True)
            else:
                response["X-Page-Cache"] = "miss"
        return response
