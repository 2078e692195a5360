"""The dashboard and the recent changes on the demo site fit the screen at a phone's width and a
desktop's: their wide tables scroll inside their own box (or, the dashboard's on a phone, are
drawn as cards), never the whole page sideways."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = {
    "dashboard-measures": "/dashboard/",
    "dashboard-actions": "/dashboard/actions/",
    "recent-changes": "/changes/",
}
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.mark.parametrize("width_name", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_the_page_is_no_wider_than_the_screen_and_its_table_scrolls_in_its_box(
    demo, page_in, name, width_name
):
    width = WIDTHS[width_name]
    tab = page_in(width=width, height=844)
    tab.goto(demo + PAGES[name])
    table = tab.locator("main table")
    expect(table).to_be_visible()
    screenshot(tab, f"{name}-{width_name}")

    page_width = tab.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, "no sideways scrolling of the whole page"
    # The table's box is keyboard-reachable and holds the whole table.
    region = tab.locator("main [role=region][tabindex='0']").filter(has=tab.locator("table"))
    expect(region).to_have_count(1)
    box = region.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    # The dashboard's rows are cards on a phone (test_dashboard_cards.py): nothing to scroll.
    if width_name == "phone" and name == "recent-changes":
        expect(tab.locator("main .scroll-cue")).to_be_visible()
    else:
        expect(tab.locator("main .scroll-cue")).to_be_hidden()
    # Scrolled to its end, the box shows the last column whole.
    region.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    last_column = table.locator("thead th").last.bounding_box()
    assert last_column["x"] >= 0 and last_column["x"] + last_column["width"] <= width
    screenshot(tab, f"{name}-{width_name}-scrolled")
