"""Markdown for rich-text fields: rendered to HTML, then sanitised to an allow-list."""

import markdown
import nh3

MARKDOWN_HELP = "Markdown: **bold**, *italics*, - bullet lists, [label](https://example.org)."

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "sup",
    "sub",
}
# Links may lead only to web pages and e-mail, in Markdown and in URL fields alike.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}


def render_markdown(text: str) -> str:
    """Safe HTML for Markdown typed by page managers (raw HTML and scripts are removed)."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer",
    )
