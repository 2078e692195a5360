"""Signing in, out and changing passwords on the site; failed sign-ins are rate-limited."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from config.proxy import client_address
from tests.strategy.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def person():
    return UserFactory(username="lcarter", email="lee@example.org")


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_sign_in_and_out(client, person):
    response = sign_in(client, "lcarter", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)

    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_sign_in_never_redirects_to_another_site(client, person):
    response = client.post(
        reverse("login") + "?next=https://evil.example/steal",
        {"username": "lcarter", "password": PASSWORD, "next": "https://evil.example/steal"},
    )
    assert response.status_code == 302
    assert not response.url.startswith("https://evil.example")


def test_five_wrong_passwords_lock_that_user_from_that_address(client, person):
    for _ in range(4):
        assert sign_in(client, "lcarter", "wrong").status_code == 200
    assert sign_in(client, "lcarter", "wrong").status_code == 429

    locked = sign_in(client, "lcarter", PASSWORD)

    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_reach_the_same_user_from_another_address(client, person):
    for _ in range(5):
        sign_in(client, "lcarter", "wrong", REMOTE_ADDR="203.0.113.7")

    response = sign_in(client, "lcarter", PASSWORD, REMOTE_ADDR="198.51.100.2")

    assert response.status_code == 302


def test_behind_the_proxy_a_lockout_of_one_address_leaves_the_account_usable_from_another(
    client, person, settings
):
    settings.PROXY_COUNT = 1
    nginx = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(5):
        sign_in(client, "lcarter", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7", **nginx)
    locked = sign_in(client, "lcarter", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **nginx)

    elsewhere = sign_in(client, "lcarter", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **nginx)

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_an_address_a_reader_adds_to_x_forwarded_for_does_not_lift_their_lockout(
    client, person, settings
):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        sign_in(client, "lcarter", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")

    forged = sign_in(client, "lcarter", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2, 203.0.113.7")

    assert forged.status_code == 429


def test_the_admin_sign_in_shares_the_count_per_address_behind_the_proxy(client, settings):
    settings.PROXY_COUNT = 1
    UserFactory(username="editor1", is_staff=True)
    admin_login = reverse("admin:login")
    for _ in range(5):
        client.post(
            admin_login,
            {"username": "editor1", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    here = sign_in(client, "editor1", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7")
    there = sign_in(client, "editor1", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert here.status_code == 429
    assert there.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "127.0.0.1"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.2, 203.0.113.7", "203.0.113.7"),
        (2, "198.51.100.2, 203.0.113.7", "198.51.100.2"),
        (2, "203.0.113.7", "127.0.0.1"),
        (1, "", "127.0.0.1"),
        (1, "not-an-address", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_trusts_as_many_entries_as_there_are_proxies(
    rf, settings, proxies, forwarded, expected
):
    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_password_change_requires_the_current_password_and_strong_new_one(client, person):
    client.force_login(person)
    url = reverse("password_change")

    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    assert "This password is too common." in weak.content.decode()

    done = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "a much better passphrase",
            "new_password2": "a much better passphrase",
        },
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a much better passphrase")


def test_password_reset_mails_a_link_that_sets_a_new_password(client, person):
    client.post(reverse("password_reset"), {"email": "lee@example.org"})

    (message,) = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    client.post(
        set_url,
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )

    person.refresh_from_db()
    assert person.check_password("a brand new passphrase")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert mail.outbox == []


def test_session_and_csrf_cookies_are_protected(client, person, settings):
    assert settings.SESSION_COOKIE_HTTPONLY
    response = sign_in(client, "lcarter", PASSWORD)
    assert response.cookies["sessionid"]["httponly"]


def test_forms_refuse_posts_without_a_csrf_token(person):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "lcarter", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["login", "password_reset"])
def test_the_sign_in_pages_are_titled_with_the_sites_name_not_its_host(client, name):
    response = client.get(reverse(name))

    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert title.endswith("· Opioid Coalition Strategy Map")
