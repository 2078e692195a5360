"""E-mail about reviews: a new comment for the page manager, the answer for its
reviewer, reminders of due reviews.

Messages are plain text, rendered from ``templates/reviews/email/``, and sent
with Django's e-mail framework (``EMAIL_URL`` chooses the console or SMTP).
Only active accounts with an e-mail address are written to.
"""

from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from accounts.people import person_name
from reviews.models import Review

# How much of the reviewer's own comment the answer quotes back to them.
QUOTED_COMMENT_LENGTH = 600


@dataclass(frozen=True)
class Recipient:
    user: object
    role: str  # "page manager" or "subject-matter expert"

    @property
    def name(self) -> str:
        return person_name(self.user, "")


def _reachable(user) -> bool:
    return user is not None and user.is_active and bool(user.email)


def _absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + path


def send_review_added(*, review: Review, site_url: str) -> int:
    """Tell the page manager about a new comment. Returns the number of e-mails sent (0 or 1).

    Nothing is sent when the page has no manager, the manager has no address,
    or the manager wrote the comment.
    """
    strategy = review.strategy
    manager = strategy.page_manager
    if not _reachable(manager) or manager.pk == review.reviewer_id:
        return 0
    body = render_to_string(
        "reviews/email/review_added.txt",
        {
            "review": review,
            "strategy": strategy,
            "manager_name": person_name(manager, ""),
            "review_url": _absolute(site_url, review.get_absolute_url()),
        },
    )
    subject = f"New review of “{strategy.title}” by {review.reviewer_display}"
    return EmailMessage(subject, body, to=[manager.email]).send()


def _quoted(text: str) -> str:
    """The text as an e-mail quote ("> " before each line), cut after QUOTED_COMMENT_LENGTH."""
    short = Truncator(text).chars(QUOTED_COMMENT_LENGTH)
    return "\n".join(f"> {line}".rstrip() for line in short.splitlines())


def send_review_answered(*, review: Review, site_url: str, reply_changed: bool = False) -> int:
    """Tell the reviewer their comment was addressed, with the reply. Returns 0 or 1.

    ``reply_changed`` says the comment was addressed before and this is a new
    reply. Nothing is sent when the review names no account (an imported
    review), the account is inactive or has no address, the reviewer answered
    their own comment, or the reviewer can no longer read the page.
    """
    reviewer = review.reviewer
    strategy = review.strategy
    if (
        not _reachable(reviewer)
        or reviewer.pk == review.addressed_by_id
        or not strategy.is_visible_to(reviewer)
    ):
        return 0
    body = render_to_string(
        "reviews/email/review_answered.txt",
        {
            "review": review,
            "strategy": strategy,
            "reviewer_name": person_name(reviewer, ""),
            "reply_changed": reply_changed,
            "quoted_comments": _quoted(review.comments),
            "review_url": _absolute(site_url, review.get_absolute_url()),
        },
    )
    if reply_changed:
        subject = (
            f"{review.addressed_by_name} changed the reply to your review of “{strategy.title}”"
        )
    else:
        subject = f"Your review of “{strategy.title}” was addressed by {review.addressed_by_name}"
    return EmailMessage(subject, body, to=[reviewer.email]).send()


def reminder_recipients(strategy) -> list[Recipient]:
    """The page manager and the experts with accounts and addresses, each once.

    Uses the page's prefetched experts when there are any.
    """
    people = []
    if _reachable(strategy.page_manager):
        people.append(Recipient(strategy.page_manager, "page manager"))
    for assignment in strategy.expert_assignments.all():
        if _reachable(assignment.expert):
            people.append(Recipient(assignment.expert, "subject-matter expert"))
    seen, unique = set(), []
    for person in people:
        if person.user.pk not in seen:
            seen.add(person.user.pk)
            unique.append(person)
    return unique


def send_reminders(strategy, people: list[Recipient], *, site_url: str) -> int:
    """One reminder to each person about one page, over one connection. Returns how many."""
    page_url = _absolute(site_url, strategy.get_absolute_url())
    dashboard_url = _absolute(site_url, reverse("reviews:dashboard"))
    subject = f"Review due: “{strategy.title}”"
    messages = [
        EmailMessage(
            subject,
            render_to_string(
                "reviews/email/review_reminder.txt",
                {
                    "strategy": strategy,
                    "person": person,
                    "page_url": page_url,
                    "dashboard_url": dashboard_url,
                },
            ),
            to=[person.user.email],
        )
        for person in people
    ]
    return get_connection().send_messages(messages) or 0
