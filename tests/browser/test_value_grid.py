"""The demo manager enters values in the data-entry grid: moving with the keyboard, pasting
two cells copied from a spreadsheet, and saving."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from base.periods import shift_period
from demo.data import FEATURED_SLUG
from scorecards.models import DataPoint, Measure
from tests.browser.audit import audit
from tests.browser.conftest import screenshot
from tests.browser.test_demo_site import sign_in_from_the_featured_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASTE = """(text) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  document.activeElement.dispatchEvent(
    new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
  );
}"""


def focused_name(tab) -> str:
    return tab.evaluate("document.activeElement.name")


def test_manager_moves_with_the_keyboard_pastes_two_values_and_saves(demo, page_in):
    measures = list(
        Measure.objects.filter(objective__strategy__slug=FEATURED_SLUG).order_by(
            "objective__order", "objective_id", "order", "id"
        )
    )
    first, second = measures[0], measures[1]
    assert (first.frequency, first.lag_days) == (second.frequency, second.lag_days)
    newest_due = first.latest_due_period(timezone.localdate())
    tab = page_in(width=1280)
    sign_in_from_the_featured_page(tab, demo, "manager")
    tab.get_by_role("link", name="Enter scorecard values").click()
    expect(tab.get_by_role("heading", name="Enter values")).to_be_visible()
    screenshot(tab, "value-grid")
    assert audit(tab, demo) == {}

    # Tab along the row, Enter down the column, the arrows from box to box.
    tab.locator("input.grid-value").first.focus()
    names = tab.locator(f"tr:has-text('{first.name}') input.grid-value").evaluate_all(
        "inputs => inputs.map(input => input.name)"
    )
    assert focused_name(tab) == names[0]
    tab.keyboard.press("Tab")
    assert focused_name(tab) == names[1]
    tab.keyboard.press("Enter")
    assert focused_name(tab) == names[1].replace(f"-{first.pk}-", f"-{second.pk}-")
    tab.keyboard.press("ArrowUp")
    assert focused_name(tab) == names[1].replace("value-", "note-")
    tab.keyboard.press("ArrowUp")
    tab.keyboard.press("ArrowRight")
    assert focused_name(tab) == names[2]
    tab.keyboard.press("Shift+Tab")
    assert focused_name(tab) == names[1]

    # Two cells of a spreadsheet's row, pasted into the newest period due and the next.
    target = f"value-{first.pk}-{newest_due.label}"
    tab.locator(f"input[name='{target}']").focus()
    tab.evaluate(PASTE, "41\t42\n")
    expect(tab.locator("#grid-status")).to_contain_text("Pasted 2 values.")
    boxes = tab.locator(f"tr:has-text('{first.name}') input.grid-value")
    at = names.index(target)
    expect(boxes.nth(at)).to_have_value("41")
    expect(boxes.nth(at + 1)).to_have_value("42")
    screenshot(tab, "value-grid-pasted")
    tab.get_by_role("button", name="Save").click()
    if tab.get_by_text("Nothing is saved yet.").is_visible():
        screenshot(tab, "value-grid-asking")
        tab.get_by_role("button", name="Save").click()

    expect(tab.get_by_text("Saved in one revision of the page:")).to_be_visible()
    screenshot(tab, "value-grid-saved")
    stored = DataPoint.objects.filter(measure=first).order_by("-period_start")
    assert [(point.period, point.value) for point in stored[:2]] == [
        (shift_period(newest_due, first.frequency, 1).label, 42),
        (newest_due.label, 41),
    ]
    tab.goto(f"{demo}/strategies/{FEATURED_SLUG}/")
    expect(tab.locator(f"#measure-{first.pk}")).to_contain_text("42")
