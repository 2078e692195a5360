"""A page manager makes an API token on their account page; a script posts a value with it,
and the public page shows the value."""

import json

import pytest
from playwright.sync_api import expect

from demo.data import FEATURED_SLUG
from tests.browser.audit import audit
from tests.browser.conftest import open_account_menu, screenshot
from tests.browser.test_demo_site import sign_in_from_the_featured_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def post_values(tab, demo, key, values):
    """Post as a script does: the token alone, no session cookie (``tab`` has none)."""
    return tab.request.post(
        f"{demo}/api/strategies/{FEATURED_SLUG}/scorecard/values/",
        data=json.dumps(values),
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
    )


def test_a_script_posts_a_value_with_the_managers_token_and_the_page_shows_it(demo, page_in):
    visitor = page_in()
    visitor.goto(f"{demo}/strategies/{FEATURED_SLUG}/")
    # A value's period as the numbers tables list it (the charts' axes name periods
    # without values too).
    rows_of_2026_q4 = visitor.locator("table.measure-numbers tbody th", has_text="2026-Q4")
    expect(rows_of_2026_q4).to_have_count(0)
    tab = page_in()
    sign_in_from_the_featured_page(tab, demo, "manager")

    open_account_menu(tab)
    tab.get_by_role("link", name="API token").click()
    expect(tab.get_by_text("You have no token.")).to_be_visible()
    tab.get_by_role("button", name="Create a token").click()
    key = tab.get_by_label("Token").input_value()
    screenshot(tab, "api-token-created")
    example = tab.locator("pre.api-example")
    assert example.evaluate("box => box.scrollWidth <= box.clientWidth"), "lines wrap in the box"
    expect(example).to_contain_text('"period": "<period, e.g. ')
    assert audit(tab, demo) == {}
    answer = post_values(
        visitor,
        demo,
        key,
        [{"measure": "Overdose calls from the target area", "period": "2026-Q4", "value": 13}],
    )

    assert answer.status == 201
    assert answer.json()["values"][0]["result"] == "added"
    visitor.reload()
    expect(rows_of_2026_q4.first).to_be_attached()
    tab.goto(f"{demo}/accounts/token/")
    expect(tab.get_by_text("You have a token, created")).to_be_visible()
    expect(tab.get_by_label("Token")).to_have_count(0)
