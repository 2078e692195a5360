"""The demo's books as PDFs: the worked page's, and the top-level map's with every page.

Each PDF is built once for the module (WeasyPrint takes a second or more a
book), from the demo with one page made a draft, and read back as text, its
bookmarks and its catalog.
"""

import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from demo.data import FEATURED_SLUG, TOP_LEVEL_SLUG
from strategy.models import Strategy
from tests.books.conftest import catalog, outline_titles, pdf_text
from tests.roles import create_role_groups

WORKED_PAGE = FEATURED_SLUG
DRAFT_PAGE = "expand-drug-take-back-programs"


@pytest.fixture(scope="module")
def demo_books(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # A transactional test run before this module (the browser's) flushes the groups.
        create_role_groups()
        call_command("load_demo", verbosity=0)
        Strategy.objects.filter(slug=DRAFT_PAGE).update(status=Strategy.Status.DRAFT)
        client = Client()
        page = client.get(reverse("books:page-book", args=[WORKED_PAGE]))
        book = client.get(reverse("books:map-book", args=[TOP_LEVEL_SLUG]))
        visible = list(Strategy.objects.public().values_list("title", flat=True))
        draft = Strategy.objects.get(slug=DRAFT_PAGE).title
        transaction.set_rollback(True)
    return {"page": page, "book": book, "visible": visible, "draft": draft}


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_page_book_is_a_pdf_named_for_its_page(demo_books):
    response = demo_books["page"]

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{WORKED_PAGE}-briefing-book.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")


def test_the_page_book_prints_the_page_with_its_scorecard_and_charts(demo_books):
    text = one_line(pdf_text(demo_books["page"].content))

    assert "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids" in text
    assert "Drug Market Intervention" in text
    # The scorecard's measures, with their forecasts, and the charts' axes and key.
    assert "Burglaries in the target area" in text
    assert "Overdose calls from the target area" in text
    assert "At this rate" in text
    assert "2024-Q4" in text
    assert "Path to target" in text


def test_the_map_book_has_a_cover_and_contents_with_page_numbers(demo_books):
    response = demo_books["book"]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    cover, contents = text.split("\f")[:2]

    assert "OPIOID COALITION STRATEGY MAP" in cover
    assert "Opioid Top-Level Strategy Map" in cover
    assert "Contents" in contents
    numbered = re.findall(r"^\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", contents, re.MULTILINE)
    titles = [title for title, _ in numbered]
    assert "Map: Opioid Top-Level Strategy Map" in titles
    assert "Reduce Access to Opioids" in titles
    pages = [int(number) for _, number in numbered]
    assert pages == sorted(pages) and pages[0] == 3


def test_the_map_book_holds_every_public_page_and_no_draft(demo_books):
    text = one_line(pdf_text(demo_books["book"].content))

    missing = [title for title in demo_books["visible"] if title not in text]
    assert missing == []
    assert demo_books["draft"] not in text


def test_the_map_book_has_a_bookmark_for_each_page_and_map(demo_books):
    titles = outline_titles(demo_books["book"].content)

    assert sorted(t for t in titles if not t.startswith(("Map: ", "Zoom map: "))) == sorted(
        demo_books["visible"]
    )
    assert "Map: Opioid Top-Level Strategy Map" in titles
    assert "Zoom map: Reduce Access to Opioids" in titles


@pytest.mark.parametrize("book", ["page", "book"])
def test_the_books_are_tagged_and_say_their_language(demo_books, book):
    root = catalog(demo_books[book].content)

    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
