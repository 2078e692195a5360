"""Values posted to a page's scorecard with a token: checked as an upload, stored all or none."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle
from reversion.models import Revision

from api import writes
from scorecards.models import DataPoint
from strategy.models import Strategy
from tests.scorecards.factories import DataPointFactory, MeasureFactory
from tests.strategy.factories import PageManagerFactory, StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db

# A post's queries, whatever the number of values: the token with its user, the page, then
# the upload's (the locked page, its measures, its values, the two writes, and the page's
# revision: the page's parts, the content types, the versions and the kind), with savepoints.
WRITE_QUERIES = {"sqlite": 26, "postgresql": 26}


@pytest.fixture
def burglaries(page):
    measure = MeasureFactory(objective__strategy=page, name="Burglaries reported")
    DataPointFactory(measure=measure, period="2026-Q1", value=100, note="Police reports")
    return measure


@pytest.fixture
def arrests(burglaries):
    return MeasureFactory(objective=burglaries.objective, name="Arrests for dealing")


def values_url(page) -> str:
    return reverse("api:strategy-values", args=[page.slug])


def post(client, page, body, user=None, *, token=None, raw=None):
    headers = {}
    if user is not None:
        token = Token.objects.get_or_create(user=user)[0].key
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client.post(
        values_url(page),
        raw if raw is not None else json.dumps(body),
        content_type="application/json",
        **headers,
    )


def stored(measure) -> dict[str, tuple[Decimal, str]]:
    return {point.period: (point.value, point.note) for point in measure.data_points.all()}


# --- Storing ------------------------------------------------------------------------------


def test_the_page_manager_stores_values_by_id_and_by_name(client, page, owner, burglaries):
    response = post(
        client,
        page,
        [
            {"measure": burglaries.pk, "period": "2026-Q2", "value": 26, "note": "Late data"},
            {"measure": "burglaries REPORTED", "period": "2026q1", "value": 95.5},
        ],
        owner,
    )

    assert response.status_code == 201, response.json()
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "added": 1,
        "changed": 1,
        "unchanged": 0,
        "values": [
            {
                "index": 0,
                "measure": {"id": burglaries.pk, "name": "Burglaries reported"},
                "period": "2026-Q2",
                "value": 26.0,
                "note": "Late data",
                "result": "added",
                "previous_value": None,
            },
            {
                "index": 1,
                "measure": {"id": burglaries.pk, "name": "Burglaries reported"},
                "period": "2026-Q1",
                "value": 95.5,
                "note": "Police reports",
                "result": "changed",
                "previous_value": 100.0,
            },
        ],
    }
    assert stored(burglaries) == {
        "2026-Q1": (Decimal("95.50"), "Police reports"),
        "2026-Q2": (Decimal("26.00"), "Late data"),
    }


def test_a_post_is_one_revision_by_the_tokens_owner(client, page, owner, burglaries):
    post(client, page, [{"measure": burglaries.pk, "period": "2026-Q2", "value": 26}], owner)

    [revision] = Revision.objects.all()
    assert revision.user == owner
    assert revision.comment == "Values posted through the API (1 added, 0 changed)"
    assert {version.object for version in revision.version_set.all()} >= {page, burglaries}


def test_values_already_stored_as_given_change_nothing(client, page, owner, burglaries):
    response = post(
        client, page, [{"measure": burglaries.pk, "period": "2026-Q1", "value": 100}], owner
    )

    assert response.status_code == 200
    assert response.json()["values"][0]["result"] == "unchanged"
    assert not Revision.objects.exists()


def test_the_public_page_shows_a_posted_value_at_once(client, page, owner, burglaries):
    assert "26,123" not in client.get(page.get_absolute_url()).content.decode()  # now cached

    response = post(
        client, page, [{"measure": burglaries.pk, "period": "2026-Q2", "value": 26123}], owner
    )

    assert response.status_code == 201
    assert "26,123" in client.get(page.get_absolute_url()).content.decode()


def test_fractions_are_read_as_written(client, page, owner, burglaries):
    response = post(
        client,
        page,
        [
            {"measure": burglaries.pk, "period": "2026-Q2", "value": 0.1},
            {"measure": burglaries.pk, "period": "2026-Q3", "value": -1234567.89},
            {"measure": burglaries.pk, "period": "2026-Q4", "value": 1e3},
        ],
        owner,
    )

    assert response.status_code == 201, response.json()
    assert {period: value for period, (value, _) in stored(burglaries).items()} == {
        "2026-Q1": Decimal("100.00"),
        "2026-Q2": Decimal("0.10"),
        "2026-Q3": Decimal("-1234567.89"),
        "2026-Q4": Decimal("1000.00"),
    }


def test_an_editor_stores_values_on_any_page(client, page, editor, burglaries):
    response = post(
        client, page, [{"measure": burglaries.pk, "period": "2026-Q2", "value": 1}], editor
    )

    assert response.status_code == 201


def test_a_measures_owner_stores_its_values_and_no_others(client, page, burglaries, arrests):
    analyst = UserFactory(username="analyst")
    burglaries.owner = analyst
    burglaries.save()

    mine = post(
        client, page, [{"measure": burglaries.pk, "period": "2026-Q2", "value": 7}], analyst
    )
    theirs = post(
        client,
        page,
        [
            {"measure": burglaries.pk, "period": "2026-Q3", "value": 8},
            {"measure": "Arrests for dealing", "period": "2026-Q3", "value": 9},
        ],
        analyst,
    )

    assert mine.status_code == 201
    assert theirs.status_code == 403
    assert theirs.json() == {
        "detail": "You may store values only of the measures you own; not of “Arrests for dealing”."
    }
    assert set(stored(burglaries)) == {"2026-Q1", "2026-Q2"}
    assert not arrests.data_points.exists()
    assert Revision.objects.get().user == analyst


# --- Refusals: 400 ------------------------------------------------------------------------

BAD_BODIES = {
    "not a list": (
        {"measure": "Burglaries reported", "period": "2026-Q2", "value": 1},
        [(None, None, "The body must be a JSON list of values, not an object.")],
    ),
    "an empty list": ([], [(None, None, "No values were given.")]),
    "an item that is no object": (
        [["Burglaries reported", "2026-Q2", 1]],
        [(0, None, "Item 0: a value must be an object, not a list.")],
    ),
    "an item that is a number": (
        [26],
        [(0, None, "Item 0: a value must be an object, not the number 26.")],
    ),
    "a missing key": (
        [{"measure": "Burglaries reported", "value": 1}],
        [(0, "period", "Item 0, period: this field is required.")],
    ),
    "an unknown key": (
        [{"measure": "Burglaries reported", "period": "2026-Q2", "value": 1, "unit": "x"}],
        [(0, "unit", "Item 0, unit: is not a field of a value (measure, period, value, note).")],
    ),
    "a boolean value": (
        [{"measure": "Burglaries reported", "period": "2026-Q2", "value": True}],
        [(0, "value", "Item 0, value: must be a number, not true.")],
    ),
    "a text value": (
        [{"measure": "Burglaries reported", "period": "2026-Q2", "value": "26"}],
        [(0, "value", 'Item 0, value: must be a number, not the text "26".')],
    ),
    "a null value": (
        [{"measure": "Burglaries reported", "period": "2026-Q2", "value": None}],
        [(0, "value", "Item 0, value: this field may not be null.")],
    ),
    "three decimals": (
        [{"measure": "Burglaries reported", "period": "2026-Q2", "value": 1.234}],
        [(0, "value", "Item 0, value: the value “1.234” has more than two decimal places.")],
    ),
    "a huge value": (
        [{"measure": "Burglaries reported", "period": "2026-Q2", "value": 1e20}],
        [
            (
                0,
                "value",
                "Item 0, value: the value “100000000000000000000” is too large: values are "
                "under 1,000,000,000,000 in size.",
            )
        ],
    ),
    "a bad period": (
        [{"measure": "Burglaries reported", "period": "the second quarter", "value": 1}],
        [
            (
                0,
                "period",
                "Item 0, period: the period “the second quarter” cannot be read; write it as "
                "YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD.",
            )
        ],
    ),
    "a period in 9999": (
        [{"measure": "Burglaries reported", "period": "9999", "value": 1}],
        [(0, "period", "Item 0, period: the period “9999” is outside 1900–")],
    ),
    "an unknown measure": (
        [{"measure": "Overdose deaths", "period": "2026-Q2", "value": 1}],
        [(0, "measure", "Item 0, measure: this page has no measure named “Overdose deaths”.")],
    ),
    "an unknown measure id": (
        [{"measure": 0, "period": "2026-Q2", "value": 1}],
        [(0, "measure", "Item 0, measure: this page has no measure with the id 0.")],
    ),
    "a boolean measure": (
        [{"measure": True, "period": "2026-Q2", "value": 1}],
        [(0, "measure", "Item 0, measure: must be the measure's id (a number) or its name.")],
    ),
    "a measure and period twice": (
        [
            {"measure": "Burglaries reported", "period": "2026-Q2", "value": 1},
            {"measure": "burglaries reported", "period": "2026q2", "value": 2},
        ],
        [
            (
                1,
                "period",
                "Item 1, period: “Burglaries reported” for 2026-Q2 is already given in item 0.",
            )
        ],
    ),
    "a long note": (
        [{"measure": "Burglaries reported", "period": "2026-Q2", "value": 1, "note": "x" * 301}],
        [(0, "note", "Item 0, note: the note is longer than 300 characters.")],
    ),
}


@pytest.mark.parametrize("case", BAD_BODIES)
def test_a_bad_body_is_refused_with_every_problem_and_stores_nothing(
    client, page, owner, burglaries, case
):
    body, expected = BAD_BODIES[case]

    response = post(client, page, body, owner)

    assert response.status_code == 400
    answer = response.json()
    assert answer["detail"].endswith("; nothing was written.")
    found = [(error["index"], error["field"], error["message"]) for error in answer["errors"]]
    assert [(index, field) for index, field, _ in found] == [(i, f) for i, f, _ in expected]
    for (_, _, message), (_, _, start) in zip(found, expected, strict=True):
        assert message.startswith(start), message
    assert stored(burglaries) == {"2026-Q1": (Decimal("100.00"), "Police reports")}
    assert not Revision.objects.exists()


def test_a_value_of_another_length_than_the_measures_frequency_is_refused_and_nothing_stored(
    client, page, owner, burglaries
):
    response = post(
        client,
        page,
        [
            {"measure": "Burglaries reported", "period": "2026-Q2", "value": 4},
            {"measure": "Burglaries reported", "period": "2026", "value": 5},
        ],
        owner,
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "index": 1,
            "field": "period",
            "message": "Item 1, period: “2026” is a year, but “Burglaries reported” is reported "
            "quarterly: write a quarter, such as 2026-Q1, or change its reporting frequency "
            "in the admin.",
        }
    ]
    assert stored(burglaries) == {"2026-Q1": (Decimal("100.00"), "Police reports")}
    assert not Revision.objects.exists()


def test_every_problem_of_every_item_is_listed_in_order(client, page, owner, burglaries):
    response = post(
        client,
        page,
        [
            {"measure": "Burglaries reported", "period": "13th month", "value": 1.001},
            {"measure": "Overdose deaths", "period": "2026-Q2", "value": "one"},
            {"period": "2026-Q2", "value": 1},
            {"measure": "Burglaries reported", "period": "2026-Q2", "value": 1},
            {"measure": "Overdose deaths", "period": "2026-Q2", "value": 1},
        ],
        owner,
    )

    assert response.status_code == 400
    answer = response.json()
    assert answer["detail"] == "The values have 6 problems; nothing was written."
    assert [(error["index"], error["field"]) for error in answer["errors"]] == [
        (0, "period"),
        (0, "value"),
        (1, "measure"),
        (1, "value"),
        (2, "measure"),
        (4, "measure"),
    ]
    assert not DataPoint.objects.exclude(period="2026-Q1").exists()


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_refusal() -> tuple[list, dict]:
    """The README's example of a refused post: the body posted, and the answer it shows."""
    text = README.read_text()
    section = text[text.index("#### Posting values") : text.index("### Embedding a scorecard")]
    body = re.search(r"Posting `(\[.*?\])`", section).group(1)
    answer = section[section.index("```json\n") + 8 :]
    return json.loads(body), json.loads(answer[: answer.index("```")])


def test_a_field_of_the_wrong_kind_hides_no_other_fields_problems(client, page, owner, burglaries):
    body, readme_answer = readme_refusal()

    response = post(client, page, body, owner)

    assert body == [{"measure": "Overdose deaths", "period": "2026-Q5", "value": "26"}]
    assert response.status_code == 400
    assert response.json() == readme_answer
    assert [(error["index"], error["field"]) for error in readme_answer["errors"]] == [
        (0, "measure"),
        (0, "period"),
        (0, "value"),
    ]
    assert not Revision.objects.exists()


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            {"measure": True, "period": "2026-Q5", "value": 1.234},
            [
                ("measure", "must be the measure's id"),
                ("period", "the period “2026-Q5”"),
                ("value", "the value “1.234” has more than two decimal places"),
            ],
        ),
        (
            {"measure": "Overdose deaths", "period": ["2026"], "value": 1, "unit": "x"},
            [
                ("measure", "this page has no measure named"),
                ("period", "not a valid string"),
                ("unit", "is not a field of a value"),
            ],
        ),
        (
            {"value": None, "note": "x" * 301, "unit": "x"},
            [
                ("measure", "this field is required"),
                ("period", "this field is required"),
                ("value", "this field may not be null"),
                ("note", "the note is longer than 300"),
                ("unit", "is not a field of a value"),
            ],
        ),
    ],
)
def test_each_field_of_a_value_is_checked_whatever_the_others_hold(
    client, page, owner, burglaries, item, expected
):
    response = post(client, page, [item], owner)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [field for field, _ in expected]
    for error, (field, start) in zip(errors, expected, strict=True):
        assert error["message"].startswith(f"Item 0, {field}: {start}"), error["message"]


def test_a_value_of_the_wrong_kind_still_counts_its_measure_and_period_as_given(
    client, page, owner, burglaries
):
    response = post(
        client,
        page,
        [
            {"measure": "Burglaries reported", "period": "2026-Q2", "value": "1"},
            {"measure": "Burglaries reported", "period": "2026-Q2", "value": 2},
        ],
        owner,
    )

    assert [(error["index"], error["field"]) for error in response.json()["errors"]] == [
        (0, "value"),
        (1, "period"),
    ]


def test_more_than_a_thousand_values_are_refused_before_reading_them(
    client, page, owner, burglaries
):
    body = [{"measure": burglaries.pk, "period": "2026-Q2", "value": True}] * 1001

    response = post(client, page, body, owner)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "index": None,
            "field": None,
            "message": "The list holds 1,001 values; post at most 1,000 at a time.",
        }
    ]


def test_a_body_that_is_not_json_is_refused(client, page, owner, burglaries):
    response = post(client, page, None, owner, raw="[{measure: 1}")

    assert response.status_code == 400
    answer = response.json()
    assert answer["detail"] == "The body is not JSON; nothing was written."
    [error] = answer["errors"]
    assert error["index"] is None and error["message"].startswith("JSON parse error")


def test_a_body_that_is_not_labelled_json_is_refused(client, page, owner, burglaries):
    token = Token.objects.create(user=owner)
    response = client.post(
        values_url(page),
        "measure,period,value\n",
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    assert response.status_code == 415


# --- Refusals: who --------------------------------------------------------------------------

VALUE = [{"measure": "Burglaries reported", "period": "2026-Q2", "value": 1}]


def test_without_a_token_the_answer_is_401(client, page, owner, burglaries):
    client.force_login(owner)  # a session is not enough

    response = post(client, page, VALUE)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not DataPoint.objects.filter(period="2026-Q2").exists()


def test_a_bad_token_is_401(client, page, burglaries):
    response = post(client, page, VALUE, token="0" * 40)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_the_token_of_a_deactivated_account_is_401(client, page, owner, burglaries):
    token = Token.objects.create(user=owner)
    owner.is_active = False
    owner.save()

    assert post(client, page, VALUE, token=token.key).status_code == 401


@pytest.mark.parametrize("who", ["reviewer", "outsider"])
def test_a_reviewer_or_another_pages_manager_is_403(client, page, burglaries, who, request):
    person = request.getfixturevalue(who)

    response = post(client, page, VALUE, person)

    assert response.status_code == 403
    assert response.json() == {"detail": f"You may not store values on: {page.title}."}
    assert not DataPoint.objects.filter(period="2026-Q2").exists()


def test_a_person_not_allowed_is_403_before_the_body_is_read(client, page, reviewer, burglaries):
    assert post(client, page, {"not": "a list"}, reviewer).status_code == 403


def test_an_unknown_page_is_404(client, owner):
    response = post(client, Strategy(slug="no-such-page"), VALUE, owner)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_draft_is_404_to_a_measure_owner_who_cannot_read_it(client, burglaries):
    draft = StrategyFactory(status=Strategy.Status.DRAFT, page_manager=PageManagerFactory())
    analyst = UserFactory()
    measure = MeasureFactory(objective__strategy=draft, owner=analyst)

    response = post(
        client, draft, [{"measure": measure.pk, "period": "2026-Q2", "value": 1}], analyst
    )

    assert response.status_code == 404


def test_a_draft_takes_values_from_its_manager(client, owner):
    draft = StrategyFactory(status=Strategy.Status.DRAFT, page_manager=owner)
    measure = MeasureFactory(objective__strategy=draft)

    response = post(
        client, draft, [{"measure": measure.pk, "period": "2026-Q2", "value": 1}], owner
    )

    assert response.status_code == 201


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_values_are_stored_with_post_only(client, page, owner, method):
    token = Token.objects.create(user=owner)

    response = getattr(client, method)(values_url(page), HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["detail"] == (
        f"Method {method.upper()} not allowed; values are stored with POST."
    )


# --- Throttling ---------------------------------------------------------------------------


def test_writes_past_the_rate_are_429(client, page, owner, editor, burglaries, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, writes.THROTTLE_SCOPE, "2/min")
    body = [{"measure": burglaries.pk, "period": "2026-Q2", "value": 1}]

    answers = [post(client, page, body, owner).status_code for _ in range(3)]
    others = post(client, page, body, editor).status_code

    assert answers == [201, 200, 429]
    assert others == 200  # counted per person


# --- Reads stay as they were ----------------------------------------------------------------


def test_reading_the_scorecard_needs_no_token_and_ignores_one(client, page, owner, burglaries):
    url = reverse("api:strategy-scorecard", args=[page.slug])

    assert client.get(url).status_code == 200
    assert client.get(url, HTTP_AUTHORIZATION="Token not-a-token").status_code == 200


def test_a_token_needs_no_csrf_token(page, owner, burglaries):
    client = Client(enforce_csrf_checks=True)

    response = post(client, page, VALUE, owner)

    assert response.status_code == 201


@pytest.mark.parametrize("size", [1, 40])
def test_a_post_costs_the_same_queries_at_any_size(client, page, owner, size, burglaries):
    measures = [burglaries] + [
        MeasureFactory(objective=burglaries.objective) for _ in range(size - 1)
    ]
    for measure in measures:
        DataPointFactory(measure=measure, period="2025-Q4")
    body = [
        {"measure": measure.pk, "period": period, "value": 5}
        for measure in measures
        for period in ("2025-Q4", "2026-Q3")
    ]
    key = Token.objects.create(user=owner).key
    ContentType.objects.clear_cache()  # the revision looks its models' types up once

    with CaptureQueriesContext(connection) as queries:
        response = post(client, page, body, token=key)

    assert response.status_code == 201
    assert response.json()["changed"] == size
    assert len(queries) == WRITE_QUERIES[connection.vendor]
