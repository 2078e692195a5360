"""Watching a page: the button on the strategy page, the choice it records, the settings page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from changes.models import Watch, WatchDigest
from changes.selectors import is_watching, watched_pages
from demo.data import load_demo
from strategy.models import Strategy
from tests.changes.factories import WatchFactory
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db

WATCHING = "/changes/watching/"


def watch_url(page) -> str:
    return reverse("changes:watch", args=[page.slug])


def unwatch_url(page) -> str:
    return reverse("changes:unwatch", args=[page.slug])


def test_a_signed_in_reader_watches_a_page_from_its_button(client, reviewer, page):
    client.force_login(reviewer)
    assert "Watch this page" in client.get(page.get_absolute_url()).content.decode()

    response = client.post(watch_url(page), follow=True)

    assert response.redirect_chain == [(page.get_absolute_url(), 302)]
    html = response.content.decode()
    assert f"You are watching “{page.title}”. Its changes come in your daily e-mail digest." in html
    assert "Stop watching this page" in html
    assert Watch.objects.get(user=reviewer, strategy=page).watching is True


def test_unwatching_records_the_choice_and_says_so(client, reviewer, page):
    WatchFactory(user=reviewer, strategy=page)
    client.force_login(reviewer)

    response = client.post(unwatch_url(page), follow=True)

    assert f"You no longer watch “{page.title}”." in response.content.decode()
    assert not is_watching(reviewer, page)
    assert "Watch this page" in response.content.decode()


def test_a_page_manager_watches_their_pages_until_they_stop(client, owner, page):
    assert is_watching(owner, page)
    assert Watch.objects.count() == 0, "no row per managed page"
    client.force_login(owner)
    html = client.get(page.get_absolute_url()).content.decode()
    assert "You watch this page as its page manager" in html

    client.post(unwatch_url(page))

    assert not is_watching(owner, page)
    assert list(watched_pages(owner, Strategy.objects.all())) == []


def test_a_new_page_manager_watches_the_page_at_once(reviewer, page):
    page.page_manager = reviewer
    page.save()

    assert is_watching(reviewer, page)


def test_watching_needs_a_post_with_a_csrf_token(reviewer, page):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)

    assert client.get(watch_url(page)).status_code == 405
    assert client.post(watch_url(page)).status_code == 403
    assert not Watch.objects.exists()


def test_an_anonymous_reader_is_sent_to_sign_in_and_nothing_is_recorded(client, page):
    response = client.post(watch_url(page))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Watch.objects.exists()


def test_a_page_the_reader_may_not_see_cannot_be_watched(client, reviewer):
    draft = StrategyFactory(status=Strategy.Status.DRAFT)
    client.force_login(reviewer)

    assert client.post(watch_url(draft)).status_code == 404
    assert client.post(watch_url(StrategyFactory.build(slug="no-such-page"))).status_code == 404
    assert not Watch.objects.exists()


def test_the_watch_button_goes_back_to_a_page_on_the_site_only(client, reviewer, page):
    client.force_login(reviewer)

    inside = client.post(watch_url(page), {"next": WATCHING})
    outside = client.post(unwatch_url(page), {"next": "https://evil.example/"})

    assert inside["Location"] == WATCHING
    assert outside["Location"] == page.get_absolute_url()


def test_anonymous_readers_get_a_sign_in_link_and_the_page_is_still_cached(client, page):
    first = client.get(page.get_absolute_url())
    second = client.get(page.get_absolute_url())

    html = first.content.decode()
    assert "Watch this page</a> after signing in" in html
    assert "csrfmiddlewaretoken" not in html
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"


def test_each_signed_in_reader_sees_their_own_watch_state(client, reviewer, editor, page):
    WatchFactory(user=reviewer, strategy=page)

    client.force_login(reviewer)
    for_reviewer = client.get(page.get_absolute_url()).content.decode()
    client.force_login(editor)
    for_editor = client.get(page.get_absolute_url()).content.decode()

    assert "Stop watching this page" in for_reviewer
    assert "Watch this page" in for_editor and "Stop watching this page" not in for_editor


def test_the_watching_page_lists_watched_and_declined_pages(client, owner, page):
    chosen = StrategyFactory(title="Chosen page")
    declined = StrategyFactory(title="Declined page", page_manager=owner)
    WatchFactory(user=owner, strategy=chosen)
    WatchFactory(user=owner, strategy=declined, watching=False)
    client.force_login(owner)

    html = client.get(WATCHING).content.decode()

    watched_part, declined_part = html.split('id="declined"')
    assert page.title in watched_part and "Chosen page" in watched_part
    assert "Declined page" not in watched_part
    assert "Declined page" in declined_part


def digest_box_checked(response) -> bool:
    (box,) = re.findall(r'<input type="checkbox" name="send"[^>]*>', response.content.decode())
    return " checked" in box


def test_the_digest_is_turned_off_and_on_from_the_watching_page(client, reviewer):
    client.force_login(reviewer)
    assert digest_box_checked(client.get(WATCHING))

    off = client.post(WATCHING, {}, follow=True)

    assert "Your daily digest of watched pages is off" in off.content.decode()
    assert not digest_box_checked(off)
    assert WatchDigest.objects.get(user=reviewer).send is False

    client.post(WATCHING, {"send": "on"})

    assert WatchDigest.objects.get(user=reviewer).send is True


def test_the_watching_page_links_staff_to_their_weekly_e_mail_of_updates(client, owner, reviewer):
    link = f'see <a href="{reverse("updates:settings")}">Weekly e-mail of your updates</a>'
    client.force_login(owner)
    assert link in client.get(WATCHING).content.decode()
    client.force_login(reviewer)
    assert "Weekly e-mail of your updates" not in client.get(WATCHING).content.decode()


def test_the_watching_page_needs_signing_in(client):
    response = client.get(WATCHING)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_is_watching_is_false_for_anonymous_readers(page):
    assert is_watching(AnonymousUser(), page) is False


def test_the_demo_manager_watches_a_page_they_do_not_manage():
    load_demo()
    manager = get_user_model().objects.get(username="manager")

    watched = watched_pages(manager, Strategy.objects.all())

    explicit = Watch.objects.get(user=manager, watching=True).strategy
    assert explicit.page_manager_id != manager.pk
    assert explicit in watched
    assert set(Strategy.objects.filter(page_manager=manager)) < set(watched)
