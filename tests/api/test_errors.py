"""Every address under /api/ answers JSON: unknown addresses, wrong methods, server errors."""

import pytest
from django.test import Client
from django.urls import reverse

from api import views

pytestmark = pytest.mark.django_db


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert list(body) == ["detail"]
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/programs/%0A/",  # a line break, which no slug and no plain `.` matches
        "/api/programs/%0A",
        "/api/nope",
        "/api/nope/",
        "/api/nope/deeper",
        "/api/maps/no-such-map/extra",
        "/api/%E2%9C%93/",
    ],
)
def test_an_address_no_route_matches_is_a_json_404(client, url):
    body = assert_json_error(client.get(url), 404)

    assert body == {"detail": "Not found: no such API endpoint."}


@pytest.mark.parametrize(
    "url", ["/api/nope", "/api/strategies/no-such-page/", "/api/programs/%0A/"]
)
def test_an_unknown_address_says_it_is_read_only_to_other_methods(client, url):
    body = assert_json_error(client.post(url), 405)

    assert body["detail"] == "Method POST not allowed; the API is read-only."


def test_an_endpoint_without_its_final_slash_redirects_to_it(client):
    response = client.get("/api/maps?page=2")

    assert response.status_code == 301
    assert response["Location"] == "/api/maps/?page=2"
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "*/*"])
def test_the_answer_is_json_whatever_the_client_accepts(client, accept):
    response = client.get(reverse("api:index"), HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_a_server_error_is_json(monkeypatch):
    def fail(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.Index, "get", fail)

    response = Client(raise_request_exception=False).get(reverse("api:index"))

    assert assert_json_error(response, 500) == {"detail": "Server error."}


def test_a_server_error_elsewhere_is_the_site_page(rf):
    response = views.server_error(rf.get("/"))

    assert response.status_code == 500
    assert b"<html" in response.content
