"""Every link's accessible name contains the text it shows (WCAG 2.5.3, label in name), read
from the HTML the site serves, on the pages the browser audit covers (tests/browser/
test_accessibility.py asks Chromium itself; this runs without a browser).

The name is the link's aria-label, else the text of the elements its aria-labelledby names,
else its text without aria-hidden parts. The text it shows leaves out visually hidden text
(Bootstrap's .visually-hidden), SVG <desc> and <title>, and aria-hidden symbols ("›");
aria-hidden words count as shown. Blocks and SVG text lines read as separate words.
"""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.data import FEATURED_SLUG

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/maps/reduce-access-to-opioids/",
    f"/strategies/{FEATURED_SLUG}/",
    "/programs/drug-market-intervention/",
    "/programs/",
    "/search/?q=intervention",
    "/dashboard/?status=off-track",
    "/dashboard/actions/",
    "/changes/",
]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
BLOCKS = {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption"}
BLOCKS |= {"figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main"}
BLOCKS |= {"nav", "ol", "p", "section", "table", "td", "th", "tr", "ul", "text", "br"}
NEVER_DRAWN = {"desc", "title", "script", "style", "template"}


class Link:
    def __init__(self, attrs):
        self.href = attrs.get("href")
        self.aria_label = attrs.get("aria-label")
        self.labelledby = (attrs.get("aria-labelledby") or "").split()
        self.content = []  # the text a name from content is computed from
        self.shown = []  # the text a reader sees

    def name(self, texts_by_id) -> str:
        if self.labelledby:
            return " ".join("".join(texts_by_id.get(id_, [])) for id_ in self.labelledby)
        if self.aria_label is not None:
            return self.aria_label
        return "".join(self.content)


class LinkReader(HTMLParser):
    """Each <a>'s name and shown text, and the text of every element with an id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []  # (tag, attrs) of the elements open around the current point
        self.links = []
        self.link = None
        self.texts_by_id = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._separates(tag, attrs):
            self._text(" ")
        if tag == "a":
            self.link = Link(attrs)
            self.links.append(self.link)
        if tag not in VOID:
            self.open.append((tag, attrs))
            if "id" in attrs:
                self.texts_by_id[attrs["id"]] = []

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                closing = self.open[depth]
                del self.open[depth:]
                if self._separates(*closing):
                    self._text(" ")
                break
        if tag == "a":
            self.link = None

    def handle_data(self, data):
        self._text(data)

    def _separates(self, tag, attrs):
        return tag in BLOCKS or (tag == "tspan" and ("x" in attrs or "y" in attrs))

    def _text(self, data):
        tags = [tag for tag, _ in self.open]
        for _, attrs in self.open:
            if "id" in attrs:
                self.texts_by_id[attrs["id"]].append(data)
        if self.link is None:
            return
        aria_hidden = any(attrs.get("aria-hidden") == "true" for _, attrs in self.open)
        not_drawn = NEVER_DRAWN.intersection(tags) or any(
            "visually-hidden" in (attrs.get("class") or "").split() for _, attrs in self.open
        )
        if not aria_hidden and not NEVER_DRAWN.intersection(tags):
            self.link.content.append(data)
        if not not_drawn and (not aria_hidden or any(c.isalnum() for c in data)):
            self.link.shown.append(data)


def collapsed(text: str) -> str:
    return " ".join(text.split()).casefold()


def links_whose_name_misses_their_text(html: str) -> list[tuple[str, str, str]]:
    reader = LinkReader()
    reader.feed(html)
    assert reader.links, "the page has links"
    return [
        (link.href, "".join(link.shown), link.name(reader.texts_by_id))
        for link in reader.links
        if collapsed("".join(link.shown)) not in collapsed(link.name(reader.texts_by_id))
    ]


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "editor"])
def test_every_link_on_the_main_pages_is_named_by_the_text_it_shows(client, demo, signed_in):
    if signed_in:
        client.force_login(get_user_model().objects.get(username="editor"))
    misses = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200
        if found := links_whose_name_misses_their_text(response.content.decode()):
            misses[path] = found

    assert misses == {}


@pytest.mark.parametrize(
    "link, shows, named",
    [
        (
            '<a href="/a" aria-label="Evidence library">Program library</a>',
            "Program library",
            "Evidence library",
        ),
        (
            '<a href="/a">Zoom map<span aria-hidden="true"> for this map</span></a>',
            "Zoom map for this map",
            "Zoom map",
        ),
        (
            '<svg><a href="/a" aria-label="Reduce Access"><text><tspan x="1">Reduce</tspan>'
            '<tspan x="1">Access to Opioids</tspan></text></a></svg>',
            "Reduce Access to Opioids",
            "Reduce Access",
        ),
        (
            '<a href="/a" aria-labelledby="t">More</a><h2 id="t">Programs</h2>',
            "More",
            "Programs",
        ),
    ],
    ids=["aria-label", "aria-hidden words", "svg lines", "aria-labelledby"],
)
def test_the_check_reports_a_link_whose_name_leaves_out_what_it_shows(link, shows, named):
    [(href, shown, name)] = links_whose_name_misses_their_text(link)

    assert (href, collapsed(shown), name) == ("/a", collapsed(shows), named)


def test_the_check_accepts_hidden_context_and_decorative_symbols():
    html = (
        '<a href="/a">Zoom map<span class="visually-hidden"> for Reduce Access</span></a>'
        '<svg><a href="/b" aria-label="Zoom map for Reduce Access"><text>Zoom map'
        '<tspan aria-hidden="true"> ›</tspan></text></a>'
        '<a href="/c" aria-label="Reduce Access"><desc>Published.</desc>'
        '<text><tspan x="1">Reduce</tspan> <tspan x="1">Access</tspan></text></a></svg>'
    )

    assert links_whose_name_misses_their_text(html) == []
