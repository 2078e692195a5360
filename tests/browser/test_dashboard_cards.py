"""The dashboard's measures and actions on a phone: a card per row, every cell under its column's
name, with nothing to scroll sideways; the sortable columns stay in sight as links. On a wide
screen, and to screen readers at any width, a table."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_action_cards import table_roles

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LISTS = {
    "measures": ("/dashboard/", ["Status", "Latest value", "Target", "Strategy page", "Owner"]),
    "actions": (
        "/dashboard/actions/",
        ["Status", "Due", "Strategy page", "Lead partner", "Responsible"],
    ),
}

# Each row's cells: the column name drawn before it and the cell's box.
CELLS = """
[...document.querySelectorAll("main table tbody tr")].map(row => ({
  title: row.querySelector("th").getBoundingClientRect().toJSON(),
  row: row.getBoundingClientRect().toJSON(),
  cells: [...row.querySelectorAll("td")].map(cell => ({
    label: getComputedStyle(cell, "::before").content,
    box: cell.getBoundingClientRect().toJSON(),
  })),
}))
"""


@pytest.mark.parametrize("name", LISTS)
def test_on_a_phone_each_row_is_a_card_showing_every_cell_under_its_name(demo, page_in, name):
    address, columns = LISTS[name]
    tab = page_in(width=375, height=800)
    tab.goto(demo + address)

    rows = tab.evaluate(CELLS)
    screenshot(tab, f"dashboard-{name}-cards-phone")

    assert rows
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scroll"
    region = tab.locator("main [role=region]")
    assert region.evaluate("box => box.scrollWidth <= box.clientWidth"), "nothing to scroll"
    for row in rows:
        drawn = [cell["label"] for cell in row["cells"]]
        assert [label.split('"')[1] for label in drawn] == columns, drawn
        tops = [row["title"]["top"]] + [cell["box"]["top"] for cell in row["cells"]]
        assert tops == sorted(tops), "title, then each column on its own line"
        for cell in row["cells"]:
            assert cell["box"]["right"] <= row["row"]["right"] <= 375
    # The sortable columns are links above the cards, each fully on the screen.
    sorts = tab.locator("main table thead th a")
    expect(sorts.first).to_be_visible()
    for box in [sorts.nth(i).bounding_box() for i in range(sorts.count())]:
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert {"table", "row", "columnheader", "rowheader", "cell"} <= table_roles(tab)


@pytest.mark.parametrize("name", LISTS)
def test_on_a_wide_screen_the_list_is_a_table_with_its_column_headers(demo, page_in, name):
    tab = page_in(width=1280)
    tab.goto(demo + LISTS[name][0])

    first_row = tab.evaluate(CELLS)[0]
    tops = {round(cell["box"]["top"]) for cell in first_row["cells"]}
    assert len(tops) == 1, "one row across"
    assert all(cell["label"] in ("none", "normal") for cell in first_row["cells"])
    assert {"table", "columnheader", "rowheader", "cell"} <= table_roles(tab)
