"""The map page: boxes coloured by how their measures are doing, a key, themes, highlights
by status and by partner, the page's state for staff, and the list when Graphviz is missing."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.judged import judge_again
from strategy import diagram
from strategy.models import Strategy, Theme
from tests.public.test_public_pages import queries_for
from tests.scorecards.factories import ActionFactory, DataPointFactory, PartnerFactory
from tests.strategy.factories import (
    BandFactory,
    StrategyFactory,
    StrategyLinkFactory,
    TopLevelMapFactory,
)

pytestmark = pytest.mark.django_db


def _last_quarter() -> str:
    today = datetime.date.today()
    quarter = (today.month - 1) // 3  # the one before this, 0 for last year's fourth
    return f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4"


LAST_QUARTER = _last_quarter()


def measured(page, value):
    """A measure on ``page`` with last quarter's value: 100 is off track (target 60), 50 on
    track."""
    return DataPointFactory(measure__objective__strategy=page, period=LAST_QUARTER, value=value)


@pytest.fixture
def top_map():
    top = TopLevelMapFactory()
    results = BandFactory(map=top, title="Community Results", order=0)
    supply = BandFactory(map=top, title="Reduce Supply", order=1)
    deaths = StrategyFactory(band=results, title="Fewer Deaths", slug="fewer-deaths")
    access = StrategyFactory(band=supply, title="Less Access", slug="less-access")
    quiet = StrategyFactory(band=supply, title="Quiet Page", slug="quiet-page")
    measured(deaths, 100)
    measured(access, 50)
    StrategyLinkFactory(cause=access, effect=deaths)
    return {"deaths": deaths, "access": access, "quiet": quiet}


def box(html, slug) -> str:
    """The diagram's box of the page ``slug``: its group's markup."""
    svg = html[html.index("<svg") : html.index("</svg>")]
    start = svg.index(f'href="/strategies/{slug}/"')
    return svg[svg.rindex('<g class="map-node', 0, start) : svg.index("</g>", start)]


def test_a_box_shows_its_rolled_up_performance_in_colour_and_words(client, top_map):
    html = client.get(reverse("strategy:home")).content.decode()

    assert "perf-off-track" in box(html, "fewer-deaths")
    assert ">Off track<" in box(html, "fewer-deaths")
    assert "perf-on-track" in box(html, "less-access")
    assert "perf-no-data" in box(html, "quiet-page")
    assert "No measures yet" in box(html, "quiet-page")


def test_the_map_has_a_key_naming_every_colour(client, top_map):
    html = client.get(reverse("strategy:home")).content.decode()

    key = html[
        html.index('class="map-legend"') : html.index("</section>", html.index("map-legend"))
    ]
    for words in ("On track", "At risk", "Off track", "No data"):
        assert words in key


def test_a_box_is_one_link_holding_all_its_words(client, top_map):
    html = client.get(reverse("strategy:home")).content.decode()

    deaths = box(html, "fewer-deaths")
    link = deaths[deaths.index("<a ") : deaths.index("</a>")]
    assert "aria-label" not in link, "named by the words it shows"
    for words in ("Fewer Deaths", "Off track", "1 off track"):
        assert words in link


def test_staff_see_a_drafts_state_as_a_small_tag_and_readers_never(client, editor, top_map):
    draft = StrategyFactory(band=top_map["deaths"].band, title="Draft Page", slug="draft-page")
    Strategy.objects.filter(pk=draft.pk).update(status=Strategy.Status.DRAFT)

    public = client.get(reverse("strategy:home")).content.decode()
    client.force_login(editor)
    staff = client.get(reverse("strategy:home")).content.decode()

    assert "Draft Page" not in public
    assert "map-node-tag" not in public
    assert 'class="map-node-tag"' in box(staff, "draft-page")
    assert "Draft</text>" in box(staff, "draft-page")
    assert "map-node-tag" not in box(staff, "fewer-deaths"), "published pages carry no tag"


def test_themes_run_as_stripes_and_the_key_names_them(client, top_map):
    prevention = Theme.objects.create(name="Prevention", colour="#1F77B4", order=1)
    for page in (top_map["deaths"], top_map["access"]):
        page.theme = prevention
        page.save()

    html = client.get(reverse("strategy:home")).content.decode()

    assert html.count('class="map-theme-stripe"') == 1
    assert 'fill="#1f77b4"' in html
    assert "Theme: Prevention" in html


def test_a_theme_colour_must_be_a_hex_colour():
    from django.core.exceptions import ValidationError

    theme = Theme(name="Treatment", colour="blue")
    with pytest.raises(ValidationError) as raised:
        theme.full_clean()
    assert "six hexadecimal digits" in str(raised.value)


def test_highlighting_off_track_fades_the_others_and_marks_the_match_in_words(client, top_map):
    html = client.get(reverse("strategy:home") + "?status=off-track").content.decode()

    assert "is-match" in box(html, "fewer-deaths")
    assert "Matches" in box(html, "fewer-deaths")
    assert "is-faded" in box(html, "less-access")
    assert "Highlighted: 1 of 3 strategies off track." in html
    assert f'href="{reverse("strategy:home")}">Clear the highlight' in html


def test_highlighting_a_partner_picks_the_strategies_it_works_on(client, top_map):
    sheriff = PartnerFactory(name="Sheriff's Office", slug="sheriff")
    ActionFactory(objective__strategy=top_map["access"], lead=sheriff)
    joined = ActionFactory(objective__strategy=top_map["quiet"])
    joined.partners.add(sheriff)

    html = client.get(reverse("strategy:home") + "?partner=sheriff").content.decode()

    assert "is-match" in box(html, "less-access")
    assert "is-match" in box(html, "quiet-page")
    assert "is-faded" in box(html, "fewer-deaths")
    assert "where Sheriff&#x27;s Office works" in html
    assert 'href="?partner=sheriff"' not in html, "the chosen partner's link clears it"
    assert 'aria-current="true">Sheriff&#x27;s Office' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?status=sideways", "There is no status “sideways” to highlight"),
        ("?partner=nobody", "No partner “nobody” works on this map"),
    ],
)
def test_an_unknown_highlight_is_named_and_the_map_shown_whole(client, top_map, query, message):
    response = client.get(reverse("strategy:home") + query)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "is-faded" not in html


def test_without_graphviz_the_map_is_the_list_at_every_width(client, top_map, monkeypatch):
    monkeypatch.setattr(diagram, "layout", lambda *args, **kwargs: None)
    monkeypatch.setattr("public.maps.layout", lambda *args, **kwargs: None)

    html = client.get(reverse("strategy:home")).content.decode()

    assert "<svg" not in html.split("<main", 1)[1].split("map-list", 1)[0]
    assert 'class="map-list map-list-always"' in html
    assert "Less Access leads to Fewer Deaths" in html


def test_the_diagram_scales_to_the_page_width(client, top_map):
    html = client.get(reverse("strategy:home")).content.decode()

    svg = re.search(r"<svg class=\"map-diagram[^>]*>", html).group(0)
    assert "viewBox=" in svg
    assert "width=" not in svg.replace("viewBox", "")


def test_map_query_count_is_the_same_at_two_sizes_with_highlights(client, top_map):
    sheriff = PartnerFactory(slug="sheriff")
    ActionFactory(objective__strategy=top_map["access"], lead=sheriff)
    url = reverse("strategy:home") + "?status=off-track&partner=sheriff"
    # The statuses of measures just written are judged by the first reader
    # (tests/scorecards/test_judged_status.py counts that); these are the reads.
    judge_again(today=timezone.localdate())
    small = queries_for(client, url)
    band = top_map["deaths"].band
    for n in range(20):
        page = StrategyFactory(band=band if n % 2 else BandFactory(map=band.map, order=5 + n))
        measured(page, 100 if n % 3 else 50)
        ActionFactory(objective__strategy=page, lead=sheriff).partners.add(PartnerFactory())
        StrategyLinkFactory(cause=page, effect=top_map["deaths"])
    judge_again(today=timezone.localdate())
    large = queries_for(client, url)

    assert small == large == 7


@pytest.mark.skipif(not diagram.dot_available(), reason="Graphviz's dot is missing")
@pytest.mark.parametrize("path", ["/", "/maps/reduce-access-to-opioids/"])
def test_the_demo_maps_as_served_keep_every_arrow_clear(client, path):
    from django.core.management import call_command

    from tests.strategy.test_diagram import problems

    call_command("load_demo")

    drawn = client.get(path).context["diagram"]

    assert drawn.boxes
    assert problems(drawn) == []
