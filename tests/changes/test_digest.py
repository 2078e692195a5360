"""The daily digest of watched pages: what it lists, and when nobody is written to."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from base.models import ChangeKind
from changes.models import WatchDigest
from changes.services import DIGEST_MAX_CHANGES, send_watch_digests
from strategy.models import Strategy
from tests.changes.factories import WatchFactory, record_change
from tests.strategy.factories import StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def watcher(db):
    return UserFactory(username="watcher", first_name="Wanda", last_name="Watts")


@pytest.fixture
def unmanaged(db):
    """A page nobody manages, so that only its watchers are written to."""
    return StrategyFactory(page_manager=None)


def test_a_watcher_gets_the_changes_others_made_with_links(watcher, editor, unmanaged, settings):
    settings.SITE_URL = "https://maps.example.org"
    WatchFactory(user=watcher, strategy=unmanaged)
    record_change(unmanaged, user=editor, comment="Reworded the introduction")
    record_change(unmanaged, user=editor, comment="Uploaded scorecard data", kind=ChangeKind.DATA)

    run = send_watch_digests()

    assert run.emails == 1
    (message,) = [m for m in mail.outbox if m.to == [watcher.email]]
    assert message.subject == "Changes to 1 page you watch"
    assert "Hello Wanda Watts," in message.body
    assert unmanaged.title in message.body
    assert f"https://maps.example.org{unmanaged.get_absolute_url()}" in message.body
    assert "(Edit): Reworded the introduction" in message.body
    assert "(Data values): Uploaded scorecard data" in message.body
    assert f"https://maps.example.org/strategies/{unmanaged.slug}/history/?from=" in message.body
    assert "https://maps.example.org/changes/watching/" in message.body
    assert (
        message.extra_headers["List-Unsubscribe"] == "<https://maps.example.org/changes/watching/>"
    )
    assert WatchDigest.objects.get(user=watcher).last_sent_at is not None


def test_nobody_is_written_to_when_nothing_changed(watcher, unmanaged):
    WatchFactory(user=watcher, strategy=unmanaged)

    run = send_watch_digests()

    assert run.emails == 0
    assert mail.outbox == []
    assert not WatchDigest.objects.exists()


def test_at_most_one_digest_a_day_then_only_what_changed_since(watcher, editor, unmanaged):
    WatchFactory(user=watcher, strategy=unmanaged)
    now = timezone.now()
    record_change(unmanaged, user=editor, comment="Before the first digest", at=now - DAY / 2)
    send_watch_digests(now=now)
    record_change(unmanaged, user=editor, comment="After the first digest", at=now + DAY / 100)

    again = send_watch_digests(now=now + DAY / 50)

    assert again.emails == 0
    assert len(mail.outbox) == 1

    tomorrow = send_watch_digests(now=now + DAY)

    assert tomorrow.emails == 1
    body = mail.outbox[1].body
    assert "After the first digest" in body
    assert "Before the first digest" not in body


def test_a_person_who_turned_the_digest_off_gets_none(watcher, editor, unmanaged):
    WatchFactory(user=watcher, strategy=unmanaged)
    WatchDigest.objects.create(user=watcher, send=False)
    record_change(unmanaged, user=editor)

    assert send_watch_digests().emails == 0
    assert mail.outbox == []


def test_a_manager_gets_their_pages_changes_unless_they_stopped_watching(owner, editor, page):
    other = StrategyFactory(page_manager=owner)
    WatchFactory(user=owner, strategy=other, watching=False)
    record_change(page, user=editor, comment="On the watched page")
    record_change(other, user=editor, comment="On the unwatched page")

    send_watch_digests()

    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert "On the watched page" in message.body
    assert "On the unwatched page" not in message.body


def test_ones_own_changes_are_left_out(owner, page):
    record_change(page, user=owner, comment="My own edit")

    assert send_watch_digests().emails == 0
    assert mail.outbox == []


def test_changes_to_a_page_the_watcher_can_no_longer_read_are_left_out(watcher, editor, unmanaged):
    WatchFactory(user=watcher, strategy=unmanaged)
    record_change(unmanaged, user=editor)
    Strategy.objects.filter(pk=unmanaged.pk).update(status=Strategy.Status.DRAFT)

    assert send_watch_digests().emails == 0


def test_inactive_people_and_people_without_an_address_get_none(watcher, editor, page):
    nobody = UserFactory(email="")
    WatchFactory(user=watcher, strategy=page)
    WatchFactory(user=nobody, strategy=page)
    watcher.is_active = False
    watcher.save()
    page.page_manager = None
    page.save()
    record_change(page, user=editor)

    assert send_watch_digests().emails == 0


def test_a_dry_run_sends_and_records_nothing(watcher, editor, page):
    WatchFactory(user=watcher, strategy=page)
    record_change(page, user=editor)

    run = send_watch_digests(dry_run=True)

    assert {person for person, _ in run.sent} == {page.page_manager, watcher}
    assert mail.outbox == []
    assert not WatchDigest.objects.exists()


def test_the_command_sends_and_says_how_many(watcher, editor, unmanaged, capsys):
    WatchFactory(user=watcher, strategy=unmanaged)
    record_change(unmanaged, user=editor)

    call_command("send_watch_digest")
    call_command("send_watch_digest")

    first, second = capsys.readouterr().out.split("Sent 1 digest e-mail.")
    assert "Wanda Watts <watcher@example.org>: 1 change on 1 page" in first
    assert "Not written to" not in first
    assert "Sent 0 digest e-mails." in second
    assert "Not written to: 1 person already had today's digest." in second
    assert len(mail.outbox) == 1


def test_the_command_counts_who_had_no_changes_and_who_turned_it_off(
    watcher, editor, unmanaged, capsys
):
    WatchFactory(user=watcher, strategy=unmanaged)
    quiet = StrategyFactory(page_manager=None)  # a page nobody changed
    for name in ("quiet", "silent"):
        WatchFactory(user=UserFactory(username=name), strategy=quiet)
    WatchDigest.objects.create(user=WatchFactory(strategy=unmanaged).user, send=False)
    record_change(unmanaged, user=editor)

    call_command("send_watch_digest")

    out = capsys.readouterr().out
    assert "Sent 1 digest e-mail." in out
    assert (
        "Not written to: 2 people had no changes to their pages and 1 person had turned it off."
        in out
    )


def test_a_run_counts_each_person_not_written_to_once(watcher, editor, unmanaged):
    WatchFactory(user=watcher, strategy=unmanaged)
    WatchFactory(strategy=unmanaged)
    record_change(unmanaged, user=editor)
    now = timezone.now()
    send_watch_digests(now=now)

    again = send_watch_digests(now=now + DAY / 50)

    assert (again.emails, again.already_sent, again.nothing_changed, again.turned_off) == (
        0,
        2,
        0,
        0,
    )


def test_the_commands_dry_run_lists_who_would_be_written_to(watcher, editor, unmanaged, capsys):
    WatchFactory(user=watcher, strategy=unmanaged)
    record_change(unmanaged, user=editor)

    call_command("send_watch_digest", "--dry-run")

    assert "Would send 1 digest e-mail." in capsys.readouterr().out
    assert mail.outbox == []


def test_a_long_digest_lists_the_newest_changes_and_counts_the_rest(watcher, editor, unmanaged):
    WatchFactory(user=watcher, strategy=unmanaged)
    for number in range(DIGEST_MAX_CHANGES + 2):
        record_change(unmanaged, user=editor, comment=f"Edit number {number}.")

    send_watch_digests()

    (message,) = mail.outbox
    assert "Edit number 101." in message.body
    assert "Edit number 2." in message.body
    assert "Edit number 1." not in message.body
    assert "…and 2 more: http://" in message.body


def test_a_first_digest_covers_the_last_day(watcher, editor, unmanaged):
    WatchFactory(user=watcher, strategy=unmanaged)
    now = timezone.now()
    record_change(unmanaged, user=editor, comment="Two days ago", at=now - 2 * DAY)
    record_change(unmanaged, user=editor, comment="This morning", at=now - DAY / 4)

    send_watch_digests(now=now)

    (message,) = mail.outbox
    assert "This morning" in message.body
    assert "Two days ago" not in message.body
