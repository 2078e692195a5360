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
from updates.selectors import Queue, people_with_queues, update_queue

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


# Why a person's digest is not sent today, though they may get it.
TURNED_OFF = "turned off"
ALREADY_SENT = "already sent"


def _why_not(digest: WeeklyDigest | None, today: datetime.date) -> str | None:
    """Why the digest may not be sent today ("turned off", "already sent"), or None."""
    if digest is None:
        return None
    if not digest.wanted:
        return TURNED_OFF
    if digest.last_sent_on is not None and today < digest.last_sent_on + DIGEST_INTERVAL:
        return ALREADY_SENT
    return None


@dataclass
class DigestRun:
    """What ``send_update_reminders`` did or, on a dry run, would do."""

    dry_run: bool
    # (person, their queue), people in the order of their names.
    sent: list[tuple[object, Queue]] = field(default_factory=list)
    # The people who may get the e-mail and were not written to, by why not.
    already_sent: int = 0
    nothing_due: int = 0
    turned_off: int = 0

    @property
    def emails(self) -> int:
        return len(self.sent)

    @property
    def items(self) -> int:
        return sum(queue.count for _, queue in self.sent)

    def skip(self, reason: str) -> None:
        if reason == TURNED_OFF:
            self.turned_off += 1
        else:
            self.already_sent += 1


def _recipients(everyone: Queue) -> list:
    """Who may get the e-mail: the people who keep the pages (by name), then anyone else
    named in the queue, each active, with ``updates.view_queue`` and an address."""
    people = list(people_with_queues())
    listed = {person.pk for person in people}
    people += [person for person, _ in everyone.by_person() if person.pk not in listed]
    return [
        person
        for person in people
        if person.is_active and person.email and person.has_perm("updates.view_queue")
    ]


def send_update_reminders(
    *, today: datetime.date | None = None, dry_run: bool = False, site_url: str | None = None
) -> DigestRun:
    """E-mail each person their updates queue, at most once a week, only when it is not empty.

    Everyone's queue is read once (``update_queue(None)``) and split by
    person; editors (``updates.view_everyones_queue``) get the items nobody is
    named for, too, as in their queue on the site. A person is written to
    when they may use the queue (signed-in staff, ``updates.view_queue``),
    have an e-mail address, have not turned the digest off, were not sent one
    in the last seven days and have something due; the run counts the others
    by the first of those reasons that holds. Each sending is recorded
    (``WeeklyDigest.last_sent_on``) in the transaction that sends it, so a
    second run skips them and a failed send is tried again on the next run.
    A dry run sends and records nothing.
    """
    today = today or timezone.localdate()
    site_url = site_url or settings.SITE_URL
    everyone = update_queue(None, today=today)
    people = _recipients(everyone)
    editors = [person for person in people if person.has_perm("updates.view_everyones_queue")]
    queues = {person.pk: queue for person, queue in everyone.by_person(nobody_named_to=editors)}
    digests = WeeklyDigest.objects.in_bulk([person.pk for person in people])
    run = DigestRun(dry_run=dry_run)
    for person in people:
        reason = _why_not(digests.get(person.pk), today)
        if reason is not None:
            run.skip(reason)
            continue
        queue = queues.get(person.pk)
        if queue is None:
            run.nothing_due += 1
            continue
        if dry_run:
            run.sent.append((person, queue))
            continue
        with transaction.atomic():
            digest, _ = WeeklyDigest.objects.select_for_update().get_or_create(user=person)
            reason = _why_not(digest, today)  # turned off, or another run got there first
            if reason is None:
                notifications.send_digest(person, queue, site_url=site_url)
                digest.last_sent_on = today
                digest.save(update_fields=["last_sent_on"])
        if reason is None:
            run.sent.append((person, queue))
        else:
            run.skip(reason)
    return run
