"""The demo site's main pages pass a WCAG 2.1 AA audit, as a visitor and as an editor see them.

Each page is audited at a desktop width (the map as a diagram) and a phone width (the map
as a list): axe-core's serious and critical violations, links whose accessible name misses
their visible text, and SVG text under 4.5:1 (tests/browser/audit.py). Screenshots of every
audited page land in tests/browser/screenshots/a11y-*.png.
"""

import re
from pprint import pformat

import pytest
from playwright.sync_api import expect

from demo.data import FEATURED_SLUG
from tests.browser.audit import audit
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AUDITED_PAGES = {
    "home-map": "/",
    "home-map-highlighted": "/?status=off-track",
    "zoom-map": "/maps/reduce-access-to-opioids/",
    "drug-market-intervention-page": f"/strategies/{FEATURED_SLUG}/",
    "drug-market-intervention-program": "/programs/drug-market-intervention/",
    "program-library": "/programs/",
    "search-results": "/search/?q=intervention",
    "dashboard-measures": "/dashboard/?sort=-status",
    "dashboard-actions": "/dashboard/actions/?partner=interfaith-council",
    "recent-changes": "/changes/",
}
WIDTHS = {"desktop": 1280, "phone": 390}


def audit_every_page(tab, demo, who):
    """The audit's findings on each page at each width, keyed "page at width"."""
    found = {}
    for width_name, width in WIDTHS.items():
        tab.set_viewport_size({"width": width, "height": 900})
        for name, path in AUDITED_PAGES.items():
            tab.goto(demo + path)
            if name == "search-results":
                expect(tab.locator("main mark").first).to_be_visible()
            screenshot(tab, f"a11y-{who}-{name}-{width_name}")
            if problems := audit(tab, demo):
                found[f"{path} at {width}px"] = problems
    return found


def test_main_pages_pass_the_wcag_21_aa_audit_as_a_visitor_sees_them(demo, page_in):
    tab = page_in()

    found = audit_every_page(tab, demo, "visitor")

    assert found == {}, pformat(found, width=100)


def test_main_pages_pass_the_wcag_21_aa_audit_as_an_editor_sees_them(demo, page_in):
    tab = page_in()
    tab.goto(demo + "/accounts/login/")
    tab.get_by_label("Username").fill("editor")
    tab.get_by_label("Password").fill("demo-editor-2026")
    tab.get_by_role("button", name="Sign in").click()
    tab.goto(demo + f"/strategies/{FEATURED_SLUG}/")
    expect(tab.get_by_role("link", name="Edit this page")).to_be_visible()

    found = audit_every_page(tab, demo, "editor")

    assert found == {}, pformat(found, width=100)


# Faults planted in a page that passes: one for each check of the audit.
PLANT_FAULTS = """() => {
  const main = document.querySelector("main");
  main.insertAdjacentHTML("afterbegin", `
    <p><a href="/programs/" aria-label="Evidence library">Program library</a></p>
    <p id="planted-faint">Faint words</p>
    <svg width="300" height="40"><rect width="300" height="40" fill="#ffffff"></rect>
      <text x="10" y="25" fill="#aaaaaa">Faint drawing</text></svg>`);
  document.getElementById("planted-faint").style.color = "#bbbbbb";
}"""


def test_the_audit_reports_a_misnamed_link_faint_text_and_a_faint_drawing(demo, page_in):
    tab = page_in()
    tab.goto(demo + "/programs/")
    assert audit(tab, demo) == {}

    tab.evaluate(PLANT_FAULTS)
    found = audit(tab, demo)

    axe = {violation["rule"]: violation["where"] for violation in found["axe"]}
    assert axe.keys() == {"color-contrast", "label-content-name-mismatch"}
    assert [where.split(":")[0] for where in axe["color-contrast"]] == ["['#planted-faint']"]
    assert axe["label-content-name-mismatch"][0].startswith(
        "['a[aria-label=\"Evidence library\"]']"
    )
    assert found["label in name"] == [
        {"href": "/programs/", "shows": "Program library", "named": "Evidence library"}
    ]
    assert [(text["text"], text["contrast"]) for text in found["svg contrast"]] == [
        ("Faint drawing", 2.32)
    ]


def test_a_map_box_is_one_link_named_by_all_it_shows_and_described_by_its_theme(demo, page_in):
    tab = page_in(width=1280)
    tab.goto(demo + "/")
    node = tab.locator(".map-node", has_text="Reduce Prescription of Opioids")
    shown = " ".join(node.locator(".map-node-link text").all_text_contents())
    box = node.locator(".map-node-link")

    expect(box).to_have_accessible_name(re.compile(r"\s+".join(shown.split())))
    expect(box).to_have_accessible_name(re.compile("^Reduce Prescription of Opioids Off track"))
    expect(box).to_have_accessible_description("Theme: Prevention")
    zoom = tab.get_by_role("link", name="Zoom map for Reduce Prescription of Opioids")
    expect(zoom).to_have_text("Zoom map ›")

    # A click anywhere on the box, its words included, opens the page.
    status = node.locator(".map-node-status").bounding_box()
    tab.mouse.click(status["x"] + status["width"] / 2, status["y"] + status["height"] / 2)
    expect(tab.locator("h1")).to_have_text("Reduce Prescription of Opioids")
