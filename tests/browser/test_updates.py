"""The demo page manager's updates queue and its e-mail settings pass the accessibility audit."""

import pytest
from playwright.sync_api import expect

from tests.browser.audit import audit
from tests.browser.conftest import open_account_menu, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_updates_pages_pass_the_audit(demo, page_in, width):
    tab = page_in(width=width)
    tab.goto(demo + "/accounts/login/")
    tab.get_by_label("Username").fill("manager")
    tab.get_by_label("Password").fill("demo-manager-2026")
    tab.get_by_role("button", name="Sign in").click()

    tab.goto(demo + "/")
    open_account_menu(tab)
    tab.get_by_role("link", name="Updates").click()
    expect(tab.get_by_role("heading", name="Values to enter")).to_be_visible()
    screenshot(tab, f"updates-queue-{width}")
    assert audit(tab, demo) == {}

    tab.get_by_role("link", name="Weekly e-mail of your updates").click()
    expect(tab.get_by_label("E-mail me once a week what is due")).to_be_checked()
    screenshot(tab, f"updates-settings-{width}")
    assert audit(tab, demo) == {}
