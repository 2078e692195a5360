"""What a briefing book holds, rendered as the HTML WeasyPrint lays out.

A strategy page's book is its page as the site prints it. A map's book is a
cover, a table of contents, the map as its page draws it (``public.maps.map_context``),
then every page on the map and on its zoom maps, map by map, each zoom map
opened by a divider listing its pages. Pages are the ones ``reader`` may read
(``Strategy.objects.visible_to``): the public's book has no draft.

Both render in a fixed number of queries, however many pages: the maps in one
query, every page with its content in the strategy page's prefetches
(``public.selectors.with_page_content``), the map's context in its own few.
"""

import re
from dataclasses import dataclass, field

import cssselect2
import tinycss2
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.rules import may_read_drafts
from books.pdf import static_file
from public.maps import map_context
from public.page import render_page_parts
from public.selectors import with_page_content
from strategy.models import Strategy, StrategyMap

SITE_NAME = "Opioid Coalition Strategy Map"
# The classes of the map's diagram (templates/strategy/includes/_map_diagram.html).
DIAGRAM_CLASSES = re.compile(r"\.(map-|perf-|is-)")
CUSTOM_PROPERTY = re.compile(r"var\((--[\w-]+)\)")


@dataclass
class MapSection:
    """One map of the book with its pages, in the order its bands and positions give."""

    map: StrategyMap
    depth: int
    pages: list = field(default_factory=list)
    drawing: str = ""  # a zoom map's key and diagram, rendered


def site_url() -> str:
    """Where the book's links point: the site's address (``DJANGO_SITE_URL``)."""
    return settings.SITE_URL.rstrip("/") + "/"


def map_tree(strategy_map: StrategyMap) -> list[MapSection]:
    """``strategy_map`` and every zoom map beneath it, depth first, each after its parent.

    One query: the site has a few dozen maps at most. A zoom map comes in the
    order of the strategy it details on its parent.
    """
    maps = list(StrategyMap.objects.select_related("zooms_into__band"))
    children: dict[int, list[StrategyMap]] = {}
    for each in maps:
        if each.parent_id is not None:
            children.setdefault(each.parent_id, []).append(each)

    def place(zoom: StrategyMap):
        detailed = zoom.zooms_into
        if detailed is None:
            return (1, 0, 0, zoom.title)
        return (0, detailed.band.order, detailed.position, zoom.title)

    sections: list[MapSection] = []
    seen: set[int] = set()

    def visit(each: StrategyMap, depth: int):
        # clean() refuses cycles; the guard keeps one written around it from looping.
        if each.pk in seen:
            return
        seen.add(each.pk)
        sections.append(MapSection(map=each, depth=depth))
        for child in sorted(children.get(each.pk, []), key=place):
            visit(child, depth + 1)

    visit(strategy_map, 0)
    return sections


def diagram_style() -> str:
    """The site's style sheet's rules for the map's diagram, for a <style> inside its SVG.

    WeasyPrint styles an inline SVG only from the SVG's own style sheet; it
    resolves no custom properties there, and stops reading the sheet at the
    first selector it cannot compile. So: the rules naming the diagram's classes
    whose selectors compile, but for the SVG's own box, each ``var(--x)``
    replaced by its value in ``:root``.
    """
    rules = tinycss2.parse_stylesheet(
        static_file("css/site.css").read_text(), skip_comments=True, skip_whitespace=True
    )
    values = {}
    kept = []
    for rule in rules:
        if rule.type != "qualified-rule":
            continue  # media queries: the diagram's are for screens
        prelude = tinycss2.serialize(rule.prelude).strip()
        if prelude == ":root":
            for declaration in tinycss2.parse_blocks_contents(rule.content):
                if declaration.type == "declaration" and declaration.name.startswith("--"):
                    values[declaration.name] = tinycss2.serialize(declaration.value).strip()
            continue
        if not DIAGRAM_CLASSES.search(prelude) or prelude == ".map-diagram":
            continue  # the SVG's own box is the page's to lay out (the screen's rule hides it)
        try:
            cssselect2.compile_selector_list(rule.prelude)
        except cssselect2.SelectorError:
            continue  # :focus-visible and the like: nothing to print
        kept.append(f"{prelude} {{{tinycss2.serialize(rule.content)}}}")
    return CUSTOM_PROPERTY.sub(lambda m: values.get(m[1], "initial"), "\n".join(kept))


def book_pages(sections: list[MapSection], reader) -> list[MapSection]:
    """``sections`` with their pages as ``reader`` may read them, with all their content."""
    by_map = {section.map.pk: section for section in sections}
    pages = with_page_content(Strategy.objects.visible_to(reader)).filter(map__in=list(by_map))
    for page in pages.order_by("band__order", "position", "title"):
        by_map[page.map_id].pages.append(page)
    return sections


def printed_page(strategy: Strategy) -> dict:
    """A page's parts as the site renders them for every reader."""
    parts = render_page_parts(strategy, site=site_url().rstrip("/"))
    return {"strategy": strategy, "parts": parts}


def page_book_html(strategy: Strategy, *, staff_edition: bool = False) -> str:
    """The book of one page; ``strategy`` loaded ``with_page_content()``. A staff edition
    (what staff may read, drafts too) says so at its head."""
    return render_to_string(
        "books/page_book.html",
        {
            "staff_edition": staff_edition,
            "site_name": SITE_NAME,
            "title": strategy.title,
            "page": printed_page(strategy),
            "made_on": timezone.localdate(),
        },
    )


def map_book_html(strategy_map: StrategyMap, reader) -> str:
    """The book of ``strategy_map`` and its zoom maps, with what ``reader`` may read."""
    sections = book_pages(map_tree(strategy_map), reader)
    drawn = map_context(reader, strategy_map, {})
    style = diagram_style()
    for section in sections[1:]:
        # Each zoom map drawn as its page draws it: a few queries a zoom map.
        section.drawing = render_to_string(
            "books/includes/_map_drawing.html",
            map_context(reader, section.map, {}) | {"diagram_style": style},
        )
    for section in sections:
        section.printed = [printed_page(page) for page in section.pages]
    return render_to_string(
        "books/map_book.html",
        {
            **drawn,
            "diagram_style": style,
            # Staff read drafts: their book says it is not the public's, on its cover.
            "staff_edition": may_read_drafts(reader),
            "site_name": SITE_NAME,
            "title": strategy_map.title,
            "sections": sections,
            "page_count": sum(len(section.pages) for section in sections),
            "made_on": timezone.localdate(),
        },
    )
