"""The "Download as PDF" links of strategy pages and map pages, followed in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from demo.data import FEATURED_SLUG
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def pdf_behind(tab, demo, link):
    expect(link).to_be_visible()
    response = tab.request.get(demo + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    return response


def test_a_strategy_page_offers_itself_as_a_pdf(demo, page_in):
    tab = page_in()
    tab.goto(f"{demo}/strategies/{FEATURED_SLUG}/")
    link = tab.get_by_role("link", name=re.compile(r"^Download as PDF"))
    screenshot(tab, "strategy-page-with-pdf-link")

    response = pdf_behind(tab, demo, link)

    assert f"{FEATURED_SLUG}-briefing-book.pdf" in response.headers["content-disposition"]
    assert link.get_attribute("download") is not None


def test_a_map_page_offers_its_briefing_book(demo, page_in):
    tab = page_in()
    tab.goto(f"{demo}/maps/reduce-access-to-opioids/")
    link = tab.get_by_role("link", name="Download as PDF")

    response = pdf_behind(tab, demo, link)

    assert "reduce-access-to-opioids-briefing-book.pdf" in response.headers["content-disposition"]
