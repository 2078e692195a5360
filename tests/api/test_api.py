"""The read-only JSON API: what each endpoint answers, to whom, and at what cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import Program
from strategy.models import Strategy
from tests.api.conftest import build_site
from tests.strategy.factories import EditorFactory

pytestmark = pytest.mark.django_db


def get(client, url, status=200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def api(name, *args) -> str:
    return reverse(f"api:{name}", args=args)


def relative(url: str) -> str:
    assert url.startswith("http://testserver/"), url
    return url.removeprefix("http://testserver")


def all_results(client, name) -> list[dict]:
    return get(client, api(name))["results"]


def test_index_links_to_the_lists_and_the_schema(client):
    index = get(client, api("index"))

    assert index == {
        "maps": "http://testserver/api/maps/",
        "strategies": "http://testserver/api/strategies/",
        "programs": "http://testserver/api/programs/",
        "schema": "http://testserver/api/schema/",
    }


# --- Published content only -----------------------------------------------------------


def test_strategy_list_holds_published_pages_only(client, site):
    titles = {item["title"] for item in all_results(client, "strategy-list")}

    assert {page.title for page in site.pages} <= titles
    assert site.draft.title not in titles
    assert site.archived.title not in titles
    assert {item["status"] for item in all_results(client, "strategy-list")} == {
        "published",
        "under_construction",
    }


@pytest.mark.parametrize("which", ["draft", "archived"])
@pytest.mark.parametrize("endpoint", ["strategy-detail", "strategy-scorecard"])
def test_hidden_pages_answer_404_even_to_editors(client, site, which, endpoint):
    hidden = getattr(site, which)
    client.force_login(EditorFactory())

    assert get(client, api(endpoint, hidden.slug), status=404) == {"detail": "Not found."}


def test_map_shows_neither_hidden_pages_nor_links_to_them(client, site):
    data = get(client, api("map-detail", site.top.slug))

    titles = {s["title"] for band in data["bands"] for s in band["strategies"]}
    assert titles == {page.title for page in site.pages}
    linked = {(link["cause"]["slug"], link["effect"]["slug"]) for link in data["links"]}
    assert linked == {(a.slug, b.slug) for a, b in zip(site.pages, site.pages[1:], strict=False)}


def test_zoom_map_of_a_hidden_page_does_not_name_it(client, site):
    site.pages[0].status = Strategy.Status.DRAFT
    site.pages[0].save()

    zoom = get(client, api("map-detail", site.zoom.slug))

    assert zoom["zooms_into"] is None
    assert site.pages[0].title not in str(zoom)


def test_program_lists_only_the_published_pages_that_use_it(client, site):
    program = site.pages[0].program_links.first().program

    data = get(client, api("program-detail", program.slug))

    assert [s["slug"] for s in data["strategies"]] == [site.pages[0].slug]


# --- Shapes -----------------------------------------------------------------------------


def test_map_detail_has_bands_strategies_zoom_maps_and_links(client, site):
    data = get(client, api("map-detail", site.top.slug))

    assert data["slug"] == site.top.slug
    assert data["parent"] is None and data["zooms_into"] is None
    assert data["html_url"] == "http://testserver/"
    band = data["bands"][0]
    assert band["title"] == "Community Results"
    first = band["strategies"][0]
    assert first["slug"] == site.pages[0].slug
    assert first["zoom_map"]["slug"] == site.zoom.slug
    assert relative(first["api_url"]) == api("strategy-detail", site.pages[0].slug)
    assert relative(first["html_url"]) == site.pages[0].get_absolute_url()
    assert data["links"][0]["note"] == "Leads to"

    zoom = get(client, relative(first["zoom_map"]["api_url"]))
    assert zoom["parent"]["slug"] == site.top.slug
    assert zoom["zooms_into"]["slug"] == site.pages[0].slug


def test_strategy_detail_has_every_section(client, site):
    page = site.pages[0]
    data = get(client, api("strategy-detail", page.slug))

    assert data["title"] == page.title
    assert data["status"] == "published" and data["status_label"] == "Published"
    assert data["intro"] == page.intro
    assert [m["slug"] for m in data["breadcrumb"]] == [site.top.slug]
    assert data["zoom_map"]["slug"] == site.zoom.slug
    assert data["page_manager"] == page.page_manager.get_full_name()

    program = data["programs"][0]
    assert program["note"] == "Fits the *local* market."
    assert program["ratings"][0]["rating"] == "promising"
    assert program["ratings"][0]["rated_on"] == "2024-05-01"
    outcome = program["implementations"][0]["outcomes"][0]
    assert outcome["change_percent"] == -53.0 and outcome["change_display"] == "-53 %"
    assert outcome["footnote"] == 1
    assert data["references"][0]["number"] == 1
    assert data["references"][0]["resource"]["id"] == outcome["source"]["id"]
    assert data["references"][0]["citation"].startswith("National Network for Safe Communities")

    assert len(data["tools"]) == 2 and data["tools"][0]["note"] == "Start here."
    assert len(data["resources_to_investigate"]) == 2

    objective = data["objectives"][0]
    measure = objective["measures"][0]
    # 70 against a target of 60 for 2030, lower being better: ahead of the straight path
    # from 120 at the end of 2013, at 75.9 by the end of 2026-Q2. Stale once 2026-Q2 is
    # 13 months old.
    assert (measure["status"], measure["status_label"]) in {
        ("on_track", "On track"),
        ("stale", "Stale"),
    }
    assert 75.8 < measure["expected_at_latest"] < 76
    assert measure["trend"] == "improving"
    assert measure["latest"] == {"period": "2026-Q2", "period_start": "2026-04-01", "value": 70.0}
    assert [p["period"] for p in measure["data_points"]] == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert measure["baseline_value"] == 120.0 and measure["target_value"] == 60.0
    assert measure["data_source"]["publisher"] == "City Police Department"
    action = objective["actions"][0]
    assert action["status"] == "in_progress" and action["overdue"] is True
    assert action["lead"]["sector"] == "local_law_enforcement"
    assert len(action["partners"]) == 2
    assert action["due_date"] == "2025-12-31"

    assert len(data["experts"]) == 2 and data["experts"][0]["area"]
    assert data["reviews"][0]["date"] == "2026-03-04"
    assert data["last_reviewed"] == "2026-01-05"
    assert data["review_due"] == "2027-01-05"
    assert relative(data["embed_url"]) == f"/embed/strategies/{page.slug}/scorecard/"


def test_scorecard_has_measures_with_every_data_point_and_actions(client, site):
    page = site.pages[1]
    data = get(client, api("strategy-scorecard", page.slug))

    assert data["strategy"]["slug"] == page.slug
    assert len(data["objectives"]) == 2
    assert all(len(o["measures"][0]["data_points"]) == 3 for o in data["objectives"])
    assert all(o["actions"] for o in data["objectives"])
    assert relative(data["scorecard_csv_url"]) == f"/strategies/{page.slug}/scorecard.csv"


def test_program_detail_has_ratings_implementations_and_outcomes(client, site):
    program = site.pages[0].program_links.first().program

    data = get(client, api("program-detail", program.slug))

    assert data["name"] == program.name
    assert data["origin"] == "High Point, NC, 2004"
    assert data["ratings"][0]["source"] == "CrimeSolutions"
    assert data["implementations"][0]["outcomes"][0]["footnote"] is None
    assert relative(data["html_url"]) == program.get_absolute_url()


def test_list_items_link_to_their_details(client, site):
    for name in ("map-list", "strategy-list", "program-list"):
        for item in all_results(client, name):
            detail = get(client, relative(item["api_url"]))
            assert detail["id"] == item["id"], name
            assert client.get(relative(item["html_url"])).status_code == 200


# --- Pagination and errors --------------------------------------------------------------


def test_lists_come_in_pages_of_fifty(client, many_programs):
    first = get(client, api("program-list"))

    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/programs/?page=2"

    second = get(client, relative(first["next"]))
    assert [p["name"] for p in second["results"]] == [Program.objects.order_by("name").last().name]
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/programs/?page=1"


def test_an_empty_list_is_one_empty_page(client):
    assert get(client, api("strategy-list")) == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


@pytest.mark.parametrize("page", ["0", "-1", "3", "two", "1.5", ""])
def test_a_bad_page_number_is_a_json_404(client, many_programs, page):
    data = get(client, api("program-list") + f"?page={page}", status=404)

    assert data["detail"].startswith("Invalid page")


@pytest.mark.parametrize(
    "url",
    [
        "/api/strategies/no-such-page/",
        "/api/strategies/no-such-page/scorecard/",
        "/api/maps/no-such-map/",
        "/api/programs/no-such-program/",
        "/api/no-such-endpoint/",
        "/api/strategies/a/b/c/",
    ],
)
def test_unknown_objects_and_paths_are_json_404s(client, url):
    assert list(get(client, url, status=404)) == ["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_the_api_is_read_only(client, site, method):
    response = getattr(client, method)(api("strategy-detail", site.pages[0].slug))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["detail"].startswith(f"Method {method.upper()} not allowed")


def test_head_answers_like_get_without_a_body(client, site):
    response = client.head(api("strategy-list"))

    assert response.status_code == 200
    assert response.content == b""


def test_any_site_may_read_the_api(client, site):
    for url in (api("strategy-list"), api("strategy-detail", "no-such-page")):
        assert client.get(url)["Access-Control-Allow-Origin"] == "*"


# --- Queries ----------------------------------------------------------------------------

# Each endpoint's queries, whatever the amount of content (docs/architecture.md).
QUERY_BUDGETS = {
    "index": 0,
    "schema": 0,
    "map-list": 2,
    "map-detail": 4,
    "strategy-list": 2,
    "strategy-detail": 12,
    "strategy-scorecard": 5,
    "program-list": 3,
    "program-detail": 5,
}


def queries_per_endpoint(client, site) -> dict[str, int]:
    program = site.pages[0].program_links.first().program
    args = {
        "map-detail": [site.top.slug],
        "strategy-detail": [site.pages[0].slug],
        "strategy-scorecard": [site.pages[0].slug],
        "program-detail": [program.slug],
    }
    counts = {}
    for name in QUERY_BUDGETS:
        with CaptureQueriesContext(connection) as queries:
            get(client, api(name, *args.get(name, [])))
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize("size", [1, 4])
def test_queries_do_not_grow_with_the_content(client, size):
    assert queries_per_endpoint(client, build_site(size)) == QUERY_BUDGETS
