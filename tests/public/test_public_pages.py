"""The public pages: what they show, what they hide, and the queries they cost."""

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strategy.models import Strategy, StrategyMap
from tests.programs.factories import EvidenceRatingFactory, OutcomeFactory, ResourceFactory
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory
from tests.scorecards.factories import ActionFactory, DataPointFactory, PartnerFactory
from tests.strategy.factories import (
    BandFactory,
    StrategyFactory,
    StrategyLinkFactory,
    StrategyMapFactory,
    StrategyProgramFactory,
    StrategyResourceFactory,
    TopLevelMapFactory,
)

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def fill_page(page, size):
    """Give a page ``size`` of everything it can hold."""
    for _ in range(size):
        program_link = StrategyProgramFactory(strategy=page)
        outcome = OutcomeFactory(
            implementation__program=program_link.program, source=ResourceFactory()
        )
        EvidenceRatingFactory(program=outcome.implementation.program)
        StrategyResourceFactory(strategy=page)
        point = DataPointFactory(measure__objective__strategy=page)
        action = ActionFactory(objective=point.measure.objective)
        action.partners.add(PartnerFactory(), PartnerFactory())
        ExpertAssignmentFactory(strategy=page)
        ReviewFactory(strategy=page)


def test_home_shows_the_top_level_map_bands_and_public_strategies(client):
    band = BandFactory(map=TopLevelMapFactory(), title="Community Results")
    StrategyFactory(band=band, title="Reduce Overdose Deaths")
    StrategyFactory(band=band, title="Secret draft", status=Strategy.Status.DRAFT)

    html = client.get(reverse("strategy:home")).content.decode()

    assert "Community Results" in html
    assert "Reduce Overdose Deaths" in html
    assert "No data" in html, "the performance is shown in words"
    assert "Secret draft" not in html


def test_home_without_any_map_says_how_to_start(client):
    response = client.get(reverse("strategy:home"))
    assert response.status_code == 200
    assert "No strategy map yet" in response.content.decode()


def test_strategy_with_a_zoom_map_links_to_it(client):
    top_band = BandFactory(map=TopLevelMapFactory())
    objective = StrategyFactory(band=top_band, title="Reduce Access")
    zoom_band = BandFactory(map__parent=top_band.map, map__zooms_into=objective)

    html = client.get(reverse("strategy:home")).content.decode()

    assert zoom_band.map.get_absolute_url() in html


def test_draft_page_is_hidden_from_the_public_but_previewed_by_its_manager(client, owner):
    draft = StrategyFactory(page_manager=owner, status=Strategy.Status.DRAFT)
    url = draft.get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 200


def test_strategy_page_shows_its_sections_in_the_wiki_order(client, page):
    fill_page(page, 1)

    html = client.get(page.get_absolute_url()).content.decode()

    sections = [
        "Promising Programs",
        "Tools &amp; Resources",
        "Scorecard Building",
        "Resources to Investigate",
        "Page manager and subject-matter experts",
        "Reviews",
        "References",
    ]
    positions = [html.index(f">{section}</h2>") for section in sections]
    assert positions == sorted(positions)
    assert "Burglaries -53 % since 2013" in html
    assert 'href="#ref-1"' in html


def test_empty_strategy_page_says_what_has_not_started(client):
    page = StrategyFactory(page_manager=None, intro="")
    html = client.get(page.get_absolute_url()).content.decode()
    assert "No promising programs listed yet." in html
    assert "The scorecard has not been started yet" in html
    assert "not assigned yet" in html
    assert "Not yet reviewed." in html


def test_strategy_page_breadcrumb_follows_the_map_tree(client):
    top_band = BandFactory(map=TopLevelMapFactory())
    objective = StrategyFactory(band=top_band, title="Reduce Access to Opioids")
    zoom_band = BandFactory(map__parent=top_band.map, map__zooms_into=objective)
    page = StrategyFactory(band=zoom_band)

    html = client.get(page.get_absolute_url()).content.decode()

    assert f"Zoom map ({zoom_band.map.title})" in html
    assert html.index(top_band.map.title) < html.index(f"Zoom map ({zoom_band.map.title})")


def test_markdown_in_the_introduction_is_rendered_and_sanitised(client):
    page = StrategyFactory(intro="**Bold** <script>alert(1)</script> [x](javascript:alert(1))")
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html


def test_strategy_page_costs_thirteen_queries_with_one_or_thirty_of_everything(
    client, page, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    fill_page(page, 1)
    small = queries_for(client, page.get_absolute_url())
    small_shared = queries_for(client, page.get_absolute_url())
    fill_page(page, 29)
    large = queries_for(client, page.get_absolute_url())
    large_shared = queries_for(client, page.get_absolute_url())
    # The page's row, then its content; once its shared parts are cached, the row alone.
    assert small == large == 13
    assert small_shared == large_shared == 1


def test_map_query_count_does_not_grow_with_strategies(client):
    band = BandFactory(map=TopLevelMapFactory())
    StrategyFactory(band=band)
    small = queries_for(client, reverse("strategy:home"))
    for _ in range(10):
        StrategyFactory(band=BandFactory(map=band.map))
    large = queries_for(client, reverse("strategy:home"))
    # The map, its bands, their strategies, the links, the partners, the measures left to
    # judge (scorecards.judged) and the roll-up.
    assert small == large == 7


def test_program_pages_query_counts_do_not_grow(client):
    link = StrategyProgramFactory()
    program = link.program
    OutcomeFactory(implementation__program=program)
    list_small = queries_for(client, reverse("programs:list"))
    detail_small = queries_for(client, program.get_absolute_url())
    for _ in range(5):
        StrategyProgramFactory(program=program)
        OutcomeFactory(implementation__program=program)
        EvidenceRatingFactory(program=program)
        StrategyProgramFactory()
    assert queries_for(client, reverse("programs:list")) == list_small == 5
    assert queries_for(client, program.get_absolute_url()) == detail_small == 5


def test_program_page_lists_only_public_strategy_pages(client):
    link = StrategyProgramFactory(strategy__title="Public page")
    StrategyProgramFactory(
        program=link.program, strategy__title="Draft page", strategy__status="draft"
    )
    html = client.get(link.program.get_absolute_url()).content.decode()
    assert "Public page" in html
    assert "Draft page" not in html


def test_healthz_reports_the_database(client):
    response = client.get(reverse("strategy:healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok"}


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import DatabaseError

    def refuse(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("strategy:healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable"}


def test_unknown_page_gets_the_sites_404(client):
    response = client.get("/strategies/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    "make",
    [
        lambda: BandFactory(map=TopLevelMapFactory()),
        lambda: StrategyProgramFactory(),
        lambda: StrategyResourceFactory(),
        lambda: EvidenceRatingFactory(),
        lambda: OutcomeFactory(),
        lambda: DataPointFactory(),
        lambda: ActionFactory(),
        lambda: ExpertAssignmentFactory(),
        lambda: ReviewFactory(),
    ],
    ids=[
        "band",
        "program-link",
        "resource-link",
        "rating",
        "outcome",
        "data-point",
        "action",
        "expert",
        "review",
    ],
)
def test_every_part_of_a_page_links_to_where_it_is_shown(client, make):
    obj = make()
    url = obj.get_absolute_url()
    assert client.get(url.split("#")[0]).status_code == 200


def test_map_draws_cause_and_effect_arrows_and_describes_them(client):
    top = TopLevelMapFactory()
    results = BandFactory(map=top, title="Community Results", order=0)
    supply = BandFactory(map=top, title="Reduce Supply", order=1)
    deaths = StrategyFactory(band=results, title="Fewer Deaths")
    access = StrategyFactory(band=supply, title="Less Access")
    StrategyLinkFactory(cause=access, effect=deaths)

    html = client.get(reverse("strategy:home")).content.decode()

    assert html.count('class="map-arrowhead"') == 1
    assert "Less Access leads to Fewer Deaths" in html


def test_map_diagram_lists_strategies_in_reading_order(client):
    top = TopLevelMapFactory()
    first_band = BandFactory(map=top, order=0)
    second_band = BandFactory(map=top, order=1)
    titles = ["Alpha", "Bravo", "Charlie"]
    StrategyFactory(band=first_band, title="Alpha", position=0)
    StrategyFactory(band=first_band, title="Bravo", position=1)
    StrategyFactory(band=second_band, title="Charlie", position=0)

    html = client.get(reverse("strategy:home")).content.decode()
    diagram = html[html.index("<svg") : html.index("</svg>")]

    assert [diagram.index(f">{title}</tspan>") for title in titles] == sorted(
        diagram.index(f">{title}</tspan>") for title in titles
    )


def test_map_with_200_strategies_costs_at_most_seven_queries(client):
    top = TopLevelMapFactory()
    bands = [BandFactory(map=top, order=i) for i in range(4)]
    strategies = [StrategyFactory(band=bands[i % 4]) for i in range(200)]
    for cause, effect in zip(strategies[:50], strategies[50:100], strict=True):
        StrategyLinkFactory(cause=cause, effect=effect)

    assert queries_for(client, reverse("strategy:home")) <= 7


def test_staff_see_drafts_with_a_not_public_banner(client, outsider):
    draft = StrategyFactory(status=Strategy.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(outsider)
    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Draft — not public." in response.content.decode()


def test_public_page_has_no_banner(client, page):
    assert "not public" not in client.get(page.get_absolute_url()).content.decode()


def test_every_public_page_has_exactly_one_h1_and_the_landmarks(client, page):
    StrategyProgramFactory(strategy=page)
    urls = [
        reverse("strategy:home"),
        page.map.get_absolute_url(),
        page.get_absolute_url(),
        reverse("strategy:strategy-history", args=[page.slug]),
        reverse("scorecards:scorecard", args=[page.slug]),
        reverse("programs:list"),
        page.program_links.get().program.get_absolute_url(),
        reverse("scorecards:partner-list"),
        reverse("strategy:search") + "?q=strategy",
        reverse("login"),
        "/no-such-page/",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1, url
        for landmark in (
            "<header",
            "<main",
            "<footer",
            'class="visually-hidden-focusable skip-link"',
        ):
            assert landmark in html, (url, landmark)


def test_server_error_page_is_the_sites_own_without_details(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(StrategyMap.objects, "top_level", broken)
    client.raise_request_exception = False

    response = client.get(reverse("strategy:home"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "database exploded" not in html


def test_public_pages_never_read_the_search_documents(client):
    page = StrategyFactory()
    fill_page(page, 2)
    StrategyLinkFactory(cause=page, effect=StrategyFactory(map=page.map))
    program = page.program_links.first().program
    partner = page.objectives.first().actions.first().lead
    urls = [
        reverse("strategy:home"),
        page.map.get_absolute_url(),
        page.get_absolute_url(),
        reverse("scorecards:scorecard", args=[page.slug]),
        reverse("scorecards:all-csv"),
        reverse("programs:list"),
        program.get_absolute_url(),
        reverse("scorecards:partner-detail", args=[partner.slug]),
        reverse("api:map-list"),
        reverse("api:map-detail", args=[page.map.slug]),
        reverse("api:strategy-detail", args=[page.slug]),
        reverse("api:program-detail", args=[program.slug]),
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        read = [query["sql"] for query in queries if "search_document" in query["sql"]]
        assert not read, f"{url} reads a search document: {read[0][:300]}"


def test_a_page_with_a_zoom_map_and_no_scorecard_points_to_the_zoom_map(client):
    page = StrategyFactory(title="Reduce Access to Opioids")
    zoom = StrategyMapFactory(parent=page.map, zooms_into=page, title="Zoom map (Reduce Access)")

    html = client.get(page.get_absolute_url()).content.decode()

    assert f'href="{zoom.get_absolute_url()}"' in html
    assert "Full scorecard" not in html and "Embed this scorecard" not in html
    assert "The measures of the strategies beneath this one are on" in html


def test_the_pages_manager_finds_an_edit_link_and_readers_do_not(client, owner, page):
    edit_url = reverse("admin:strategy_strategy_change", args=[page.pk])
    assert edit_url not in client.get(page.get_absolute_url()).content.decode()

    client.force_login(owner)

    assert f'href="{edit_url}"' in client.get(page.get_absolute_url()).content.decode()


def test_pages_name_the_sites_icon_so_browsers_do_not_ask_for_favicon_ico(client, page):
    html = client.get(page.get_absolute_url()).content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("favicon.svg")
