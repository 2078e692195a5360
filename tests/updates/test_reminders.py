"""The weekly e-mail of each person's updates queue, and the page that turns it off."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.reviews.factories import ReviewFactory
from tests.scorecards.factories import ActionFactory, MeasureFactory
from tests.strategy.factories import PageManagerFactory, StrategyFactory, UserFactory
from tests.updates.test_queue import grid_url
from updates.models import WeeklyDigest
from updates.services import send_update_reminders

pytestmark = pytest.mark.django_db

# A fixed day, so that what is overdue does not depend on when the tests run.
TODAY = datetime.date(2026, 12, 3)
SITE = "https://maps.example.org"
SETTINGS_URL = reverse("updates:settings")
WEEK = datetime.timedelta(days=7)


@pytest.fixture
def due(owner, page):
    """A value due on a measure of the owner's page (which was never reviewed, too)."""
    return MeasureFactory(objective__strategy=page, name="Burglaries in the target area")


def send(days_later=0, **kwargs):
    return send_update_reminders(
        today=TODAY + datetime.timedelta(days=days_later), site_url=SITE, **kwargs
    )


def test_each_person_gets_their_queue_with_links_to_the_site(owner, due, page):
    run = send()

    assert run.emails == 1
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == "Your updates: 2 things to do, 1 overdue"
    assert "Burglaries in the target area: the value for" in message.body
    assert f"{SITE}{grid_url(due)}" in message.body
    assert f"Everything due for you: {SITE}{reverse('updates:queue')}?person=owner" in message.body
    assert f"To stop it: {SITE}{SETTINGS_URL}" in message.body
    assert page.title in message.body
    assert WeeklyDigest.objects.get(user=owner).last_sent_on == TODAY


def test_it_is_not_sent_again_within_a_week(due):
    send()
    run = send(days_later=6)

    assert run.emails == 0
    assert len(mail.outbox) == 1


def test_it_is_sent_again_after_a_week(owner, due):
    send()
    send(days_later=7)

    assert len(mail.outbox) == 2
    assert WeeklyDigest.objects.get(user=owner).last_sent_on == TODAY + datetime.timedelta(7)


def test_nothing_is_sent_when_nothing_is_due(owner):
    StrategyFactory(page_manager=owner, last_reviewed=TODAY)

    assert send().emails == 0
    assert mail.outbox == []
    assert not WeeklyDigest.objects.exists()


def test_nothing_is_sent_to_someone_who_turned_it_off(client, owner, due):
    client.force_login(owner)
    client.post(SETTINGS_URL, {})

    assert send().emails == 0
    assert mail.outbox == []


def test_a_dry_run_sends_and_records_nothing(owner, due):
    run = send(dry_run=True)

    assert [person for person, _ in run.sent] == [owner]
    assert mail.outbox == []
    assert not WeeklyDigest.objects.exists()


def test_each_person_gets_only_their_own_queue(owner, outsider, due):
    MeasureFactory(objective__strategy=StrategyFactory(page_manager=outsider), name="Theirs")

    send()

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert set(bodies) == {owner.email, outsider.email}
    assert "Theirs" not in bodies[owner.email]
    assert "Burglaries in the target area" not in bodies[outsider.email]


def test_nobody_without_an_address_or_a_part_in_keeping_pages_is_written_to(due):
    MeasureFactory(objective__strategy=StrategyFactory(page_manager=PageManagerFactory(email="")))
    # An account outside the staff, named as a measure's owner (its page is up to date).
    MeasureFactory(owner=UserFactory(), objective__strategy__last_reviewed=TODAY)
    ReviewFactory(strategy=StrategyFactory(page_manager=PageManagerFactory(is_active=False)))

    send()

    assert [message.to for message in mail.outbox] == [["owner@example.org"]]


def test_the_command_sends_and_reports(owner, due, settings):
    settings.SITE_URL = SITE
    out = StringIO()

    call_command("send_update_reminders", stdout=out)

    assert len(mail.outbox) == 1
    assert f"{SITE}{SETTINGS_URL}" in mail.outbox[0].body
    assert f"<{owner.email}>: 1 value to enter and 1 page to review" in out.getvalue()
    assert "Sent 1 weekly e-mail listing 2 updates." in out.getvalue()


def test_a_second_run_says_who_was_not_written_to_and_why(owner, outsider, due):
    MeasureFactory(objective__strategy=StrategyFactory(page_manager=outsider))
    WeeklyDigest.objects.create(user=outsider, wanted=False)
    PageManagerFactory(username="idle")  # keeps no page with anything due
    first, second = StringIO(), StringIO()

    call_command("send_update_reminders", stdout=first)
    call_command("send_update_reminders", stdout=second)

    assert "Sent 1 weekly e-mail listing 2 updates." in first.getvalue()
    assert (
        "Not written to: 1 person had nothing due and 1 person had turned it off."
        in first.getvalue()
    )
    assert "Sent 0 weekly e-mails listing 0 updates." in second.getvalue()
    assert (
        "Not written to: 1 person already had this week's e-mail, 1 person had nothing due "
        "and 1 person had turned it off." in second.getvalue()
    )
    assert len(mail.outbox) == 1


def test_people_not_written_to_are_counted_in_the_plural(owner, outsider, due):
    MeasureFactory(objective__strategy=StrategyFactory(page_manager=outsider))
    out = StringIO()
    call_command("send_update_reminders", stdout=StringIO())

    call_command("send_update_reminders", stdout=out)

    assert "Not written to: 2 people already had this week's e-mail." in out.getvalue()


def test_the_dry_run_counts_who_would_not_be_written_to(owner, due):
    WeeklyDigest.objects.create(user=owner, wanted=False)
    out = StringIO()

    call_command("send_update_reminders", "--dry-run", stdout=out)

    assert "Would send 0 weekly e-mails listing 0 updates." in out.getvalue()
    assert "Not written to: 1 person had turned it off." in out.getvalue()


def test_one_and_two_of_a_kind_are_counted_in_the_singular_and_the_plural(owner):
    page = StrategyFactory(page_manager=owner, last_reviewed=TODAY)
    ActionFactory(objective__strategy=page, title="First", due_date=TODAY - WEEK)
    send()
    ActionFactory(objective__strategy=page, title="Second", due_date=TODAY - WEEK)
    send(days_later=7)

    one, two = (message.body for message in mail.outbox)
    assert (
        "1 thing is due for you on the strategy map as of Dec 3, 2026, overdue: "
        "1 action to update." in one
    )
    assert "\n1 action to update\n" in one
    assert "actions" not in one
    assert (
        "2 things are due for you on the strategy map as of Dec 10, 2026, 2 of them overdue: "
        "2 actions to update." in two
    )
    assert "\n2 actions to update\n" in two
    assert mail.outbox[0].subject == "Your updates: 1 thing to do, 1 overdue"
    assert mail.outbox[1].subject == "Your updates: 2 things to do, 2 overdue"


def test_the_e_mail_sums_up_each_kind(owner, due):
    send()

    assert "1 of them overdue: 1 value to enter and 1 page to review." in mail.outbox[0].body


def test_an_editor_gets_what_nobody_is_named_for_with_where_to_name_someone(editor, owner):
    unmanaged = StrategyFactory(page_manager=None, last_reviewed=TODAY)
    MeasureFactory(objective__strategy=unmanaged, name="Unowned measure")
    MeasureFactory(objective__strategy=unmanaged, name="Owned measure", owner=owner)

    send()

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert set(bodies) == {editor.email, owner.email}
    assert "Unowned measure" in bodies[editor.email]
    assert "Owned measure" not in bodies[editor.email]
    name_someone = reverse("admin:strategy_strategy_change", args=[unmanaged.pk])
    assert (
        f"Nobody is named for it; name a page manager: {SITE}{name_someone}" in bodies[editor.email]
    )
    assert "Unowned measure" not in bodies[owner.email]
    assert "Nobody is named" not in bodies[owner.email]


def test_an_editor_with_nothing_of_their_own_and_nothing_unnamed_gets_nothing(editor, owner, due):
    run = send()

    assert [person for person, _ in run.sent] == [owner]
    assert run.nothing_due == 1


def test_the_command_dry_run_sends_nothing(owner, due):
    out = StringIO()

    call_command("send_update_reminders", "--dry-run", stdout=out)

    assert mail.outbox == []
    assert not WeeklyDigest.objects.exists()
    assert "Would send 1 weekly e-mail listing 2 updates." in out.getvalue()


def test_the_settings_page_shows_the_digest_on_until_it_is_turned_off(client, owner):
    client.force_login(owner)

    assert "checked" in client.get(SETTINGS_URL).content.decode()

    response = client.post(SETTINGS_URL, {}, follow=True)

    assert "You will get no weekly e-mail" in response.content.decode()
    assert "checked aria-describedby" not in response.content.decode()
    assert WeeklyDigest.objects.get(user=owner).wanted is False


def test_turning_it_back_on_keeps_when_it_was_last_sent(client, owner, due):
    send()
    client.force_login(owner)
    client.post(SETTINGS_URL, {})

    client.post(SETTINGS_URL, {"wanted": "on"})

    digest = WeeklyDigest.objects.get(user=owner)
    assert digest.wanted is True
    assert digest.last_sent_on == TODAY


def test_the_settings_page_is_linked_from_the_queue(client, owner):
    client.force_login(owner)

    assert f'href="{SETTINGS_URL}"' in client.get(reverse("updates:queue")).content.decode()


def test_the_settings_page_links_to_the_daily_digest_of_watched_pages(client, owner):
    client.force_login(owner)

    html = client.get(SETTINGS_URL).content.decode()

    assert f'see <a href="{reverse("changes:watching")}">Pages you watch</a>' in html


def test_the_settings_page_is_for_signed_in_staff(client, reviewer):
    assert client.get(SETTINGS_URL).status_code == 302
    client.force_login(reviewer)
    assert client.post(SETTINGS_URL, {}).status_code == 403
    assert not WeeklyDigest.objects.exists()
