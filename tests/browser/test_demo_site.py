"""The demo site as a visitor and a page manager see it in a real browser."""

import pytest
from playwright.sync_api import expect

from demo.data import FEATURED_SLUG
from tests.browser.conftest import open_account_menu, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_visitor_finds_the_drug_market_intervention_in_three_clicks(demo, page_in):
    tab = page_in()
    tab.goto(demo + "/")
    expect(tab.locator("h1")).to_have_text("Opioid Top-Level Strategy Map")
    screenshot(tab, "top-level-map")

    tab.get_by_role("link", name="Zoom map for Reduce Access to Opioids").click()
    expect(tab.locator("h1")).to_have_text("Reduce Access to Opioids")
    screenshot(tab, "zoom-map")

    tab.get_by_role("link", name="Coordinate & Improve Efforts to Reduce Illegal Sales").click()
    expect(tab).to_have_url(f"{demo}/strategies/{FEATURED_SLUG}/")
    breadcrumb = tab.get_by_role("navigation", name="Breadcrumb").get_by_role("listitem")
    expect(breadcrumb).to_have_text(
        [
            "Opioid Top-Level Strategy Map",
            "Zoom map (Reduce Access to Opioids)",
            "Coordinate & Improve Efforts to Reduce Illegal Sales of Opioids",
        ]
    )
    for outcome in [
        "Larceny and motor-vehicle theft -31 % since 2013",
        "Disorderly conduct -37 % since 2013",
        "Vandalism -49 % since 2013",
        "Burglaries -53 % since 2013",
    ]:
        expect(tab.get_by_text(outcome)).to_be_visible()
    reviews = tab.locator("#reviews ~ div table tbody tr")
    expect(reviews).to_have_count(2)
    expect(reviews.first).to_contain_text("Sam Okafor")
    screenshot(tab, "strategy-page")

    tab.get_by_role("link", name="Drug Market Intervention", exact=True).first.click()
    expect(tab.locator("h1")).to_have_text("Drug Market Intervention")
    screenshot(tab, "program-page")


def test_keyboard_alone_walks_the_map_in_reading_order(demo, page_in):
    tab = page_in()
    tab.goto(demo + "/")
    reached = []
    for _ in range(60):
        tab.keyboard.press("Tab")
        # A box's link holds its title and the words under it; the title names it.
        reached.append(
            tab.evaluate(
                "document.activeElement.getAttribute('aria-label')"
                " || document.activeElement.querySelector('.map-node-title')?.textContent"
                " || document.activeElement.textContent.trim()"
            )
        )
    strategies = [
        "Reduce Opioid Overdose Deaths",
        "Reduce Opioid Misuse and Addiction",
        "Reduce Access to Opioids",
        "Reduce Prescription of Opioids",
        "Increase Access to Overdose Reversal Medications",
        "Expand Access to Medication-Assisted Treatment",
        "Strengthen Community Coalitions",
    ]
    positions = [reached.index(title) for title in strategies]
    assert positions == sorted(positions)


def test_printed_strategy_page_has_no_navigation(demo, page_in):
    tab = page_in()
    tab.goto(demo + f"/strategies/{FEATURED_SLUG}/")
    tab.emulate_media(media="print")
    expect(tab.locator(".site-header")).to_be_hidden()
    expect(tab.locator(".site-footer")).to_be_hidden()
    expect(tab.get_by_role("navigation", name="Breadcrumb")).to_be_hidden()
    expect(tab.get_by_role("heading", name="Promising Programs")).to_be_visible()
    screenshot(tab, "strategy-page-print")


@pytest.mark.parametrize(
    "path, name",
    [("/", "top-level-map-phone"), (f"/strategies/{FEATURED_SLUG}/", "strategy-page-phone")],
)
def test_pages_read_well_on_a_phone(demo, page_in, path, name):
    tab = page_in(width=390, height=844)
    tab.goto(demo + path)
    page_width = tab.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390, "no sideways scrolling on a phone"
    screenshot(tab, name)


def sign_in_from_the_featured_page(tab, demo, username, *, shot=None):
    """Open the featured page and sign in from its header, with the demo password."""
    tab.goto(demo + f"/strategies/{FEATURED_SLUG}/")
    tab.get_by_role("link", name="Sign in").click()
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(f"demo-{username}-2026")
    if shot:
        screenshot(tab, shot)
    tab.get_by_role("button", name="Sign in").click()


def test_reviewer_signs_in_from_the_header(demo, page_in):
    tab = page_in()
    sign_in_from_the_featured_page(tab, demo, "reviewer", shot="sign-in")
    expect(tab).to_have_url(f"{demo}/strategies/{FEATURED_SLUG}/")
    expect(tab.locator(".site-header")).to_contain_text("Sam Okafor")
    open_account_menu(tab)
    expect(tab.get_by_role("button", name="Sign out")).to_be_visible()
    expect(tab.get_by_role("heading", name="Add your review")).to_be_visible()
    expect(tab.get_by_role("heading", name="Burglaries in the target area")).to_be_visible()
    screenshot(tab, "strategy-page-reviewer")


def test_page_manager_sees_their_checklist_and_answers_on_their_page(demo, page_in):
    tab = page_in()
    sign_in_from_the_featured_page(tab, demo, "manager")

    expect(tab.get_by_role("link", name="Edit this page")).to_be_visible()
    expect(tab.get_by_role("heading", name="Completeness")).to_be_visible()
    expect(tab.get_by_role("button", name="Mark addressed")).to_have_count(0)  # closed boxes
    tab.locator("summary", has_text="Reply").first.click()
    expect(tab.get_by_role("button", name="Mark addressed").first).to_be_visible()
    screenshot(tab, "strategy-page-manager")


def test_skip_link_is_the_first_stop_for_keyboard_users(demo, page_in):
    tab = page_in()
    tab.goto(demo + "/")
    tab.keyboard.press("Tab")
    focused = tab.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"


def test_page_manager_edits_their_page_in_the_admin(demo, page_in):
    tab = page_in()
    tab.goto(demo + "/admin/login/")
    tab.fill("#id_username", "manager")
    tab.fill("#id_password", "demo-manager-2026")
    tab.get_by_role("button", name="Log in").click()
    tab.goto(demo + "/admin/strategy/strategy/")
    tab.get_by_role("link", name="Coordinate & Improve Efforts to Reduce Illegal Sales").click()
    expect(tab.get_by_role("heading", name="Promising programs")).to_be_visible()
    screenshot(tab, "admin-strategy-form")
    name = tab.locator("#content h2").first.bounding_box()
    tools = tab.locator(".object-tools").bounding_box()
    assert tools["y"] >= name["y"] + name["height"], "the page's name is not under the tools"

    tab.fill("#id_title", "Coordinate & Improve Efforts to Reduce Illegal Opioid Sales")
    tab.get_by_role("button", name="Save", exact=True).click()
    expect(tab.get_by_text("was changed successfully")).to_be_visible()
