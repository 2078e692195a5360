"""E-mail: the page manager hears of each new comment, its reviewer of the answer; due pages
get one reminder a day."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import ReviewReminder
from reviews.services import send_review_reminders
from strategy.models import Strategy
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory
from tests.strategy.factories import StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def post_review(client, page, comments):
    return client.post(
        reverse("reviews:add", args=[page.slug]),
        {"reviewed_on": TODAY.isoformat(), "comments": comments},
    )


# A new comment


def test_manager_gets_one_email_per_comment(
    client, reviewer, page, owner, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        post_review(client, page, "The outcome table needs the 2025 figures.")
        post_review(client, page, "The toolkit link is broken.")

    assert [message.to for message in mail.outbox] == [[owner.email], [owner.email]]
    first = mail.outbox[0]
    assert page.title in first.subject
    assert reviewer.get_full_name() in first.body
    assert f"{TODAY:%b} {TODAY.day}, {TODAY.year}" in first.body
    assert "The outcome table needs the 2025 figures." in first.body
    review = page.reviews.order_by("pk").first()
    assert f"http://testserver{page.get_absolute_url()}#review-{review.pk}" in first.body
    assert "The toolkit link is broken." in mail.outbox[1].body


def test_email_is_sent_only_when_the_review_is_saved(
    client, reviewer, page, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post_review(client, page, "")
    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.parametrize("manager", ["none", "no-email", "inactive"])
def test_no_email_when_the_manager_cannot_be_reached(
    client, reviewer, manager, django_capture_on_commit_callbacks
):
    page = StrategyFactory(
        page_manager={
            "none": lambda: None,
            "no-email": lambda: UserFactory(email=""),
            "inactive": lambda: UserFactory(is_active=False),
        }[manager]()
    )
    client.force_login(reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_review(client, page, "Fine.")

    assert response.status_code == 302
    assert page.reviews.count() == 1
    assert mail.outbox == []


def test_manager_reviewing_their_own_page_gets_no_email(
    client, page, owner, django_capture_on_commit_callbacks
):
    ExpertAssignmentFactory(strategy=page, expert=owner)
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        assert post_review(client, page, "Checked my own page.").status_code == 302

    assert mail.outbox == []


# An answer


@pytest.fixture
def reviewed(page, reviewer):
    reviewer.first_name, reviewer.last_name = "Sam", "Okafor"
    reviewer.save()
    return ReviewFactory(
        strategy=page,
        reviewer=reviewer,
        comments="The outcome table needs the 2025 figures.\n\nAnd the toolkit link is broken.",
    )


def answer(client, review, reply="Added the 2025 figures; the link is fixed."):
    return client.post(reverse("reviews:address", args=[review.pk]), {"reply": reply})


def test_reviewer_gets_the_answer_with_a_link_to_their_review(
    client, owner, reviewer, reviewed, django_capture_on_commit_callbacks
):
    owner.first_name, owner.last_name = "Maria", "Lopez"
    owner.save()
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        assert answer(client, reviewed).status_code == 302

    [message] = mail.outbox
    assert message.to == [reviewer.email]
    assert message.subject == (
        f"Your review of “{reviewed.strategy.title}” was addressed by Maria Lopez"
    )
    assert message.body.startswith("Hello Sam Okafor,\n")
    assert (
        f"Maria Lopez marked your review of “{reviewed.strategy.title}” addressed"
        f" on {TODAY:%b} {TODAY.day}, {TODAY.year}.\n"
    ) in message.body
    assert "Reply:\nAdded the 2025 figures; the link is fixed.\n" in message.body
    assert "Your review of Mar 4, 2026:\n" in message.body
    assert (
        "> The outcome table needs the 2025 figures.\n>\n> And the toolkit link is broken."
        in message.body
    )
    url = f"http://testserver{reviewed.strategy.get_absolute_url()}#review-{reviewed.pk}"
    assert url in message.body
    assert f'id="review-{reviewed.pk}"' in client.get(url).content.decode(), "the anchor exists"


def test_an_answer_without_reply_says_so_and_a_long_comment_is_cut(
    client, editor, reviewer, page, django_capture_on_commit_callbacks
):
    review = ReviewFactory(strategy=page, reviewer=reviewer, comments="word " * 1000)
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        answer(client, review, reply="")

    [message] = mail.outbox
    assert "There is no reply." in message.body
    quote = message.body[message.body.index("> ") :].split("\n")[0]
    assert len(quote) <= len("> ") + 600
    assert quote.endswith("…")


@pytest.mark.parametrize(
    "account",
    [
        pytest.param(lambda: None, id="imported-review-without-an-account"),
        pytest.param(lambda: UserFactory(email=""), id="no-email"),
        pytest.param(lambda: UserFactory(is_active=False), id="inactive"),
    ],
)
def test_no_email_when_the_reviewer_cannot_be_reached(
    client, owner, page, account, django_capture_on_commit_callbacks
):
    review = ReviewFactory(strategy=page, reviewer=account(), reviewer_name="Dr. Imported")
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        assert answer(client, review).status_code == 302

    review.refresh_from_db()
    assert review.is_addressed
    assert mail.outbox == []


def test_no_email_to_a_reviewer_answering_their_own_review(
    client, owner, page, django_capture_on_commit_callbacks
):
    review = ReviewFactory(strategy=page, reviewer=owner)
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        assert answer(client, review).status_code == 302

    review.refresh_from_db()
    assert review.is_addressed
    assert mail.outbox == []


def test_no_email_about_a_page_the_reviewer_can_no_longer_read(
    client, editor, reviewed, django_capture_on_commit_callbacks
):
    Strategy.objects.filter(pk=reviewed.strategy_id).update(status=Strategy.Status.ARCHIVED)
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        assert answer(client, reviewed).status_code == 302

    assert mail.outbox == []


def test_no_email_when_the_answer_is_rolled_back(
    owner, reviewed, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.mark_addressed(review=reviewed, user=owner, reply="Done.")
        raise RuntimeError("the request failed after the answer")

    assert callbacks == []
    assert mail.outbox == []
    reviewed.refresh_from_db()
    assert not reviewed.is_addressed


def test_no_email_when_the_answer_is_refused(
    client, outsider, reviewed, django_capture_on_commit_callbacks
):
    client.force_login(outsider)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert answer(client, reviewed).status_code == 403
        with pytest.raises(PermissionDenied):
            services.mark_addressed(review=reviewed, user=outsider, reply="Done.")

    assert callbacks == []
    assert mail.outbox == []
    reviewed.refresh_from_db()
    assert not reviewed.is_addressed


def test_answering_again_mails_only_a_new_reply(
    client, owner, reviewed, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        answer(client, reviewed, reply="")
        answer(client, reviewed, reply="")
        answer(client, reviewed, reply="Added the 2025 figures.")
        answer(client, reviewed, reply="  Added the 2025 figures. ")
        answer(client, reviewed, reply="Added the 2025 figures and fixed the link.")
        answer(client, reviewed, reply="")

    first, added, changed = mail.outbox
    assert "There is no reply." in first.body
    assert "Reply:\nAdded the 2025 figures.\n" in added.body
    assert "changed the reply to your review" in added.subject
    assert "changed the reply to your review" in added.body
    assert "Reply:\nAdded the 2025 figures and fixed the link.\n" in changed.body
    reviewed.refresh_from_db()
    assert reviewed.reply == "", "clearing the reply is kept, and not mailed"


# Reminders


@pytest.fixture
def due_page(owner):
    """Reviewed 13 months ago on a 12-month cycle: overdue. Two experts with accounts, one not."""
    page = StrategyFactory(
        page_manager=owner,
        title="Drug Market Intervention",
        last_reviewed=TODAY - datetime.timedelta(days=400),
    )
    ExpertAssignmentFactory(strategy=page, expert__username="expert1")
    ExpertAssignmentFactory(strategy=page, expert__username="expert2")
    ExpertAssignmentFactory(strategy=page, expert=None, expert_name="Dr. No Account")
    return page


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_reminders_go_to_the_manager_and_experts_of_due_pages(due_page, owner):
    never = StrategyFactory(page_manager=UserFactory(username="never"))
    due_today = StrategyFactory(
        page_manager=UserFactory(username="today"), last_reviewed=TODAY, review_interval_months=0
    )
    StrategyFactory(page_manager=UserFactory(username="fresh"), last_reviewed=TODAY)
    StrategyFactory(page_manager=UserFactory(username="draft"), status=Strategy.Status.DRAFT)
    StrategyFactory(page_manager=UserFactory(username="archived"), status=Strategy.Status.ARCHIVED)

    run = send_review_reminders()

    assert run.pages == 3
    assert recipients() == [
        "expert1@example.org",
        "expert2@example.org",
        "never@example.org",
        "owner@example.org",
        "today@example.org",
    ]
    message = next(m for m in mail.outbox if m.to == ["expert1@example.org"])
    assert "Drug Market Intervention" in message.subject
    assert "subject-matter expert" in message.body
    assert f"http://127.0.0.1:8000{due_page.get_absolute_url()}" in message.body
    assert set(ReviewReminder.objects.values_list("strategy", flat=True)) == {
        due_page.pk,
        never.pk,
        due_today.pk,
    }


def test_reminders_are_sent_once_per_page_per_day_however_often_the_command_runs(due_page):
    call_command("send_review_reminders", stdout=StringIO())
    call_command("send_review_reminders", stdout=StringIO())

    assert len(mail.outbox) == 3
    assert ReviewReminder.objects.get().sent_on == TODAY

    send_review_reminders(today=TODAY + datetime.timedelta(days=1))
    assert len(mail.outbox) == 6, "the next day brings the next reminder"


def test_a_page_with_nobody_to_write_to_is_skipped_and_not_recorded():
    StrategyFactory(page_manager=UserFactory(email=""))
    ExpertAssignmentFactory(strategy=Strategy.objects.get(), expert=None, expert_name="Someone")

    assert send_review_reminders().pages == 0
    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()


def test_manager_who_is_also_an_expert_gets_one_reminder(owner):
    page = StrategyFactory(page_manager=owner)
    ExpertAssignmentFactory(strategy=page, expert=owner)

    send_review_reminders()

    assert recipients() == ["owner@example.org"]


def test_command_says_how_many_pages_and_emails(due_page):
    out = StringIO()
    call_command("send_review_reminders", stdout=out)
    assert "Sent 3 reminder e-mails about 1 page." in out.getvalue()


def test_dry_run_lists_without_sending_or_recording(due_page):
    out = StringIO()

    call_command("send_review_reminders", "--dry-run", stdout=out)

    assert "Drug Market Intervention: " in out.getvalue()
    assert "owner@example.org" in out.getvalue()
    assert "Would send 3 reminder e-mails about 1 page." in out.getvalue()
    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()
