"""The admin at 1280 px: the strategy list's titles wrap to a few lines and every column
shows whole; the experts on a page's form keep inside their box; people by name."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demo.data import FEATURED_SLUG
from strategy.models import Strategy
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_demo_site import sign_in_from_the_featured_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# How far each of the element's descendants reaches past its right edge, and whether it
# scrolls sideways.
OVERFLOW = """element => {
  const right = element.getBoundingClientRect().right;
  const reach = Math.max(...[...element.querySelectorAll("*")].map(
    child => child.getBoundingClientRect().right));
  return {past: reach - right, scrolls: element.scrollWidth > element.clientWidth};
}"""


def test_the_strategy_list_shows_titles_on_few_lines_and_every_column_whole(demo, page_in):
    tab = page_in(width=1280)
    sign_in_from_the_featured_page(tab, demo, "editor")

    tab.goto(demo + reverse("admin:strategy_strategy_changelist"))
    table = tab.locator("#result_list")
    SCREENSHOTS.mkdir(exist_ok=True)
    table.screenshot(path=SCREENSHOTS / "admin-strategy-list-1280.png")
    screenshot(tab, "admin-strategy-list-1280-page")

    assert tab.locator(".results").evaluate(OVERFLOW) == {"past": 0, "scrolls": False}
    line = float(
        tab.locator("#result_list .field-title a").first.evaluate(
            "a => parseFloat(getComputedStyle(a).lineHeight)"
        )
    )
    for title in tab.locator("#result_list th.field-title a").all():
        assert title.bounding_box()["height"] <= 3 * line + 1, title.text_content()
    due = tab.locator("#result_list td.field-review_due_or_never").filter(has_text="2027")
    expect(due).to_have_text("March 4, 2027")
    assert due.evaluate("td => td.scrollWidth <= td.clientWidth")
    managers = set(table.locator("td.field-page_manager").all_text_contents())
    assert managers == {"Dana Rivera", "-"}, "named, never the username"


def test_the_experts_on_a_page_form_keep_inside_their_box(demo, page_in):
    page = Strategy.objects.get(slug=FEATURED_SLUG)
    tab = page_in(width=1280)
    sign_in_from_the_featured_page(tab, demo, "editor")

    tab.goto(demo + reverse("admin:strategy_strategy_change", args=[page.pk]))
    experts = tab.locator("#expert_assignments-group")
    experts.scroll_into_view_if_needed()
    experts.screenshot(path=SCREENSHOTS / "admin-strategy-experts-1280.png")

    assert experts.evaluate(OVERFLOW) == {"past": 0, "scrolls": False}
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1280
    expect(experts.locator(".select2-selection__rendered").first).to_have_text("×Sam Okafor")
