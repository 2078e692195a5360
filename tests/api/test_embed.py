"""The embeddable scorecard, the only page other sites may frame, and its snippet."""

import html
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strategy.models import Strategy
from tests.api.conftest import build_site, fill_page
from tests.scorecards.factories import ObjectiveFactory
from tests.strategy.factories import EditorFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def embed_url(page) -> str:
    return reverse("embed:scorecard", args=[page.slug])


def test_embed_shows_the_measures_with_status_trend_and_chart(client, site):
    page = site.pages[0]
    measure = page.objectives.first().measures.get()

    response = client.get(embed_url(page))

    assert response.status_code == 200
    text = response.content.decode()
    assert f"Scorecard: {page.title}" in text
    assert measure.name in text
    assert f'class="status-badge status-{measure.status.code}"' in text
    assert "Trend: improving" in text
    assert '<svg class="measure-chart"' in text
    assert "css/site.css" in text
    assert "<script" not in text and "<style" not in text and ' style="' not in text


def test_embed_has_no_site_header_footer_or_actions(client, site):
    page = site.pages[0]
    text = client.get(embed_url(page)).content.decode()

    assert "site-header" not in text and "site-footer" not in text
    assert "Sign in" not in text
    assert page.objectives.first().actions.get().title not in text


def test_embed_links_back_to_the_full_page_in_a_new_tab(client, site):
    page = site.pages[0]
    text = client.get(embed_url(page)).content.decode()

    assert (
        f'<a href="http://testserver{page.get_absolute_url()}" target="_blank" rel="noopener">'
        in text
    )


def test_only_the_embed_may_be_framed(client, site):
    page = site.pages[0]
    framed = client.get(embed_url(page))

    assert framed.status_code == 200
    assert "X-Frame-Options" not in framed.headers
    policy = framed["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "default-src 'self'" in policy, "the rest of the policy still applies"
    for url in (
        page.get_absolute_url(),
        reverse("scorecards:scorecard", args=[page.slug]),
        reverse("strategy:home"),
        reverse("api:strategy-detail", args=[page.slug]),
    ):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url


@pytest.mark.parametrize("status", [Strategy.Status.DRAFT, Strategy.Status.ARCHIVED])
def test_embed_of_a_hidden_page_is_not_found_even_for_editors(client, status):
    hidden = StrategyFactory(status=status)
    client.force_login(EditorFactory())

    response = client.get(embed_url(hidden))

    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_embed_of_a_page_under_construction_is_shown(client):
    page = StrategyFactory(status=Strategy.Status.UNDER_CONSTRUCTION)

    response = client.get(embed_url(page))

    assert response.status_code == 200
    assert "The scorecard has not been started yet." in response.content.decode()


def test_embed_accepts_no_posts(client, site):
    assert client.post(embed_url(site.pages[0])).status_code == 405


@pytest.mark.parametrize("size", [1, 4])
def test_embed_queries_do_not_grow_with_the_scorecard(client, size):
    page = build_site(1).pages[0]
    fill_page(page, size)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(embed_url(page)).status_code == 200

    assert len(queries) == 3  # the page, its objectives, their measures with data points


class SnippetReader(HTMLParser):
    """The text of the strategy page's embed code box."""

    def __init__(self):
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "textarea" and ("id", "embed-code") in attrs

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


class IframeReader(HTMLParser):
    def handle_starttag(self, tag, attrs):
        assert tag == "iframe"
        self.attrs = dict(attrs)


def snippet_on(client, page) -> str:
    reader = SnippetReader()
    reader.feed(client.get(page.get_absolute_url()).content.decode())
    return reader.text


def test_strategy_page_offers_the_iframe_snippet_escaped(client):
    page = StrategyFactory(title='Cut "supply" <now> & later')
    ObjectiveFactory(strategy=page)

    snippet = snippet_on(client, page)

    iframe = IframeReader()
    iframe.feed(snippet)
    assert iframe.attrs["src"] == f"http://testserver{embed_url(page)}"
    assert iframe.attrs["title"] == 'Scorecard: Cut "supply" <now> & later'
    assert "<now>" not in snippet, "the title is escaped inside the snippet too"
    html_text = client.get(page.get_absolute_url()).content.decode()
    assert "Embed this scorecard" in html_text
    assert html.escape(snippet, quote=True) in html_text


def test_no_snippet_on_a_page_that_cannot_be_embedded(client):
    draft = StrategyFactory(status=Strategy.Status.DRAFT)
    client.force_login(EditorFactory())

    assert "Embed this scorecard" not in client.get(draft.get_absolute_url()).content.decode()
