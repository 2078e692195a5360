"""Property-based tests: the MediaWiki reader reads any text, or refuses it with its own error."""

import datetime
import io
from xml.sax.saxutils import escape

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mediawiki.dump import DumpError, WikiDump
from mediawiki.reader import (
    WikitextError,
    breadcrumb,
    parse_date,
    parse_map_page,
    parse_resource_list,
    parse_strategy_page,
)

BOUNDED = settings(max_examples=100, deadline=datetime.timedelta(seconds=2))

# Pieces of the old wiki's pages, so that generated text reaches the reader's sections,
# tables, links and dates rather than only its plain paragraphs.
WIKI_PIECES = [
    "== Promising Programs ==\n",
    "== Tools & Resources ==\n",
    "== Scorecard Building ==\n",
    "'''Potential Measures & Data Sources:''' ",
    "'''PAGE MANAGER:''' ",
    "'''SUBJECT MATTER EXPERT:''' ",
    '{| class="wikitable"\n! Reviewer !! Date !! Comments\n|-\n',
    "| Pat Kim || 12/31/9999 || Fine.\n|-\n",
    "| Ana Ruiz || 2019-01-15 || Good.\n",
    "|}\n",
    "Return to [[Opioid_Top-Level_Strategy_Map|Opioid Top-Level Strategy Map]] or ",
    "[[ZOOM MAP - Cut Off the Illegal Supply|Zoom Map (Cut Off the Illegal Supply)]]\n",
    "* [[Drug Market Intervention]] (High Point, NC, 2004)\n",
    "<ref>[https://example.org/report Report], 2019.</ref>",
    "<references />\n",
    "[http://example.org a link]",
    "{{Template|x=1}}",
    "<div style='x'>",
    "</div>",
    "<span>",
    "&nbsp;",
    "__NOTOC__",
    "\n",
]
wikitext = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(WIKI_PIECES), st.text(max_size=20)), max_size=25).map(
        "".join
    ),
)


@BOUNDED
@given(title=st.text(max_size=40), text=wikitext)
@example(
    title="Close Open-Air Drug Markets", text="{| \n! Reviewer !! Date\n|-\n| Pat || 1/1/0001\n|}"
)
@example(title="", text="[[" * 200)
def test_any_wikitext_is_read_or_refused_with_the_readers_own_error(title, text):
    for read in (
        lambda: parse_strategy_page(title, text),
        lambda: parse_map_page(title, text),
        lambda: parse_resource_list(title, text, "tools"),
        lambda: breadcrumb(text),
    ):
        try:
            read()
        except WikitextError as refused:
            assert str(refused)


@BOUNDED
@given(st.text(max_size=40))
@example("12/31/9999")
@example("February 30, 2019")
@example("1/1/0")
def test_any_date_text_is_a_date_or_none(text):
    day, month_only = parse_date(text)

    assert day is None or isinstance(day, datetime.date)
    assert isinstance(month_only, bool)


def export_of(namespace: str, title: str, text: str) -> bytes:
    return (
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">'
        f"<page><title>{escape(title)}</title><ns>{escape(namespace)}</ns><id>1</id>"
        "<revision><id>1</id><timestamp>2019-05-01T12:00:00Z</timestamp>"
        f'<text xml:space="preserve">{escape(text)}</text></revision></page></mediawiki>'
    ).encode()


printable = st.characters(blacklist_categories=("Cs", "Cc"))
dumps = st.one_of(
    st.binary(max_size=300),
    st.builds(
        export_of,
        st.one_of(st.integers().map(str), st.text(printable, max_size=12)),
        st.text(printable, max_size=30),
        st.text(printable, max_size=60),
    ),
)


@BOUNDED
@given(dumps)
@example(export_of("7" * 5000, "Talk:Overdoses", "Hi."))
@example(export_of("²", "Talk:Overdoses", "Hi."))
@example(export_of(str(2**31), "Talk:Overdoses", "Hi."))
def test_any_file_is_read_as_pages_or_refused_as_a_bad_dump(data):
    try:
        pages = list(WikiDump(io.BytesIO(data)).pages())
    except DumpError as refused:
        assert "Nothing was imported" in str(refused)
    else:
        assert all(-(2**31) <= page.namespace < 2**31 for page in pages)
