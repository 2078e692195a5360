"""Briefing books: finding the one a reader may have, building, keeping and queueing them.

A book is kept per content version and day (``base.page_cache.reading_version``):
asked for again while nothing changed, the kept PDF is served; after a change
it is built again, and the superseded books of that page or map are deleted
once the new one is ready, so at most a few rows per page or map remain.

Staff, who read drafts, get books of what they may read, kept apart from the
public's (``BriefingBook.Audience``): one staff book serves every staff reader
until content changes, and no public reader is ever given it.

A strategy page's book is small and built in the request. A map's book, tens
of pages, is built by the job queue (``books.tasks``); its reader waits on a
page that refreshes itself until it is ready.
"""

import logging
import time
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from redis import RedisError

from accounts.rules import may_read_drafts
from base.page_cache import WRITE_OPEN_VERSION, reading_version
from books import contents
from books.models import BriefingBook
from books.pdf import write_pdf
from public.selectors import with_page_content
from strategy.models import Strategy, StrategyMap

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Edition:
    """Which book a reader gets: their audience, the content version and the day."""

    audience: str
    version: int
    day: object

    @property
    def may_be_kept(self) -> bool:
        # While another transaction writes content, what is read now must not be kept.
        return self.version != WRITE_OPEN_VERSION


def audience_of(user) -> str:
    return BriefingBook.Audience.STAFF if may_read_drafts(user) else BriefingBook.Audience.PUBLIC


def edition_for(user) -> Edition:
    try:
        version = reading_version()
    except RedisError:
        # The version cannot be read while the cache is unreachable: nothing is kept (a
        # page's book is built for the request; a map's reader waits for the cache).
        logger.warning("Page cache unavailable; briefing books are not kept", exc_info=True)
        version = WRITE_OPEN_VERSION
    return Edition(audience_of(user), version, timezone.localdate())


def reader_of(book: BriefingBook):
    """Whose rights ``book`` is built with: the public's, or the staff member who asked."""
    if book.audience == BriefingBook.Audience.STAFF and book.requested_by is not None:
        return book.requested_by
    return AnonymousUser()


def _edition_books(*, kind, target, edition: Edition):
    return BriefingBook.objects.for_target(kind=kind, target=target, audience=edition.audience)


def _target_fields(kind, target) -> dict:
    return {"strategy": target} if kind == BriefingBook.Kind.PAGE else {"strategy_map": target}


# --- A strategy page's book, built in the request -----------------------------------------------


def page_book(*, strategy: Strategy, user) -> bytes:
    """The PDF of ``strategy``'s page as ``user`` may read it: the kept one, else built now.

    ``strategy`` must be visible to ``user`` (the caller found it with
    ``find_visible``).
    """
    edition = edition_for(user)
    kind = BriefingBook.Kind.PAGE
    if not edition.may_be_kept:
        return page_book_pdf(strategy, user)
    kept = (
        _edition_books(kind=kind, target=strategy, edition=edition)
        .filter(
            content_version=edition.version,
            made_for=edition.day,
            status=BriefingBook.Status.READY,
        )
        .values_list("pdf", flat=True)
        .first()
    )
    if kept is not None:
        return bytes(kept)
    pdf = page_book_pdf(strategy, user)
    _keep(
        kind=kind,
        target=strategy,
        edition=edition,
        pdf=pdf,
        requested_by=user if edition.audience == BriefingBook.Audience.STAFF else None,
    )
    return pdf


def _keep(*, kind, target, edition: Edition, pdf: bytes, requested_by) -> None:
    try:
        with transaction.atomic():
            book = BriefingBook.objects.create(
                kind=kind,
                audience=edition.audience,
                content_version=edition.version,
                made_for=edition.day,
                status=BriefingBook.Status.READY,
                pdf=pdf,
                built_at=timezone.now(),
                requested_by=requested_by,
                **_target_fields(kind, target),
            )
    except IntegrityError:
        return  # another request kept the same book first
    _delete_superseded(book)


def _delete_superseded(book: BriefingBook) -> None:
    """Delete the books of ``book``'s page or map and audience that it replaces."""
    BriefingBook.objects.for_target(
        kind=book.kind, target=book.target, audience=book.audience
    ).exclude(pk=book.pk).filter(
        Q(content_version__lt=book.content_version) | Q(made_for__lt=book.made_for)
    ).delete()


# --- A map's book, built by the job queue --------------------------------------------------------


def map_book(*, strategy_map: StrategyMap, user) -> BriefingBook | None:
    """The book of ``strategy_map`` for ``user``: ready, on its way, or failed.

    The first reader to ask for an edition queues its build. None while
    another transaction writes content: the reader is asked to wait, and the
    next request finds the version the write leaves.
    """
    edition = edition_for(user)
    if not edition.may_be_kept:
        return None
    book, created = _get_or_create_map_book(strategy_map=strategy_map, edition=edition, user=user)
    if created:
        _queue(book)
        # The development backend builds at once: the reader gets the book now.
        book.refresh_from_db()
    return book


def _get_or_create_map_book(*, strategy_map, edition: Edition, user):
    fields = {
        "kind": BriefingBook.Kind.MAP,
        "strategy_map": strategy_map,
        "audience": edition.audience,
        "content_version": edition.version,
        "made_for": edition.day,
    }
    requested_by = user if edition.audience == BriefingBook.Audience.STAFF else None
    try:
        with transaction.atomic():
            return BriefingBook.objects.get_or_create(
                **fields, defaults={"requested_by": requested_by}
            )
    except IntegrityError:  # another reader queued it between the look and the insert
        return BriefingBook.objects.get(**fields), False


def retry_map_book(*, book: BriefingBook) -> bool:
    """Queue a failed (or lost) book again. False when it is not failed: nothing to do."""
    if not book.has_failed:
        return False
    updated = BriefingBook.objects.filter(pk=book.pk, status=book.status).update(
        status=BriefingBook.Status.QUEUED, error="", requested_at=timezone.now()
    )
    if updated:
        _queue(book)
    return bool(updated)


def _queue(book: BriefingBook) -> None:
    from books.tasks import build_map_book

    build_map_book.enqueue(book.pk)


def build_map_book_now(book_id: int) -> None:
    """Build the map book ``book_id`` and keep it; a failure is recorded on the book, then
    raised for the job queue's own record."""
    claimed = BriefingBook.objects.filter(
        pk=book_id, status__in=(BriefingBook.Status.QUEUED, BriefingBook.Status.BUILDING)
    ).update(status=BriefingBook.Status.BUILDING)
    if not claimed:
        return  # built already, or superseded and deleted
    book = BriefingBook.objects.select_related("strategy_map", "requested_by").get(pk=book_id)
    started = time.monotonic()
    try:
        pdf = map_book_pdf(book.strategy_map, reader_of(book))
    except Exception as error:
        BriefingBook.objects.filter(pk=book_id).update(
            status=BriefingBook.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise
    BriefingBook.objects.filter(pk=book_id).update(
        status=BriefingBook.Status.READY, pdf=pdf, built_at=timezone.now(), error=""
    )
    logger.info(
        "Built the briefing book of %s in %.1f s", book.strategy_map, time.monotonic() - started
    )
    _delete_superseded(book)


def map_book_pdf(strategy_map: StrategyMap, reader) -> bytes:
    """The PDF of ``strategy_map``'s book with what ``reader`` may read, built now."""
    return write_pdf(contents.map_book_html(strategy_map, reader), base_url=contents.site_url())


def page_book_pdf(strategy: Strategy, reader) -> bytes:
    """The PDF of ``strategy``'s page as ``reader`` may read it, built now (not kept)."""
    loaded = with_page_content(Strategy.objects.visible_to(reader)).get(pk=strategy.pk)
    html = contents.page_book_html(loaded, staff_edition=may_read_drafts(reader))
    return write_pdf(html, base_url=contents.site_url())
