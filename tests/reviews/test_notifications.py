"""E-mail: the page manager hears of each new comment; due pages get one reminder a day."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reviews.models import ReviewReminder
from reviews.services import send_review_reminders
from strategy.models import Strategy
from tests.reviews.factories import ExpertAssignmentFactory
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
