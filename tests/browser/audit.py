"""The accessibility audit of a page open in a browser tab: WCAG 2.1 AA with axe-core, and
the two checks axe leaves out, each returning what fails (empty when the page passes).

- ``axe_violations``: axe-core's rules tagged WCAG 2.0 and 2.1, levels A and AA, that fail
  with a serious or critical impact. axe is the vendored copy in static/vendor/axe-core/,
  added to the page from the live server as a script the page's own content security
  policy allows (``script-src 'self'``); the policy is not loosened for the audit.
- ``links_whose_name_misses_their_text``: every link the browser draws whose accessible
  name, as Chromium computes it, does not contain the text it shows (WCAG 2.5.3, label in
  name), compared case-insensitively with whitespace collapsed.
- ``svg_text_below_contrast``: text in SVG drawings (maps, charts) under 4.5:1 against what
  is drawn behind it (3:1 for large text). axe measures only HTML text.

``audit(tab)`` runs the three; docs/accessibility.md says how to add a page.
"""

from django.templatetags.static import static

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}

RUN_AXE = """tags => axe.run(document, {
  runOnly: {type: "tag", values: tags},
  resultTypes: ["violations"],
})"""


def axe_violations(tab, base_url: str) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page in ``tab``."""
    if not tab.evaluate("typeof window.axe !== 'undefined'"):
        tab.add_script_tag(url=base_url + static("vendor/axe-core/axe.min.js"))
    results = tab.evaluate(RUN_AXE, WCAG_21_AA)
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "where": [f"{node['target']}: {node['failureSummary']}" for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


# The text an element shows, read in the browser: text nodes a reader can see, in order.
# Left out: text not drawn (display: none, visibility: hidden, opacity 0, <desc>, <title>),
# visually hidden text (drawn in a box of at most 1x1 pixel, as Bootstrap's .visually-hidden
# is), and aria-hidden symbols such as "›". aria-hidden text with letters or digits counts
# as shown, so hiding words from the name fails. Separate blocks and separate lines of SVG
# text (a <text>, or a <tspan> placed by its own x or y) read as separate words.
VISIBLE_TEXT = """function () {
  const link = this;
  const drawn = element => {
    if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) return false;
    for (let e = element; e && e !== link.parentElement; e = e.parentElement) {
      const box = e.getBoundingClientRect();
      if (box.width <= 1 && box.height <= 1) return false;
    }
    return true;
  };
  const blockOf = element => {
    const line = element.closest("tspan[x], tspan[y], text");
    if (line) return line;
    for (let e = element; e && e !== link; e = e.parentElement) {
      if (!getComputedStyle(e).display.startsWith("inline")) return e;
    }
    return link;
  };
  let shown = "", previousBlock = null;
  const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!drawn(parent)) continue;
    if (!node.textContent.trim()) { shown += " "; continue; }
    if (parent.closest("[aria-hidden=true]") && !/[\\p{L}\\p{N}]/u.test(node.textContent)) continue;
    const block = blockOf(parent);
    if (previousBlock && block !== previousBlock) shown += " ";
    shown += node.textContent;
    previousBlock = block;
  }
  return shown;
}"""

DRAWN_LINKS = """() => [...document.querySelectorAll("a[href]")].filter(
  link => link.checkVisibility({visibilityProperty: true})
)"""


def _collapsed(text: str) -> str:
    return " ".join(text.split()).casefold()


def links_whose_name_misses_their_text(tab) -> list[dict]:
    """Every drawn link whose accessible name does not contain its visible text, with both.

    The name is Chromium's own (its accessibility tree, over the DevTools protocol), so
    aria-label, aria-labelledby and text content count exactly as a screen reader gets them.
    """
    cdp = tab.context.new_cdp_session(tab)
    try:
        cdp.send("DOM.enable")
        cdp.send("Accessibility.enable")
        links = cdp.send("Runtime.evaluate", {"expression": f"({DRAWN_LINKS})()"})["result"]
        properties = cdp.send(
            "Runtime.getProperties", {"objectId": links["objectId"], "ownProperties": True}
        )["result"]
        elements = [p["value"]["objectId"] for p in properties if p["name"].isdigit()]
        misses = []
        for object_id in elements:
            shown = cdp.send(
                "Runtime.callFunctionOn",
                {"objectId": object_id, "functionDeclaration": VISIBLE_TEXT, "returnByValue": True},
            )["result"]["value"]
            tree = cdp.send(
                "Accessibility.getPartialAXTree", {"objectId": object_id, "fetchRelatives": False}
            )["nodes"]
            name = next((node["name"]["value"] for node in tree if "name" in node), "")
            if _collapsed(shown) not in _collapsed(name):
                href = cdp.send(
                    "Runtime.callFunctionOn",
                    {
                        "objectId": object_id,
                        "functionDeclaration": "function () { return this.getAttribute('href'); }",
                        "returnByValue": True,
                    },
                )["result"]["value"]
                misses.append({"href": href, "shows": shown, "named": name})
        return misses
    finally:
        cdp.detach()


# Each SVG text's fill against the first filled shape drawn beneath its middle, or the
# background of the HTML beneath the drawing; returns those under the WCAG AA minimum.
SVG_TEXT_CONTRAST = """() => {
  const channels = colour => colour.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = c => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  const htmlBackground = element => {
    for (let e = element; e; e = e.parentElement) {
      const colour = channels(getComputedStyle(e).backgroundColor);
      if (colour.length < 4 || colour[3] > 0) return colour;
    }
    return [255, 255, 255];
  };
  const backgroundOf = text => {
    const box = text.getBoundingClientRect();
    const below = document.elementsFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    for (const element of below) {
      if (element.closest("text")) continue;
      if (element instanceof SVGGeometryElement) {
        const style = getComputedStyle(element);
        if (style.fill.startsWith("rgb") && Number(style.fillOpacity) > 0
            && (channels(style.fill)[3] ?? 1) > 0) return channels(style.fill);
        continue;
      }
      if (element instanceof SVGElement) continue;
      return htmlBackground(element);
    }
    return htmlBackground(text.closest("svg").parentElement);
  };
  const failures = [];
  for (const text of document.querySelectorAll("svg text, svg tspan")) {
    const own = [...text.childNodes].filter(node => node.nodeType === Node.TEXT_NODE)
      .map(node => node.textContent).join("").trim();
    if (!own || !text.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    text.scrollIntoView({block: "center", inline: "center"});
    const style = getComputedStyle(text);
    if (!style.fill.startsWith("rgb")) continue;
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const minimum = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const background = backgroundOf(text);
    const contrast = ratio(channels(style.fill), background);
    if (contrast < minimum) {
      failures.push({
        text: own, fill: style.fill, background: `rgb(${background.slice(0, 3).join(", ")})`,
        contrast: Math.round(contrast * 100) / 100, minimum,
      });
    }
  }
  window.scrollTo(0, 0);
  return failures;
}"""


def svg_text_below_contrast(tab) -> list[dict]:
    """SVG text drawn under 4.5:1 (3:1 when large) against what is beneath it."""
    return tab.evaluate(SVG_TEXT_CONTRAST)


def audit(tab, base_url: str) -> dict[str, list]:
    """What fails on the page in ``tab``, by check; only checks that found something."""
    found = {
        "axe": axe_violations(tab, base_url),
        "label in name": links_whose_name_misses_their_text(tab),
        "svg contrast": svg_text_below_contrast(tab),
    }
    return {check: failures for check, failures in found.items() if failures}
