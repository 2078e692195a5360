"""Writes for reviews: adding a comment, answering it, reminding people of due reviews.

Like the strategy services, each takes keyword-only arguments, validates
before writing and runs in one transaction; e-mail about a new review or an
answer goes out only once that transaction has committed.
"""

import datetime
from dataclasses import dataclass, field
from functools import partial

import reversion
import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from accounts.people import person_name
from base.revisions import ChangeKind, recorded_change
from reviews import notifications
from reviews.models import ExpertAssignment, Review, ReviewMark, ReviewReminder
from strategy.models import Strategy

FUTURE_DATE = "A review date cannot be in the future."
BEFORE_PAGE = "The page was created on {created}; a review cannot be dated before that."
MAY_NOT_REVIEW = "Only reviewers and this page's subject-matter experts may review it."
MAY_NOT_ANSWER = "Only this page's manager and editors may mark its reviews addressed."
MAY_NOT_MARK = "You may not change: {pages}."


def newest_review_date(strategy_id: int) -> datetime.date | None:
    """The newest date among the page's reviews and marks of review, or None. Two queries."""
    dates = [
        Review.objects.filter(strategy_id=strategy_id).aggregate(on=Max("reviewed_on"))["on"],
        ReviewMark.objects.filter(strategy_id=strategy_id).aggregate(on=Max("marked_on"))["on"],
    ]
    return max((on for on in dates if on is not None), default=None)


def refresh_review_date(page: Strategy) -> bool:
    """Set the page's ``last_reviewed`` (and so ``review_due``) from its records.

    The page's "last reviewed" is always the newest of its reviews and marks
    of review; every write of those calls this in its transaction, with the
    page row locked. Returns whether the date changed.
    """
    newest = newest_review_date(page.pk)
    if newest == page.last_reviewed:
        return False
    page.last_reviewed = newest
    page.save(update_fields=["last_reviewed"])
    return True


def _locked_page(strategy: Strategy) -> Strategy:
    # Locked so that two writes at once cannot leave the date behind either of them.
    return Strategy.objects.select_for_update().get(pk=strategy.pk)


def _copy_review_dates(page: Strategy, onto: Strategy) -> None:
    for name in ("last_reviewed", "review_due", "updated_at", "version"):
        setattr(onto, name, getattr(page, name))


def page_created_on(strategy: Strategy) -> datetime.date:
    """The day the page was created, in the site's time zone."""
    return timezone.localdate(strategy.created_at)


def check_review_date(*, strategy: Strategy, reviewed_on: datetime.date) -> None:
    """A review is dated between the page's creation and today; raises ValidationError."""
    if reviewed_on > timezone.localdate():
        raise ValidationError(FUTURE_DATE, code="future")
    created_on = page_created_on(strategy)
    if reviewed_on < created_on:
        raise ValidationError(
            BEFORE_PAGE.format(created=date_format(created_on, "M j, Y")), code="before_page"
        )


def add_review(
    *,
    strategy: Strategy,
    reviewer,
    reviewed_on: datetime.date,
    comments: str,
    site_url: str | None = None,
) -> Review:
    """Store a reviewer's dated comment against the page's current revision.

    The review is one revision of the page by the reviewer, so the history
    shows it under their name. Moves the page's ``last_reviewed`` forward when
    this review is newer, and e-mails the page manager once the transaction
    commits. ``site_url`` (such as ``request.build_absolute_uri("/")``) roots
    the link in that e-mail; ``settings.SITE_URL`` by default.
    """
    # The rule itself, not reviewer.has_perm: that says yes to every superuser.
    if not strategy.is_visible_to(reviewer) or not rules.has_perm(
        "reviews.add_review", reviewer, strategy
    ):
        raise PermissionDenied(MAY_NOT_REVIEW)
    try:
        check_review_date(strategy=strategy, reviewed_on=reviewed_on)
    except ValidationError as error:
        raise ValidationError({"reviewed_on": error.messages}) from error
    # The revision the reviewer read: the newest one holding the page.
    latest = Version.objects.get_for_object(strategy).select_related("revision").first()
    review = Review(
        strategy=strategy,
        reviewer=reviewer,
        reviewed_on=reviewed_on,
        comments=comments.strip(),
        revision=latest.revision if latest else None,
    )
    review.full_clean()
    with recorded_change(
        user=reviewer,
        comment=f"Reviewed on {date_format(reviewed_on, 'M j, Y')}",
        kind=ChangeKind.REVIEW,
    ):
        page = _locked_page(strategy)
        review.save()
        if refresh_review_date(page):
            _copy_review_dates(page, strategy)
        reversion.add_to_revision(page)
        transaction.on_commit(
            partial(
                notifications.send_review_added,
                review=review,
                site_url=site_url or settings.SITE_URL,
            )
        )
    return review


def mark_addressed(*, review: Review, user, reply: str = "", site_url: str | None = None) -> Review:
    """The page's manager (or an editor) marks a comment addressed, with an optional reply.

    Marking it again replaces the reply. The reviewer is e-mailed the answer
    once the transaction commits: the first time the comment is addressed,
    and again only when a later marking brings a new, non-empty reply (marking
    it again with the same reply, or clearing the reply, sends nothing).
    ``site_url`` roots the link in that e-mail, as for ``add_review``. The
    answer is one revision of the page by ``user``.
    """
    if not user.has_perm("strategy.change_strategy", review.strategy):
        raise PermissionDenied(MAY_NOT_ANSWER)
    review.reply = reply.strip()
    review.addressed_at = timezone.now()
    review.addressed_by = user
    review.addressed_by_name = person_name(user, "")
    review.full_clean()
    reviewed_on = date_format(review.reviewed_on, "M j, Y")
    comment = f"Answered the review by {review.reviewer_display} of {reviewed_on}"
    with recorded_change(user=user, comment=comment, kind=ChangeKind.ANSWER):
        page = _locked_page(review.strategy)
        # The stored answer, not the instance's: a bound form has already set
        # the new reply on it. Locked so that two answers at once mail once.
        before = Review.objects.select_for_update().only("addressed_at", "reply").get(pk=review.pk)
        review.save(update_fields=["reply", "addressed_at", "addressed_by", "addressed_by_name"])
        reversion.add_to_revision(page)
        answered_before = before.addressed_at is not None
        if not answered_before or (review.reply and review.reply != before.reply):
            transaction.on_commit(
                partial(
                    notifications.send_review_answered,
                    review=review,
                    reply_changed=answered_before,
                    site_url=site_url or settings.SITE_URL,
                )
            )
    return review


def mark_reviewed(*, user, strategies: QuerySet[Strategy], on: datetime.date | None = None) -> int:
    """Record that pages were reviewed on a date (today by default), restarting their cycle.

    Each page gets a mark of review by ``user`` and one revision by them, so
    its history says who marked it and its diff shows the mark. Only people
    who may change every one of the pages may mark them; otherwise nothing is
    written. Returns how many pages were marked.
    """
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError(FUTURE_DATE, code="future")
    with transaction.atomic():
        pages = list(strategies)
        refused = [p.title for p in pages if not user.has_perm("strategy.change_strategy", p)]
        if refused:
            raise PermissionDenied(MAY_NOT_MARK.format(pages=", ".join(refused)))
        for listed in pages:
            with recorded_change(
                user=user,
                comment=f"Marked reviewed on {date_format(on, 'M j, Y')}",
                kind=ChangeKind.MARKED_REVIEWED,
            ):
                page = _locked_page(listed)
                mark = ReviewMark(strategy=page, marked_on=on, marked_by=user)
                mark.full_clean()
                mark.save()
                refresh_review_date(page)
                reversion.add_to_revision(page)
    return len(pages)


def due_for_review(today: datetime.date) -> QuerySet[Strategy]:
    """Public pages whose review is due on or before ``today``, or that were never reviewed.

    Drafts and archived pages are left out: reviewers cannot read them.
    """
    return Strategy.objects.public().filter(
        Q(review_due__lte=today) | Q(last_reviewed__isnull=True)
    )


@dataclass
class ReminderRun:
    """What ``send_review_reminders`` did or, on a dry run, would do."""

    dry_run: bool
    # (page, the people e-mailed about it), pages in title order.
    sent: list[tuple[Strategy, list]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(self.sent)

    @property
    def emails(self) -> int:
        return sum(len(people) for _, people in self.sent)


def send_review_reminders(
    *, today: datetime.date | None = None, dry_run: bool = False, site_url: str | None = None
) -> ReminderRun:
    """E-mail the manager and experts of every page due for review, once per page per day.

    Each page's reminders are recorded (``ReviewReminder``) in the transaction
    that sends them, so a second run the same day skips the page, and a
    failed send leaves no record and is tried again on the next run. A page
    with nobody to write to (no accounts with e-mail addresses) is skipped
    and not recorded. A dry run sends and records nothing.
    """
    today = today or timezone.localdate()
    site_url = site_url or settings.SITE_URL
    pages = (
        due_for_review(today)
        .exclude(review_reminders__sent_on=today)
        .select_related("page_manager")
        .prefetch_related(
            Prefetch(
                "expert_assignments",
                queryset=ExpertAssignment.objects.select_related("expert"),
            )
        )
        .order_by("title", "pk")
    )
    run = ReminderRun(dry_run=dry_run)
    for page in pages:
        people = notifications.reminder_recipients(page)
        if not people:
            continue
        if dry_run:
            run.sent.append((page, people))
            continue
        with transaction.atomic():
            _, created = ReviewReminder.objects.get_or_create(
                strategy=page, sent_on=today, defaults={"recipients": len(people)}
            )
            if not created:  # another run got there first
                continue
            notifications.send_reminders(page, people, site_url=site_url)
        run.sent.append((page, people))
    return run
