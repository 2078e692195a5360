"""A person's API token: created, shown once, replaced and revoked on their account page."""

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.scorecards.factories import MeasureFactory
from tests.strategy.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_PAGE = reverse("api-token:index")


def post_value(client, page, key):
    measure = MeasureFactory(objective__strategy=page)
    return client.post(
        reverse("api:strategy-values", args=[page.slug]),
        json.dumps([{"measure": measure.pk, "period": "2026-Q2", "value": 3}]),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )


def test_the_token_page_is_for_signed_in_people(client):
    response = client.get(TOKEN_PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_header_links_to_the_token_page_once_signed_in(client, reviewer):
    assert TOKEN_PAGE not in client.get(reverse("strategy:home")).content.decode()
    client.force_login(reviewer)

    assert f'href="{TOKEN_PAGE}">API token</a>' in client.get(TOKEN_PAGE).content.decode()


def test_a_person_without_a_token_is_offered_one(client, owner):
    client.force_login(owner)

    page = client.get(TOKEN_PAGE).content.decode()

    assert "You have no token." in page
    assert "Create a token" in page
    assert "Revoke the token" not in page


def test_a_created_token_is_shown_once_and_works(client, owner, page):
    client.force_login(owner)

    created = client.post(reverse("api-token:create"))
    token = Token.objects.get(user=owner)
    later = client.get(TOKEN_PAGE)

    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    assert f'value="{token.key}"' in created.content.decode()
    assert token.key not in later.content.decode()
    assert "You have a token, created" in later.content.decode()
    assert "Replace the token" in later.content.decode()
    client.logout()
    assert post_value(client, page, token.key).status_code == 201


def test_replacing_the_token_stops_the_old_one(client, owner, page):
    old = Token.objects.create(user=owner).key
    client.force_login(owner)

    client.post(reverse("api-token:create"))

    new = Token.objects.get(user=owner).key
    assert new != old
    client.logout()
    assert post_value(client, page, old).status_code == 401
    assert post_value(client, page, new).status_code == 201


def test_a_revoked_token_no_longer_works(client, owner, page):
    key = Token.objects.create(user=owner).key
    client.force_login(owner)

    response = client.post(reverse("api-token:revoke"), follow=True)

    assert "Your API token was revoked: it no longer works." in response.content.decode()
    assert "You have no token." in response.content.decode()
    assert not Token.objects.exists()
    client.logout()
    assert post_value(client, page, key).status_code == 401


@pytest.mark.parametrize("name", ["api-token:create", "api-token:revoke"])
def test_tokens_change_only_by_post(client, owner, name):
    client.force_login(owner)

    assert client.get(reverse(name)).status_code == 405
    assert not Token.objects.exists()


def test_a_forged_form_creates_no_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    assert client.post(reverse("api-token:create")).status_code == 403
    assert not Token.objects.exists()


def test_drf_create_token_makes_a_token_that_works(client, owner, page):
    call_command("drf_create_token", owner.username)

    assert post_value(client, page, Token.objects.get(user=owner).key).status_code == 201


@pytest.mark.parametrize("others", [0, 20])
def test_the_token_page_costs_the_same_whoever_else_has_tokens(
    client, owner, others, django_assert_num_queries
):
    for user in UserFactory.create_batch(others):
        Token.objects.create(user=user)
    Token.objects.create(user=owner)
    client.force_login(owner)

    # The session, its user, and the person's token.
    with django_assert_num_queries(3):
        assert client.get(TOKEN_PAGE).status_code == 200
