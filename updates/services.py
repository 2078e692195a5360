"""Writes of the updates app: a person's choice about the weekly e-mail, and sending it.

As elsewhere, keyword-only arguments and one transaction per write.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from updates import notifications
from updates.models import WeeklyDigest
from updates.selectors import Queue, update_queue

# At most one digest per person in this long.
DIGEST_INTERVAL = datetime.timedelta(days=7)


def set_weekly_digest(*, user, wanted: bool) -> WeeklyDigest:
    """Turn ``user``'s weekly e-mail on or off. Keeps when it was last sent."""
    with transaction.atomic():
        digest, _ = WeeklyDigest.objects.select_for_update().get_or_create(user=user)
        digest.wanted = wanted
        digest.save(update_fields=["wanted"])
    return digest


def weekly_digest_wanted(user) -> bool:
    """Whether ``user`` gets the weekly e-mail: yes until they turn it off. One query."""
    digest = WeeklyDigest.objects.filter(user=user).only("wanted").first()
    return digest is None or digest.wanted


def _may_send(digest: WeeklyDigest | None, today: datetime.date) -> bool:
    if digest is None:
        return True
    if not digest.wanted:
        return False
    return digest.last_sent_on is None or digest.last_sent_on + DIGEST_INTERVAL <= today


@dataclass
class DigestRun:
    """What ``send_update_reminders`` did or, on a dry run, would do."""

    dry_run: bool
    # (person, their queue), people in the order of their names.
    sent: list[tuple[object, Queue]] = field(default_factory=list)

    @property
    def emails(self) -> int:
        return len(self.sent)

    @property
    def items(self) -> int:
        return sum(queue.count for _, queue in self.sent)


def send_update_reminders(
    *, today: datetime.date | None = None, dry_run: bool = False, site_url: str | None = None
) -> DigestRun:
    """E-mail each person their updates queue, at most once a week, only when it is not empty.

    Everyone's queue is read once (``update_queue(None)``) and split by person.
    A person is written to when they may use the queue (signed-in staff,
    ``updates.view_queue``), have an e-mail address, have not turned the
    digest off, and were not sent one in the last seven days. Each sending is
    recorded (``WeeklyDigest.last_sent_on``) in the transaction that sends it,
    so a second run skips them and a failed send is tried again on the next
    run. A dry run sends and records nothing.
    """
    today = today or timezone.localdate()
    site_url = site_url or settings.SITE_URL
    queues = [
        (person, queue)
        for person, queue in update_queue(None, today=today).by_person()
        if person.is_active and person.email and person.has_perm("updates.view_queue")
    ]
    digests = WeeklyDigest.objects.in_bulk([person.pk for person, _ in queues])
    run = DigestRun(dry_run=dry_run)
    for person, queue in queues:
        if not _may_send(digests.get(person.pk), today):
            continue
        if dry_run:
            run.sent.append((person, queue))
            continue
        with transaction.atomic():
            digest, _ = WeeklyDigest.objects.select_for_update().get_or_create(user=person)
            if not _may_send(digest, today):  # turned off, or another run got there first
                continue
            notifications.send_digest(person, queue, site_url=site_url)
            digest.last_sent_on = today
            digest.save(update_fields=["last_sent_on"])
        run.sent.append((person, queue))
    return run
