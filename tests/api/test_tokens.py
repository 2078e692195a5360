"""A person's API token: created, shown once, replaced and revoked on their account page."""

import html
import json
import shlex

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from base.periods import Frequency
from tests.scorecards.factories import DataPointFactory, MeasureFactory
from tests.strategy.factories import (
    EditorFactory,
    PageManagerFactory,
    ReviewerFactory,
    StrategyFactory,
    UserFactory,
)

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


LINK = f'href="{TOKEN_PAGE}">API token</a>'


PEOPLE = {
    "reviewer": ReviewerFactory,
    "someone in no role": UserFactory,
    "page manager": PageManagerFactory,
    "editor": EditorFactory,
}


@pytest.mark.parametrize(
    ("who", "linked"),
    [
        ("reviewer", False),
        ("someone in no role", False),
        ("page manager", True),
        ("editor", True),
    ],
)
def test_the_header_links_to_the_token_page_for_those_who_may_use_one(client, who, linked):
    person = PEOPLE[who]()
    client.force_login(person)

    header = client.get(reverse("strategy:home")).content.decode()

    assert (LINK in header) is linked
    assert person.has_perm("api.use_token") is linked


def test_the_header_has_no_token_link_for_anonymous_visitors(client):
    assert TOKEN_PAGE not in client.get(reverse("strategy:home")).content.decode()


@pytest.mark.parametrize("who", ["reviewer", "someone in no role"])
def test_people_who_enter_no_values_are_refused_the_token_page(client, who):
    client.force_login(PEOPLE[who]())

    page = client.get(TOKEN_PAGE)

    assert page.status_code == 403
    assert "An API token is for posting values of measures" in page.content.decode()
    assert "Create a token" not in page.content.decode()


@pytest.mark.parametrize("name", ["api-token:create", "api-token:revoke"])
def test_people_who_enter_no_values_can_neither_create_nor_revoke_a_token(client, reviewer, name):
    Token.objects.create(user=reviewer)
    client.force_login(reviewer)

    response = client.post(reverse(name))

    assert response.status_code == 403
    assert "An API token is for posting values of measures" in response.content.decode()
    assert Token.objects.filter(user=reviewer).count() == 1


def test_a_person_without_a_token_is_offered_one(client, owner):
    client.force_login(owner)

    page = client.get(TOKEN_PAGE).content.decode()

    assert "You have no token." in page
    assert "Create a token" in page
    assert "Revoke the token" not in page


def test_a_created_token_is_shown_on_the_next_visit_only_and_works(client, owner, page):
    client.force_login(owner)

    created = client.post(reverse("api-token:create"))
    token = Token.objects.get(user=owner)
    first = client.get(TOKEN_PAGE)
    second = client.get(TOKEN_PAGE)

    assert created.status_code == 302
    assert created["Location"] == TOKEN_PAGE
    assert token.key not in created.content.decode()
    assert "no-store" in first["Cache-Control"]
    assert f'value="{token.key}"' in first.content.decode()
    assert "Your new token, shown this once" in first.content.decode()
    assert token.key not in second.content.decode()
    assert "You have a token, created" in second.content.decode()
    assert "Replace the token" in second.content.decode()
    assert Token.objects.get(user=owner) == token
    client.logout()
    assert post_value(client, page, token.key).status_code == 201


def test_reloading_the_page_after_creating_a_token_creates_no_other(client, owner):
    client.force_login(owner)

    response = client.post(reverse("api-token:create"), follow=True)
    key = Token.objects.get(user=owner).key
    for _ in range(2):
        client.get(TOKEN_PAGE)

    assert response.redirect_chain == [(TOKEN_PAGE, 302)]
    assert f'value="{key}"' in response.content.decode()
    assert list(Token.objects.values_list("key", flat=True)) == [key]


def test_a_new_key_revoked_before_it_was_shown_is_not_shown(client, owner):
    client.force_login(owner)
    created = client.post(reverse("api-token:create"))
    key = Token.objects.get(user=owner).key
    Token.objects.all().delete()

    page = client.get(TOKEN_PAGE).content.decode()

    assert created.status_code == 302
    assert key not in page
    assert "You have no token." in page


def test_revoking_forgets_a_new_key_not_yet_shown(client, owner):
    client.force_login(owner)
    client.post(reverse("api-token:create"))
    key = Token.objects.get(user=owner).key
    client.post(reverse("api-token:revoke"))
    client.post(reverse("api-token:create"))

    page = client.get(TOKEN_PAGE).content.decode()

    assert key not in page
    assert f'value="{Token.objects.get(user=owner).key}"' in page


def test_replacing_is_said_to_stop_the_old_key(client, owner):
    Token.objects.create(user=owner)
    client.force_login(owner)

    page = client.get(TOKEN_PAGE).content.decode()

    assert (
        '<p id="replace-warning">Replacing the token makes a new key, and the old key stops '
        "working at once" in page
    )
    assert 'aria-describedby="replace-warning">Replace the token</button>' in page


def test_a_person_without_a_token_is_not_warned_about_replacing_it(client, owner):
    client.force_login(owner)

    assert "replace-warning" not in client.get(TOKEN_PAGE).content.decode()


def test_replacing_the_token_stops_the_old_one(client, owner, page):
    old = Token.objects.create(user=owner).key
    client.force_login(owner)

    shown = client.post(reverse("api-token:create"), follow=True).content.decode()

    assert "Any token you had before no longer works." in shown
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
def test_the_token_page_costs_the_same_whoever_else_has_tokens_and_pages(
    client, owner, others, django_assert_num_queries
):
    for user in PageManagerFactory.create_batch(others):
        Token.objects.create(user=user)
        MeasureFactory(objective__strategy__page_manager=user)
    MeasureFactory.create_batch(2, objective__strategy__page_manager=owner)
    Token.objects.create(user=owner)
    client.force_login(owner)

    # The session, its user, the person's token, and the first measure of theirs.
    with django_assert_num_queries(4):
        assert client.get(TOKEN_PAGE).status_code == 200


# --- The example -------------------------------------------------------------------------


def example_of(client, person) -> str:
    client.force_login(person)
    return client.get(TOKEN_PAGE).content.decode()


def test_the_example_posts_to_the_first_measure_of_a_page_the_person_manages(client, owner):
    MeasureFactory(objective__strategy__title="Zebra crossings", name="Late")
    other = StrategyFactory(page_manager=owner, title="Naloxone", slug="naloxone")
    first = StrategyFactory(page_manager=owner, title="Drug take-back", slug="take-back")
    MeasureFactory(objective__strategy=other, name="Kits given")
    MeasureFactory(objective__strategy=first, name="Pounds collected", order=2)
    MeasureFactory(objective__strategy=first, name="Events held", order=1)

    page = example_of(client, owner)

    assert "http://testserver/api/strategies/take-back/scorecard/values/" in page
    assert "&quot;measure&quot;: &quot;Events held&quot;" in page
    assert "stores a value of “Events held” on" in page
    assert 'href="/strategies/take-back/">Drug take-back</a>' in page


def test_a_measures_owner_is_shown_the_measure_they_own(client):
    analyst = PageManagerFactory(username="analyst")
    measure = MeasureFactory(owner=analyst, name="Arrests", objective__strategy__slug="arrests")

    page = example_of(client, analyst)

    assert f"/api/strategies/{measure.objective.strategy.slug}/scorecard/values/" in page
    assert "&quot;measure&quot;: &quot;Arrests&quot;" in page


def test_an_editor_with_no_page_of_their_own_is_shown_a_page_of_the_site(client, editor):
    MeasureFactory(objective__strategy__slug="anywhere", name="Calls")

    page = example_of(client, editor)

    assert "/api/strategies/anywhere/scorecard/values/" in page
    assert "&quot;measure&quot;: &quot;Calls&quot;" in page


def test_the_example_is_quoted_for_the_shell_and_json(client, owner):
    MeasureFactory(objective__strategy__page_manager=owner, name='People\'s "safe" rooms')

    page = example_of(client, owner)

    body = page.split(" -d ", 1)[1].split("</code>", 1)[0]
    words = shlex.split(html.unescape(body))
    assert json.loads(words[0])[0]["measure"] == 'People\'s "safe" rooms'


def test_the_example_posts_a_period_of_the_measures_own_frequency(client, owner):
    measure = MeasureFactory(
        objective__strategy__page_manager=owner, frequency=Frequency.MONTHLY, lag_days=30
    )
    due = measure.latest_due_period(timezone.localdate())

    page = html.unescape(example_of(client, owner))

    assert f'"period": "<period, e.g. {due.label}>"' in page
    assert len(due.label) == len("2026-10")


def example_post(page: str) -> tuple[str, list]:
    url = html.unescape(page.split("curl -X POST ", 1)[1].split(" ", 1)[0])
    body = shlex.split(html.unescape(page.split(" -d ", 1)[1].split("</code>", 1)[0]))[0]
    return url, json.loads(body)


def test_the_example_leaves_the_period_and_value_to_fill_in(client, owner):
    measure = MeasureFactory(objective__strategy__page_manager=owner, name="Overdose calls")
    DataPointFactory(measure=measure, period=measure.latest_due_period(timezone.localdate()).label)
    key = Token.objects.create(user=owner).key
    page = example_of(client, owner)
    url, body = example_post(page)
    client.logout()

    answer = client.post(
        url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )

    assert "gets the new one in its place" in page
    assert answer.status_code == 400, "sent as it stands, the example stores nothing"
    assert measure.data_points.count() == 1


def test_the_example_posts_once_its_period_and_value_are_filled_in(client, owner):
    MeasureFactory(objective__strategy__page_manager=owner, name="Overdose calls")
    key = Token.objects.create(user=owner).key
    url, body = example_post(example_of(client, owner))
    body[0]["period"] = body[0]["period"].removeprefix("<period, e.g. ").removesuffix(">")
    body[0]["value"] = 26
    client.logout()

    answer = client.post(
        url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )

    assert answer.status_code == 201, answer.json()
    assert answer.json()["values"][0]["measure"]["name"] == "Overdose calls"


def test_a_person_with_no_measure_is_told_so_and_shown_a_placeholder(client, owner):
    StrategyFactory(page_manager=owner)
    MeasureFactory()  # on a page of someone else's

    page = example_of(client, owner)

    assert "You have no measure to post values of yet" in page
    assert "/api/strategies/&lt;slug&gt;/scorecard/values/" in page
    assert "&quot;measure&quot;: &quot;&lt;measure name or id&gt;&quot;" in page
