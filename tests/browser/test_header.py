"""The header in a browser: one row on a wide screen, signed in or not; on a phone a "Menu"
that opens and closes without JavaScript, from the keyboard too."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAIN_LINKS = ["Strategy map", "Programs", "Partners", "Dashboard", "Recent changes"]


def sign_in(tab, demo, username):
    tab.goto(demo + "/accounts/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(f"demo-{username}-2026")
    tab.get_by_role("button", name="Sign in").click()


def expanded(tab, name: str):
    """The expanded state Chromium tells screen readers for the control named ``name``."""
    nodes = tab.context.new_cdp_session(tab).send("Accessibility.getFullAXTree")["nodes"]
    for node in nodes:
        if node.get("name", {}).get("value") == name and node["role"]["value"] != "StaticText":
            states = {prop["name"]: prop["value"]["value"] for prop in node.get("properties", [])}
            return states.get("expanded")
    raise AssertionError(f"no control named {name}")


def shoot_header(tab, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.locator(".site-header").screenshot(path=SCREENSHOTS / f"{name}.png")


@pytest.mark.parametrize("who", ["visitor", "editor"])
def test_the_header_is_one_row_at_1280_px(demo, page_in, who):
    tab = page_in(width=1280)
    if who == "editor":
        sign_in(tab, demo, "editor")
    tab.goto(demo + "/")

    header = tab.locator(".site-header")
    parts = [
        tab.locator(".site-name"),
        *(header.get_by_role("link", name=name, exact=True) for name in MAIN_LINKS),
        header.get_by_role("searchbox"),
        header.get_by_role("button", name="Search"),
        header.locator("summary:visible, a:visible", has_text="Jordan Ellis")
        if who == "editor"
        else header.get_by_role("link", name="Sign in"),
    ]
    boxes = [part.bounding_box() for part in parts]
    shoot_header(tab, f"header-{who}-1280")

    assert header.bounding_box()["height"] <= 64
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) <= 4, "every part on one row"
    lefts = [box["x"] for box in boxes]
    assert lefts == sorted(lefts), "name, navigation, search, account from left to right"
    assert boxes[-1]["x"] + boxes[-1]["width"] <= 1280
    expect(header.get_by_role("link", name="Password")).to_be_hidden()


def test_the_editors_account_menu_opens_from_the_keyboard_under_their_name(demo, page_in):
    tab = page_in(width=1280)
    sign_in(tab, demo, "editor")
    tab.goto(demo + "/")
    account = tab.get_by_role("navigation", name="Account")

    account.locator("summary").focus()
    assert expanded(tab, "Account: Jordan Ellis") is False
    tab.keyboard.press("Enter")
    assert expanded(tab, "Account: Jordan Ellis") is True
    tab.keyboard.press("Tab")

    focused = tab.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Edit pages"
    for name in ["Edit pages", "Updates", "Reviews", "Password", "API token", "Weekly e-mail"]:
        expect(account.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    menu = account.locator(".account-links").bounding_box()
    assert menu["x"] + menu["width"] <= 1280, "the menu opens inside the window"
    screenshot(tab, "header-editor-1280-account-menu")

    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Enter")
    expect(account.get_by_role("link", name="Password")).to_be_hidden()


@pytest.mark.parametrize("who", ["visitor", "editor"])
def test_on_a_phone_the_header_is_one_bar_with_a_menu_that_opens_from_the_keyboard(
    demo, page_in, who
):
    tab = page_in(width=375, height=800)
    if who == "editor":
        sign_in(tab, demo, "editor")
    tab.goto(demo + "/")
    header = tab.locator(".site-header")
    menu = header.locator("summary", has_text="Menu")

    assert header.bounding_box()["height"] <= 64
    for name in MAIN_LINKS:
        expect(header.get_by_role("link", name=name, exact=True)).to_be_hidden()
    shoot_header(tab, f"header-{who}-375")

    stops = []
    while not stops or stops[-1] != "Menu":
        tab.keyboard.press("Tab")
        stops.append(tab.evaluate("document.activeElement.textContent.trim()"))
        assert len(stops) < 5, stops
    outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focus ring shows on Menu"
    assert expanded(tab, "Menu") is False
    tab.keyboard.press("Enter")
    assert expanded(tab, "Menu") is True

    for name in MAIN_LINKS:
        expect(header.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(header.get_by_role("searchbox")).to_be_visible()
    if who == "editor":
        expect(header.locator("#site-menu-account")).to_have_text("Account: Jordan Ellis")
        expect(header.get_by_role("link", name="Password")).to_be_visible()
        expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    else:
        expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(tab, f"header-{who}-375-menu")

    menu.click()
    expect(header.get_by_role("link", name="Programs")).to_be_hidden()
