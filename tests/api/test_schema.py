"""The OpenAPI description: valid, complete, and true of the real answers."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token

from api import schema, serializers, urls, views
from scorecards.models import Measure
from tests.scorecards.factories import MeasureFactory, write_raw
from tests.strategy.factories import EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(client) -> dict:
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    return response.json()


def test_schema_is_a_valid_openapi_3_1_document(spec):
    validate(spec)

    assert spec["openapi"] == "3.1.0"
    assert spec["servers"] == [{"url": "http://testserver"}]


def test_schema_documents_every_endpoint(spec):
    routes = {
        schema.openapi_path(pattern, "/api/")
        for pattern in urls.urlpatterns
        if pattern.name != "not-found"
    }

    assert set(spec["paths"]) == routes
    assert "/api/strategies/{slug}/scorecard/" in routes
    slug = spec["paths"]["/api/maps/{slug}/"]["get"]["parameters"][0]
    assert slug["name"] == "slug" and slug["in"] == "path"
    page = spec["paths"]["/api/maps/"]["get"]["parameters"][0]
    assert page["name"] == "page" and page["in"] == "query"


WRITE = "/api/strategies/{slug}/scorecard/values/"


def write_answers(client, site) -> list[tuple[str, str, str, dict]]:
    """The write's answers: stored, unchanged, refused, and each kind of error."""
    page = site.pages[0]
    measure = Measure.objects.filter(objective__strategy=page).first()
    editor = Token.objects.create(user=EditorFactory()).key
    reviewer = Token.objects.create(user=ReviewerFactory()).key
    good = [{"measure": measure.pk, "period": "2026-Q3", "value": 12.5, "note": "Late data"}]
    bad = [{"measure": measure.name, "period": "2026-Q5", "value": True}, "no object"]
    posts = [
        (page.slug, good, editor),
        (page.slug, good, editor),
        (page.slug, bad, editor),
        (page.slug, good, None),
        (page.slug, good, reviewer),
        ("no-such-thing", good, editor),
    ]
    found = []
    for slug, body, token in posts:
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
        url = WRITE.replace("{slug}", slug)
        response = client.post(url, body, content_type="application/json", **headers)
        found.append((WRITE, "post", str(response.status_code), response.json()))
    found.append((WRITE, "post", "405", client.get(url).json()))
    return found


def test_the_write_is_documented_with_its_token_and_body(spec):
    write = spec["paths"][WRITE]["post"]

    assert write["security"] == [{"tokenAuth": []}]
    assert spec["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    body = OAS31Validator(
        {
            **write["requestBody"]["content"]["application/json"]["schema"],
            "components": spec["components"],
        }
    )
    assert body.is_valid([{"measure": "Arrests", "period": "2026", "value": 3}])
    assert body.is_valid([{"measure": 7, "period": "2026-Q1", "value": 3.5, "note": None}])
    assert not body.is_valid({"measure": 7, "period": "2026", "value": 3})
    assert not body.is_valid([{"measure": 7, "period": "2026", "value": "3"}])
    assert not body.is_valid([{"measure": 7, "period": "2026", "value": 3, "unit": "%"}])
    assert not body.is_valid([{"measure": 7, "value": 3}])


def answers(client, site) -> list[tuple[str, str, str, dict]]:
    """(documented path, method, status code, body) for every endpoint, and every kind of
    error."""
    program = site.pages[0].program_links.first().program
    slugs = {
        "/api/maps/{slug}/": [site.top.slug, site.zoom.slug],
        "/api/strategies/{slug}/": [page.slug for page in site.pages],
        "/api/strategies/{slug}/scorecard/": [site.pages[0].slug],
        "/api/programs/{slug}/": [program.slug],
    }
    found = write_answers(client, site)
    for path in schema.openapi(None)["paths"]:
        if path == WRITE:
            continue
        if "{slug}" in path:
            urls_ = [path.replace("{slug}", slug) for slug in slugs[path]]
        elif path in ("/api/maps/", "/api/strategies/", "/api/programs/"):
            urls_ = [path, path + "?page=2"]
        else:
            urls_ = [path]
        for url in urls_:
            response = client.get(url)
            found.append((path, "get", str(response.status_code), response.json()))
        if "{slug}" in path:
            url = path.replace("{slug}", "no-such-thing")
            found.append((path, "get", "404", client.get(url).json()))
    return found


@pytest.fixture
def every_answer(client, site, monkeypatch):
    # Pages of one, so that every list has a next and a previous page to show.
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    # A measure whose target period was stored past the checks, so that it has a status reason.
    cannot_judge = MeasureFactory(objective=site.pages[0].objectives.first())
    write_raw(Measure, cannot_judge.pk, target_period="9999")
    return answers(client, site)


def response_schema(spec, path, method, status) -> dict:
    response = spec["paths"][path][method]["responses"][status]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def test_every_answer_matches_its_schema(spec, every_answer):
    assert {status for _, _, status, _ in every_answer} == {
        "200",
        "201",
        "400",
        "401",
        "403",
        "404",
        "405",
    }
    for path, method, status, body in every_answer:
        validator = OAS31Validator(
            {**response_schema(spec, path, method, status), "components": spec["components"]},
            format_checker=OAS31Validator.FORMAT_CHECKER,
        )
        validator.validate(body)


def seen_fields(schema_, instance, components, seen, owner=None):
    """Record (component, field) for every field that holds a value (not null, not [])."""
    if "$ref" in schema_:
        name = schema_["$ref"].rsplit("/", 1)[1]
        seen.add((name, None))
        return seen_fields(components[name], instance, components, seen, owner=name)
    if "anyOf" in schema_:
        if instance is None:
            return
        (value_schema,) = [s for s in schema_["anyOf"] if s != {"type": "null"}]
        return seen_fields(value_schema, instance, components, seen, owner)
    if schema_.get("type") == "array":
        for item in instance:
            seen_fields(schema_["items"], item, components, seen, owner)
    elif "properties" in schema_:
        for field, field_schema in schema_["properties"].items():
            value = instance[field]
            if value is not None and value != []:
                seen.add((owner, field))
            seen_fields(field_schema, value, components, seen, owner)


def test_every_documented_field_appears_with_a_value_in_real_answers(spec, every_answer):
    components = spec["components"]["schemas"]
    seen = set()
    for path, method, status, body in every_answer:
        seen_fields(response_schema(spec, path, method, status), body, components, seen)
    write = spec["paths"][WRITE]["post"]["requestBody"]["content"]["application/json"]
    posted = [{"measure": 1, "period": "2026-Q3", "value": 12.5, "note": "Late data"}]
    seen_fields(write["schema"], posted, components, seen)

    documented = {
        (name, field)
        for name, component in components.items()
        for field in [None, *component["properties"]]
    }
    assert documented - seen == set()
    assert set(components) == set(serializers.SHAPES)


def test_drf_spectacular_writes_a_valid_schema_without_warnings(tmp_path):
    """The generator's own check (the OpenAPI 3.1 JSON Schema) passes, and it guessed nothing:
    every field and parameter has a declared type."""
    target = tmp_path / "openapi.json"

    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(target),
    )

    document = json.loads(target.read_text())
    validate_schema(document)
    assert document["openapi"] == "3.1.0"
    assert {
        operation["operationId"]
        for methods in document["paths"].values()
        for operation in methods.values()
    } == {pattern.name for pattern in urls.urlpatterns if pattern.name != "not-found"}
