"""Watching pages, and the daily digest of changes to them.

Each write takes keyword-only arguments and runs in one transaction, whether
it comes from a view or the management command.
"""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.people import person_name
from changes import selectors
from changes.models import Watch, WatchDigest
from strategy.models import Strategy

# The most changes one digest lists; it says how many more there were.
DIGEST_MAX_CHANGES = 100
# How far back a person's first digest looks.
FIRST_DIGEST_LOOKS_BACK = datetime.timedelta(days=1)
# Why a person's digest is not sent now, though they watch pages.
TURNED_OFF = "turned off"
ALREADY_SENT = "already sent"


def set_watching(*, user, strategy: Strategy, watching: bool) -> Watch:
    """Record that ``user`` watches ``strategy`` (or not), as their own explicit choice.

    Only signed-in people may watch, and only pages they may read.
    """
    if not user.is_authenticated or not strategy.is_visible_to(user):
        raise Strategy.DoesNotExist("No such page.")
    with transaction.atomic():
        choice, _ = Watch.objects.update_or_create(
            user=user, strategy=strategy, defaults={"watching": watching}
        )
    return choice


def set_digest(*, user, send: bool) -> WatchDigest:
    """Turn ``user``'s daily digest of watched pages on or off."""
    with transaction.atomic():
        digest, _ = WatchDigest.objects.update_or_create(user=user, defaults={"send": send})
    return digest


def digest_is_on(user) -> bool:
    """Whether ``user`` gets the daily digest (on unless they turned it off)."""
    return not WatchDigest.objects.filter(user=user, send=False).exists()


@dataclass
class DigestRun:
    dry_run: bool
    # Each person written to (or who would be), with the changes their digest lists.
    sent: list[tuple[object, list[selectors.Change]]] = field(default_factory=list)
    # The people who watch pages and were not written to, by why not.
    already_sent: int = 0
    nothing_changed: int = 0
    turned_off: int = 0

    @property
    def emails(self) -> int:
        return len(self.sent)

    def skip(self, reason: str) -> None:
        if reason == TURNED_OFF:
            self.turned_off += 1
        else:
            self.already_sent += 1


def _start_of_day(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def digest_recipients():
    """Active people with an e-mail address who watch a page, or manage one, with their
    ``WatchDigest`` (whether they turned the digest off, when it was last sent)."""
    watching = Watch.objects.filter(user=OuterRef("pk"), watching=True)
    managing = Strategy.objects.filter(page_manager=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(Exists(watching)) | Q(Exists(managing)))
        .select_related("watch_digest")
        .order_by("pk")
    )


def _why_not(digest: WatchDigest | None, now: datetime.datetime) -> str | None:
    """Why the digest is not sent now ("turned off", "already sent" today), or None."""
    if digest is None:
        return None
    if not digest.send:
        return TURNED_OFF
    if digest.last_sent_at and digest.last_sent_at >= _start_of_day(now):
        return ALREADY_SENT
    return None


def digest_changes(user, *, since: datetime.datetime, until: datetime.datetime):
    """Changes by others to the pages ``user`` watches and may read, between the two times."""
    pages = selectors.watched_pages(user, Strategy.objects.visible_to(user))
    return (
        selectors.page_versions(pages)
        .filter(revision__date_created__gt=since, revision__date_created__lte=until)
        .exclude(revision__user=user)
    )


def send_watch_digests(
    *, now: datetime.datetime | None = None, dry_run: bool = False, site_url: str | None = None
) -> DigestRun:
    """E-mail each person who watches pages the changes to them since their last digest.

    At most one digest a person a day: when it is sent is recorded
    (``WatchDigest.last_sent_at``) in the transaction that sends it, so a
    second run the same day skips them and a failed send records nothing.
    Nobody is written to when nothing changed; their next digest then covers
    the time since their last one. A person's own changes are left out. The
    run counts the people not written to: who turned the digest off, who
    already had today's, whose pages had no changes. A dry run sends and
    records nothing.
    """
    now = now or timezone.now()
    site_url = (site_url or settings.SITE_URL).rstrip("/")
    run = DigestRun(dry_run=dry_run)
    for person in digest_recipients():
        digest = getattr(person, "watch_digest", None)
        reason = _why_not(digest, now)
        if reason is not None:
            run.skip(reason)
            continue
        since = (
            digest.last_sent_at if digest and digest.last_sent_at else now - FIRST_DIGEST_LOOKS_BACK
        )
        versions = digest_changes(person, since=since, until=now)
        changes = selectors.describe(versions[:DIGEST_MAX_CHANGES])
        if not changes:
            run.nothing_changed += 1
            continue
        if dry_run:
            run.sent.append((person, changes))
            continue
        total = versions.count() if len(changes) == DIGEST_MAX_CHANGES else len(changes)
        with transaction.atomic():
            digest, _ = WatchDigest.objects.select_for_update().get_or_create(user=person)
            reason = _why_not(digest, now)  # turned off, or another run got there first
            if reason is None:
                _send_digest(person, changes, total=total, since=since, site_url=site_url)
                digest.last_sent_at = now
                digest.save(update_fields=["last_sent_at"])
        if reason is None:
            run.sent.append((person, changes))
        else:
            run.skip(reason)
    return run


def _send_digest(person, changes, *, total: int, since, site_url: str) -> None:
    by_page = sorted(changes, key=lambda change: (change.page.title, change.page.pk))
    pages = [
        (page, list(page_changes))
        for page, page_changes in groupby(by_page, key=lambda change: change.page)
    ]
    settings_url = site_url + reverse("changes:watching")
    body = render_to_string(
        "changes/email/watch_digest.txt",
        {
            "name": person_name(person, ""),
            "since": since,
            "pages": pages,
            "site_url": site_url,
            "more": total - len(changes),
            "changes_url": site_url + reverse("changes:list"),
            "settings_url": settings_url,
        },
    )
    count = len(pages)
    subject = f"Changes to {count} page{'s' * (count != 1)} you watch"
    EmailMessage(
        subject, body, to=[person.email], headers={"List-Unsubscribe": f"<{settings_url}>"}
    ).send()
