"""The site header: one main navigation for everyone, and the signed-in person's own links in
an account menu that names them as the site does."""

import re

import pytest
from django.urls import reverse

from tests.strategy.factories import EditorFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("strategy:home")
MAIN_NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
MAIN_LINKS = ["Strategy map", "Programs", "Partners", "Dashboard", "Recent changes"]


def header_of(client) -> str:
    html = client.get(HOME).content.decode()
    return html[html.index("<header") : html.index("</header>")]


def account_links(header: str) -> str:
    # The account menu of the wide layout; the phone's "Menu" repeats it.
    start = header.index('<nav class="account-menu" aria-label="Account">')
    return header[start : header.index("</nav>", start)]


def test_visitors_reviewers_and_editors_get_the_same_main_navigation(client):
    navigations = [MAIN_NAV.findall(header_of(client))]
    for person in (ReviewerFactory(), EditorFactory()):
        client.force_login(person)
        navigations.append(MAIN_NAV.findall(header_of(client)))

    visitor = navigations[0]
    assert len(visitor) == 2  # the wide row's and the phone menu's, one displayed at a time
    assert all(nav == visitor for nav in navigations)
    names = re.findall(r'class="nav-link" href="[^"]+">([^<]+)</a>', visitor[0])
    assert names == MAIN_LINKS
    assert "Password" not in visitor[0] and "Sign" not in visitor[0]


def test_the_account_menu_names_the_person_by_full_name(client):
    client.force_login(EditorFactory(first_name="Jordan", last_name="Ellis", username="jellis"))

    header = header_of(client)

    assert '<span class="account-menu-name">Jordan Ellis</span>' in header
    assert "Account: " in header
    assert "jellis" not in header


def test_the_account_menu_names_a_person_without_a_full_name_by_username(client):
    client.force_login(UserFactory(first_name="", last_name="", username="nameless"))

    assert '<span class="account-menu-name">nameless</span>' in header_of(client)


def test_an_editors_account_menu_holds_their_tools_password_token_email_and_sign_out(client):
    client.force_login(EditorFactory())

    menu = account_links(header_of(client))

    for address, text in [
        (reverse("admin:index"), "Edit pages"),
        (reverse("updates:queue"), "Updates"),
        (reverse("reviews:dashboard"), "Reviews"),
        (reverse("password_change"), "Password"),
        (reverse("api-token:index"), "API token"),
        (reverse("updates:settings"), "Weekly e-mail"),
    ]:
        assert f'href="{address}">{text}</a>' in menu
    assert ">Sign out<" in menu


def test_a_reviewers_account_menu_has_no_staff_links(client):
    client.force_login(ReviewerFactory())

    menu = account_links(header_of(client))

    assert f'href="{reverse("reviews:dashboard")}">Reviews</a>' in menu
    assert f'href="{reverse("password_change")}">Password</a>' in menu
    for staff_only in ("admin:index", "updates:queue", "updates:settings", "api-token:index"):
        assert f'href="{reverse(staff_only)}"' not in menu


def test_signing_out_is_a_form_posted_with_its_csrf_token(client):
    client.force_login(ReviewerFactory())

    header = header_of(client)
    forms = re.findall(
        r'<form method="post" action="([^"]+)"><input type="hidden" name="csrfmiddlewaretoken"',
        header,
    )

    assert forms == [reverse("logout")] * 2


def test_following_a_link_to_sign_out_is_refused_and_keeps_the_person_signed_in(client):
    client.force_login(ReviewerFactory())

    refused = client.get(reverse("logout"))

    assert refused.status_code == 405
    assert "account-menu" in header_of(client)


def test_a_visitor_gets_a_sign_in_link_back_to_the_page_and_no_account_menu(client):
    header = header_of(client)

    assert header.count(f'href="{reverse("login")}?next=/">Sign in</a>') == 2
    assert "account-menu" not in header
    assert "Sign out" not in header
