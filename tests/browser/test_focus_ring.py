"""A keyboard user sees the same solid focus ring on every control, header links included."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RING = "rgb(11, 94, 215)"  # #0b5ed7, 5.8:1 on white

RING_OF_FOCUSED = """() => {
  const element = document.activeElement, style = getComputedStyle(element);
  let behind = element, background = "rgba(0, 0, 0, 0)";
  while (behind && background === "rgba(0, 0, 0, 0)") {
    background = getComputedStyle(behind).backgroundColor;
    behind = behind.parentElement;
  }
  return {
    text: element.textContent.trim(), style: style.outlineStyle, width: style.outlineWidth,
    color: style.outlineColor, shadow: style.boxShadow,
    headerBackground: (() => {
      let node = element.closest("header"), color = "rgba(0, 0, 0, 0)";
      while (node && color === "rgba(0, 0, 0, 0)") {
        color = getComputedStyle(node).backgroundColor; node = node.parentElement;
      }
      return color === "rgba(0, 0, 0, 0)" ? "rgb(255, 255, 255)" : color;
    })(),
  };
}"""


def luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def tab_to(tab, text: str, limit: int = 40) -> dict:
    for _ in range(limit):
        tab.keyboard.press("Tab")
        ring = tab.evaluate(RING_OF_FOCUSED)
        if ring["text"] == text:
            return ring
    raise AssertionError(f"no keyboard stop “{text}”")


@pytest.mark.parametrize("label", ["Opioid Coalition Strategy Map", "Programs", "Search"])
def test_header_controls_show_the_solid_focus_ring_the_map_boxes_show(live_server, page_in, label):
    call_command("load_demo")
    tab = page_in()
    tab.goto(live_server.url + "/")

    ring = tab_to(tab, label)

    SCREENSHOTS.mkdir(exist_ok=True)
    tab.locator("header").screenshot(path=SCREENSHOTS / f"focus-ring-{label.split()[0]}.png")
    assert (ring["style"], ring["width"], ring["color"]) == ("solid", "3px", RING)
    assert ring["shadow"] == "none"  # no pale glow beside it
    assert contrast(ring["color"], ring["headerBackground"]) >= 3
    # …the ring a map box's link shows.
    box = tab.locator(".map-node-link").first
    box.focus()
    box_ring = tab.evaluate(RING_OF_FOCUSED)
    assert (box_ring["style"], box_ring["width"], box_ring["color"]) == ("solid", "3px", RING)
