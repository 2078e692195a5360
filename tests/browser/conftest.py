"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live server.

Screenshots of every page visited land in tests/browser/screenshots/ for a person to look at.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test
    # database calls made from the test body are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def demo(live_server):
    """The demo site served by the live server; its address."""
    call_command("load_demo")
    return live_server.url


@pytest.fixture
def page_in(browser):
    """Open a fresh browser tab with the given viewport width."""
    contexts = []

    def open_tab(width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


def screenshot(tab, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def open_account_menu(tab):
    """Open the header's menu that holds the signed-in person's links: the account menu on a
    wide screen, "Menu" on a phone (only one of them is displayed)."""
    tab.locator(".site-header summary:visible").click()
