"""The scorecard's actions on a phone: a card per action, every column shown under its name;
on a wide screen, and to screen readers at any width, a table."""

import pytest
from playwright.sync_api import expect

from demo.data import FEATURED_SLUG
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCORECARD = f"/strategies/{FEATURED_SLUG}/scorecard/"
COLUMNS = ["Status", "Lead", "Partners", "Start", "Due"]

# Each action's cells: the column name drawn before it and the cell's box.
CELLS = """
[...document.querySelectorAll(".actions-table tbody tr")].map(row => ({
  title: row.querySelector("th").getBoundingClientRect().toJSON(),
  row: row.getBoundingClientRect().toJSON(),
  cells: [...row.querySelectorAll("td")].map(cell => ({
    label: getComputedStyle(cell, "::before").content,
    box: cell.getBoundingClientRect().toJSON(),
  })),
}))
"""


def table_roles(tab) -> set[str]:
    nodes = tab.context.new_cdp_session(tab).send("Accessibility.getFullAXTree")["nodes"]
    return {node["role"]["value"] for node in nodes}


def test_on_a_phone_each_action_is_a_card_showing_every_column_under_its_name(demo, page_in):
    tab = page_in(width=390, height=800)
    tab.goto(demo + SCORECARD)
    tab.locator(".actions-table").first.scroll_into_view_if_needed()

    actions = tab.evaluate(CELLS)
    screenshot(tab, "scorecard-actions-phone")

    assert actions
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scroll"
    for action in actions:
        drawn = [cell["label"] for cell in action["cells"]]
        assert [label.split('"')[1] for label in drawn] == COLUMNS, drawn
        tops = [action["title"]["top"]] + [cell["box"]["top"] for cell in action["cells"]]
        assert tops == sorted(tops), "title, then each column on its own line"
        for cell in action["cells"]:
            assert cell["box"]["right"] <= action["row"]["right"] <= 390
    # The column headers are left to screen readers: each card names its cells itself.
    assert tab.locator(".actions-table thead").first.bounding_box()["height"] <= 1
    assert {"table", "row", "columnheader", "rowheader", "cell"} <= table_roles(tab)


def test_on_a_wide_screen_the_actions_are_a_table_with_its_column_headers(demo, page_in):
    tab = page_in(width=1280)
    tab.goto(demo + SCORECARD)
    table = tab.locator(".actions-table").first

    expect(table.locator("thead th")).to_have_text(["Action", *COLUMNS])
    first_row = tab.evaluate(CELLS)[0]
    tops = {round(cell["box"]["top"]) for cell in first_row["cells"]}
    assert len(tops) == 1, "one row across"
    assert all(cell["label"] in ("none", "normal") for cell in first_row["cells"])
    assert {"table", "columnheader", "rowheader", "cell"} <= table_roles(tab)
