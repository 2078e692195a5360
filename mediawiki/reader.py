"""The old strategy wiki's pages, read: wikitext → Markdown and the parts of a page.

Pure functions, no database. ``clean`` strips what an earlier Wikispaces
import and hand editing left behind (wrapper ``<div>``s, ``<span style=…>``,
``<font>``, ``__NOTOC__``, ``&nbsp;``); mwparserfromhell parses the rest;
``Renderer`` turns nodes into Markdown (or plain text for names and titles),
collecting the ``<ref>`` citations it meets. ``parse_map_page`` reads a map
page (its headings are bands, its listed links strategies) and
``parse_strategy_page`` a strategy page in the template every page of the old
site follows. Everything a page holds lands somewhere: a part of the page, its
"Other notes", or a warning that names it.
"""

import datetime
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import mwparserfromhell
from mwparserfromhell.nodes import (
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)

from base.periods import in_window, year_window

LINE_BREAK = "\u2028"  # what <br> becomes: a line break that does not end a table cell
DEFAULT_BAND = "Strategies"
OTHER_NOTES_HEADING = "### Other notes"


class WikitextError(ValueError):
    """A page's wikitext could not be read."""


# Titles -----------------------------------------------------------------------------------

ZOOM_TITLE = re.compile(r"^zoom[\s_]*map\s*[-–—:]\s*(?P<subject>.+)$", re.IGNORECASE)
ZOOM_LABEL = re.compile(r"zoom\s*map\s*\((?P<subject>[^)]+)\)", re.IGNORECASE)
TOP_LEVEL_TITLE = re.compile(r"\btop[\s-]*level\b.*\bmap\b", re.IGNORECASE)
OTHER_NAMESPACES = {
    "talk",
    "user",
    "user talk",
    "project",
    "help",
    "special",
    "template",
    "mediawiki",
    "media",
    "w",
    "wikipedia",
}


def normalize_title(raw: str) -> str:
    """A page title as MediaWiki stores it: spaces for underscores, a capital first letter."""
    title = html.unescape(raw).replace("_", " ").replace("\u00a0", " ")
    title = title.split("#", 1)[0]
    title = re.sub(r"\s+", " ", title).strip().lstrip(":").strip()
    return title[:1].upper() + title[1:]


def title_key(title: str) -> str:
    return normalize_title(title).casefold()


_PROGRAM_SUFFIX = re.compile(r"\s+(?:strategy|program|programme|initiative|model)$")


def program_key(name: str) -> str:
    """A program's name as programs are matched: "Drug Market Intervention (DMI) Strategy"
    and "drug market intervention" are one program.

    Without case, punctuation or "&"/"and", an abbreviation in parentheses, or a
    trailing "Strategy", "Program", "Initiative" or "Model"; a name that is only
    such a word keeps it.
    """
    text = html.unescape(name).replace("&", " and ")
    text = re.sub(r"\(\s*[^()]{1,15}\s*\)", " ", text)
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    key = re.sub(r"\s+", " ", text).strip()
    for _word in range(2):
        shorter = _PROGRAM_SUFFIX.sub("", key)
        if not shorter:
            break
        key = shorter
    return key or re.sub(r"\s+", " ", name.casefold()).strip()


def zoom_subject(title: str) -> str | None:
    """ "ZOOM MAP - Reduce Access to Opioids" → "Reduce Access to Opioids"."""
    match = ZOOM_TITLE.match(normalize_title(title))
    return normalize_title(match["subject"]) if match else None


def is_top_level_title(title: str) -> bool:
    return bool(TOP_LEVEL_TITLE.search(normalize_title(title))) and not zoom_subject(title)


@dataclass(frozen=True)
class MapRef:
    """A map a link points to: the top-level map, or the zoom map of one strategy."""

    title: str
    zoom_of: str | None = None

    @property
    def key(self) -> str:
        return "top" if self.zoom_of is None else "zoom:" + title_key(self.zoom_of)

    @property
    def name(self) -> str:
        return self.title if self.zoom_of is None else self.zoom_of


def map_ref(target: str, label: str | None = None) -> MapRef | None:
    title = normalize_title(target)
    if subject := zoom_subject(title):
        return MapRef(title=title, zoom_of=subject)
    if is_top_level_title(title):
        return MapRef(title=title)
    if label and (match := ZOOM_LABEL.search(label)):
        return MapRef(title=title, zoom_of=normalize_title(match["subject"]))
    return None


# Cleaning ---------------------------------------------------------------------------------

_CLEANUPS = [
    (re.compile(r"\r\n?"), "\n"),
    (re.compile(r"&nbsp;|&#160;|&#x0*a0;|\u00a0", re.IGNORECASE), " "),
    (re.compile(r"</?(?:div|span|font|center|u|ins|big|small|abbr|tt)\b[^>]*>", re.IGNORECASE), ""),
    (re.compile(r"</?(?:b|strong)\b[^>]*>", re.IGNORECASE), "'''"),
    (re.compile(r"</?(?:i|em)\b[^>]*>", re.IGNORECASE), "''"),
    (re.compile(r"<br\s*/?>|</br\s*>", re.IGNORECASE), LINE_BREAK),
    (re.compile(r"</?p\b[^>]*>", re.IGNORECASE), "\n\n"),
    (re.compile(r"__[A-Z]{2,20}__"), ""),
    # Wikispaces' table-of-contents macro, left behind by its export.
    (re.compile(r"\[\[toc(?:\|[^\]]*)?\]\]", re.IGNORECASE), ""),
    (re.compile(r"^[ \t]+|[ \t]+$", re.MULTILINE), ""),
]


def clean(text: str) -> str:
    """Wikitext without the wrappers, magic words and non-breaking spaces nobody meant."""
    for pattern, replacement in _CLEANUPS:
        text = pattern.sub(replacement, text)
    return text


def parse(text: str):
    try:
        code = mwparserfromhell.parse(text)
    except Exception as error:  # the tokenizer's own errors, and recursion on deep nesting
        raise WikitextError(f"its wikitext could not be parsed ({error})") from error
    # The parser gives back every character it was given; if it did not, text was lost.
    if str(code) != text:
        raise WikitextError("its wikitext could not be parsed (the parser lost part of it)")
    return code


# Breadcrumbs ------------------------------------------------------------------------------

_RETURN_TO = re.compile(r"^\W*return\s+to\b", re.IGNORECASE)
_LINK = re.compile(r"\[\[([^\[\]|]+)(?:\|([^\[\]]*))?\]\]")


def is_breadcrumb(plain_line: str) -> bool:
    return bool(_RETURN_TO.match(plain_line.replace("'''", "").replace("''", "")))


def breadcrumb(text: str) -> list[MapRef]:
    """The maps a page's "Return to …" lines name, top first, without duplicates.

    Read with a regular expression rather than the parser, because the first
    pass over a dump reads every page's breadcrumb and nothing else.
    """
    refs: list[MapRef] = []
    for line in clean(text).splitlines():
        if not is_breadcrumb(line):
            continue
        for match in _LINK.finditer(line):
            ref = map_ref(match[1], match[2])
            if ref and ref not in refs:
                refs.append(ref)
    return refs


# Blocks: lines and tables -----------------------------------------------------------------


@dataclass
class Line:
    """One line of wikitext: its list marker ("*", "**", "#", ";", ":") and inline nodes."""

    marker: str
    nodes: list


@dataclass
class Cell:
    header: bool
    nodes: list


@dataclass
class Table:
    rows: list[list[Cell]]


@dataclass
class HeadingLine:
    """A heading inside a part, with its level in the Markdown written (h4 at the least)."""

    level: int
    nodes: list


@dataclass
class Chunk:
    """A heading and the blocks under it, up to the next heading (level 0: the lead)."""

    level: int
    title: list
    blocks: list


def _is_marker(node) -> bool:
    return isinstance(node, Tag) and bool(node.wiki_markup) and node.wiki_markup in "*#;:"


def _has_content(nodes) -> bool:
    return any(not (isinstance(n, Text) and not n.value.strip()) for n in nodes)


def _tag(node) -> str:
    return str(node.tag).strip().lower() if isinstance(node, Tag) else ""


def to_blocks(nodes) -> list:
    blocks: list = []
    line = Line("", [])
    for node in nodes:
        if isinstance(node, Text):
            for index, piece in enumerate(node.value.split("\n")):
                if index:
                    blocks.append(line)
                    line = Line("", [])
                if piece:
                    line.nodes.append(Text(piece))
        elif _is_marker(node) and not _has_content(line.nodes):
            line.marker += node.wiki_markup
        elif _tag(node) == "table":
            if line.marker or _has_content(line.nodes):
                blocks.append(line)
            blocks.append(Table(_rows(node)))
            line = Line("", [])
        elif isinstance(node, Heading):
            blocks.append(line)
            blocks.append(HeadingLine(node.level + 2, list(node.title.nodes)))
            line = Line("", [])
        else:
            line.nodes.append(node)
    blocks.append(line)
    return blocks


def _rows(table: Tag) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    loose: list[Cell] = []  # cells before the first "|-" form the first row

    def walk(nodes):
        for node in nodes:
            name = _tag(node)
            if name == "tr":
                cells = [
                    Cell(_tag(c) == "th", list(c.contents.nodes))
                    for c in node.contents.nodes
                    if _tag(c) in ("td", "th")
                ]
                rows.append(cells)
            elif name in ("td", "th"):
                loose.append(Cell(name == "th", list(node.contents.nodes)))
            elif name in ("thead", "tbody", "tfoot"):
                walk(node.contents.nodes)

    walk(table.contents.nodes)
    if loose:
        rows.insert(0, loose)
    return [row for row in rows if row]


def chunks(code) -> list[Chunk]:
    found = [Chunk(0, [], [])]
    pending: list = []
    for node in code.nodes:
        if isinstance(node, Heading):
            found[-1].blocks = to_blocks(pending)
            pending = []
            found.append(Chunk(node.level, list(node.title.nodes), []))
        else:
            pending.append(node)
    found[-1].blocks = to_blocks(pending)
    return found


# Citations --------------------------------------------------------------------------------


@dataclass
class Citation:
    """What a <ref> footnote cites: becomes a Resource."""

    title: str
    url: str = ""
    text: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.url, "" if self.url else self.title.casefold())

    def markdown(self) -> str:
        label = _escape(self.text or self.title)
        return f"{label} <{self.url}>" if self.url else label


# Rendering --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(#|>|[-+*] |\d+\. |=)")
_SCHEMES = ("http://", "https://", "mailto:", "ftp://")
_SKIPPED_TAGS = {"gallery", "imagemap", "math", "timeline", "score", "graph", "inputbox"}


def escape_markdown(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


_escape = escape_markdown


def _wrap(marker: str, inner: str) -> str:
    """**bold** with the spaces outside the markers, where Markdown wants them."""
    core = inner.strip()
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(LINE_BREAK, " ")).strip()


class Renderer:
    """Nodes → Markdown or plain text.

    ``link_url(title)`` gives the site's address for a wiki page that is
    imported (a strategy page or a map), or None: other internal links become
    their label. Citations of every <ref> met are kept in ``citations``; in
    Markdown each becomes a numbered marker, and the block ends with its
    sources. Problems go to ``warn``.
    """

    def __init__(
        self,
        *,
        link_url: Callable[[str], str | None] | None = None,
        warn: Callable[[str], None] | None = None,
    ):
        self.link_url = link_url or (lambda title: None)
        self.warn = warn or (lambda message: None)
        self.citations: list[Citation] = []
        self.categories: list[str] = []
        self._named: dict[str, Citation] = {}
        self._block_refs: list[Citation] | None = None

    # Inline ----------------------------------------------------------------------

    def plain(self, nodes, *, skip=()) -> str:
        return self._inline(nodes, plain=True, skip=skip)

    def inline(self, nodes, *, skip=()) -> str:
        return self._inline(nodes, plain=False, skip=skip)

    def _inline(self, nodes, *, plain: bool, skip=()) -> str:
        return "".join(self._node(node, plain, skip) for node in nodes if id(node) not in skip)

    def _node(self, node, plain: bool, skip) -> str:
        if isinstance(node, Text):
            return node.value if plain else _escape(node.value)
        if isinstance(node, HTMLEntity):
            char = node.normalize().replace("\u00a0", " ")
            return char if plain else _escape(char)
        if isinstance(node, Comment):
            return ""
        if isinstance(node, Wikilink):
            return self._wikilink(node, plain, skip)
        if isinstance(node, ExternalLink):
            return self._external(node, plain, skip)
        if isinstance(node, Template):
            name = squash(str(node.name))
            self.warn(f"the template {{{{{name}}}}} cannot be expanded; kept as text")
            return str(node) if plain else _escape(str(node))
        if isinstance(node, Tag):
            return self._tag(node, plain, skip)
        if isinstance(node, Heading):
            return self._inline(node.title.nodes, plain=plain, skip=skip)
        return str(node) if plain else _escape(str(node))

    def _tag(self, node: Tag, plain: bool, skip) -> str:
        name = _tag(node)
        inner = (
            (lambda: self._inline(node.contents.nodes, plain=plain, skip=skip))
            if node.contents is not None
            else (lambda: "")
        )
        if name == "b":
            return inner() if plain else _wrap("**", inner())
        if name == "i":
            return inner() if plain else _wrap("*", inner())
        if name == "ref":
            return self._ref(node, plain)
        if name == "references":
            return ""
        if name == "br":
            return LINE_BREAK
        if name in ("nowiki", "pre", "code", "source", "syntaxhighlight"):
            raw = html.unescape(str(node.contents or ""))
            return raw if plain or name == "nowiki" else f"`{raw.strip()}`"
        if name in ("li", "dt", "dd"):  # a marker in mid-line, as in "; term : definition"
            return ": " if name == "dd" else ""
        if name == "table":
            rows = _rows(node)
            return LINE_BREAK.join(
                " | ".join(squash(self._inline(c.nodes, plain=plain, skip=skip)) for c in row)
                for row in rows
            )
        if name == "hr":
            return "" if plain else "* * *"
        if name in ("sup", "sub") and not plain:
            return f"<{name}>{inner()}</{name}>"
        if name in _SKIPPED_TAGS:
            self.warn(f"a <{name}> cannot be imported and was left out")
            return ""
        return inner()

    def _wikilink(self, node: Wikilink, plain: bool, skip) -> str:
        target = html.unescape(str(node.title)).strip()
        label = self._inline(node.text.nodes, plain=plain, skip=skip) if node.text else None
        prefix, _, rest = target.lstrip(":").partition(":")
        namespace = prefix.strip().casefold() if rest else ""
        if namespace in ("file", "image", "media") and not target.startswith(":"):
            self.warn(
                f"the image “{normalize_title(rest)}” cannot be imported "
                "(files are not in an XML export)"
            )
            return ""
        if namespace == "category" and not target.startswith(":"):
            self.categories.append(normalize_title(rest))
            return ""
        shown = label if label is not None else target.replace("_", " ").lstrip(":").split("#")[0]
        if plain:
            return shown
        if label is None:
            shown = _escape(shown)
        url = None if namespace in OTHER_NAMESPACES else self.link_url(normalize_title(target))
        return f"[{shown}]({url})" if url else shown

    def _external(self, node: ExternalLink, plain: bool, skip) -> str:
        url = clean_url(str(node.url))
        label = self._inline(node.title.nodes, plain=plain, skip=skip).strip() if node.title else ""
        if plain:
            return label or url
        if not url:
            return label
        url_md = url.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
        return f"[{label}]({url_md})" if label else f"<{url_md}>"

    def _ref(self, node: Tag, plain: bool) -> str:
        name = str(node.get("name").value).strip() if node.has("name") else ""
        citation = self._named.get(name) if name else None
        if citation is None:
            if node.contents is None or not node.contents.strip():
                return ""
            citation = self.citation(node.contents.nodes)
            if citation is None:
                return ""
            existing = next((c for c in self.citations if c.key == citation.key), None)
            if existing:
                citation = existing
            else:
                self.citations.append(citation)
            if name:
                self._named[name] = citation
        if plain or self._block_refs is None:
            return ""
        if citation not in self._block_refs:
            self._block_refs.append(citation)
        return f"<sup>[{self._block_refs.index(citation) + 1}]</sup>"

    def citation(self, nodes) -> Citation | None:
        urls = [clean_url(str(n.url)) for n in _walk(nodes) if isinstance(n, ExternalLink)]
        urls = [url for url in urls if url]
        links = {id(n) for n in _walk(nodes) if isinstance(n, ExternalLink) and not n.title}
        text = squash(self._inline(nodes, plain=True, skip=links))
        title = text.strip(" .,;:-–—")
        if not title and not urls:
            return None
        return Citation(title=title or urls[0], url=urls[0] if urls else "", text=text)

    # Blocks ----------------------------------------------------------------------

    def markdown(self, blocks) -> str:
        """Markdown for a run of blocks, followed by the sources its <ref>s cite."""
        outer, self._block_refs = self._block_refs, []
        try:
            body = self._blocks_md(blocks)
            if self._block_refs:
                sources = "\n".join(
                    f"{number}. {citation.markdown()}"
                    for number, citation in enumerate(self._block_refs, 1)
                )
                body = f"{body}\n\n**Sources**\n\n{sources}".strip()
        finally:
            self._block_refs = outer
        return body

    def _blocks_md(self, blocks) -> str:
        out: list[str] = []
        previous = "blank"
        for block in blocks:
            if isinstance(block, Table):
                text, kind = self._table_md(block), "table"
            elif isinstance(block, HeadingLine):
                title = squash(self.inline(block.nodes))
                text, kind = (f"{'#' * min(6, max(4, block.level))} {title}", "heading")
            else:
                text, kind = self._line_md(block)
            if not text:
                if kind == "blank":
                    out.append("")
                    previous = "blank"
                continue
            if previous != "blank" and (kind != previous or kind in ("table", "heading")):
                out.append("")
            out.append(text)
            previous = kind
        body = "\n".join(out)
        return re.sub(r"\n{3,}", "\n\n", body).replace(LINE_BREAK, "<br>").strip()

    def _line_md(self, line: Line) -> tuple[str, str]:
        marker = line.marker
        if marker.endswith(";"):
            split = next((i for i, n in enumerate(line.nodes) if _tag(n) == "dd"), None)
            term_nodes = line.nodes if split is None else line.nodes[:split]
            term = self.inline(term_nodes).strip()
            rest = "" if split is None else self.inline(line.nodes[split + 1 :]).strip()
            text = _wrap("**", term) + (f": {rest}" if rest else "")
            return text, "text"
        text = re.sub(r"(?<=\S)  +(?=\S)", " ", self.inline(line.nodes).strip())
        if not text:
            return "", ("blank" if not marker else "list")
        lists = marker.rstrip(":")
        if lists:
            indent = "    " * (len(lists) - 1)
            bullet = "1." if lists[-1] == "#" else "-"
            return f"{indent}{bullet} {text}", "list"
        if _LINE_START.match(text):
            text = "\\" + text
        return text, "text"

    def _table_md(self, table: Table) -> str:
        rows = [
            [
                squash(self.inline(cell.nodes).replace(LINE_BREAK, " <br> ")).replace("|", "\\|")
                for cell in row
            ]
            for row in table.rows
        ]
        if not rows:
            return ""
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(lines)


def _walk(nodes):
    for node in nodes:
        yield node
        if isinstance(node, Tag) and node.contents is not None:
            yield from _walk(node.contents.nodes)
        elif isinstance(node, Wikilink | ExternalLink):
            inner = node.text if isinstance(node, Wikilink) else node.title
            if inner is not None:
                yield from _walk(inner.nodes)


def clean_url(url: str) -> str:
    url = html.unescape(url).strip()
    if url.startswith("//"):
        url = "https:" + url
    return url if url.lower().startswith(_SCHEMES) else ""


# Small readers ----------------------------------------------------------------------------

_UNDER_CONSTRUCTION = re.compile(
    r"^[\W_]*(?:this\s+(?:page|section|part)\s+is\s+)?(?:still\s+)?under\s+construction[\W_]*$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"^\[.*\]$|^\(.*\)$|^<.*>$"
    r"|\b(?:insert|fill\s+(?:in|out)|tbd|tba|to\s+be\s+(?:determined|named|assigned|announced)"
    r"|name\s+here|your\s+name|add\s+(?:a\s+)?name|vacant|unassigned|pending"
    r"|see\s+(?:below|above)|table\s+(?:below|above))\b"
    r"|^(?:n/?a|none|nobody|unknown|-+|\?+|x+|\.+)$",
    re.IGNORECASE,
)
_CREDENTIAL = re.compile(
    r"^(?:MD|M\.D\.|PhD|Ph\.D\.|DO|RN|NP|PA|MPH|MSW|LCSW|LPC|JD|MA|MS|MBA|BSN|PharmD|"
    r"Jr\.?|Sr\.?|II|III|IV)$"
)
_MONTHS = re.compile(r"\b(Sept|Sep|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Oct|Nov|Dec)\.", re.IGNORECASE)
DATE_FORMATS = (
    "%m/%d/%Y",
    "%m/%d/%y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m-%d-%Y",
    "%m.%d.%Y",
    "%B %d, %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
)
MONTH_FORMATS = ("%B %Y", "%b %Y", "%Y-%m", "%m/%Y")


def is_under_construction(text: str) -> bool:
    return bool(_UNDER_CONSTRUCTION.match(squash(text)))


def is_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER.search(squash(text)))


def parse_date(text: str) -> tuple[datetime.date | None, bool]:
    """A review date as people typed it, and whether only its month was given.

    Numeric dates are read month first, as the old site's American authors wrote them:
    12/3/2018 is December 3, 2018.
    """
    value = squash(text)
    value = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", value)
    value = _MONTHS.sub(r"\1", value).replace("Sept ", "Sep ").replace("sept ", "sep ")
    for formats, month_only in ((DATE_FORMATS, False), (MONTH_FORMATS, True)):
        for pattern in formats:
            try:
                return datetime.datetime.strptime(value, pattern).date(), month_only
            except ValueError:
                continue
    return None, False


def first_sentence(text: str, limit: int) -> str:
    text = squash(text)
    match = re.match(r"(.+?[.!?])(?:\s+[A-Z“\"(]|$)", text)
    sentence = match[1] if match else text
    return shorten(sentence, limit)


def shorten(text: str, limit: int) -> str:
    text = squash(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + "…"


def split_outside_parentheses(text: str, separators: re.Pattern) -> list[str]:
    parts, depth, start = [], 0, 0
    index = 0
    while index < len(text):
        char = text[index]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and (match := separators.match(text, index)):
            parts.append(text[start:index])
            start = index = match.end()
            continue
        index += 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


_PEOPLE_SEPARATORS = re.compile(r"\s*(?:;|,|\n|\u2028|\s+and\s+|\s+&\s+)\s*")
_AREA_DASH = re.compile(r"\s+[-–—]\s+|\s*[–—]\s*|:\s+")


@dataclass
class Person:
    name: str
    area: str = ""


def people(text: str) -> list[Person]:
    """Names as typed after "SUBJECT MATTER EXPERT:", each with its area of expertise if given."""
    found: list[Person] = []
    for part in split_outside_parentheses(text, _PEOPLE_SEPARATORS):
        name, area = part, ""
        if match := re.match(r"^(?P<name>[^()]+?)\s*\((?P<area>[^()]+)\)\s*$", part):
            name, area = match["name"], match["area"]
        elif len(pieces := _AREA_DASH.split(part, maxsplit=1)) == 2:
            name, area = pieces
        area = area.strip(" .")
        if found and _CREDENTIAL.match(name.strip()):
            # "Ana Ruiz, MD (addiction medicine)": the credential and the area are hers.
            person = found[-1]
            person.name += f", {name.strip()}"
            if area:
                person.area = f"{person.area}; {area}" if person.area else area
            continue
        found.append(Person(name=name.strip(" .*"), area=area))
    return [person for person in found if person.name]


def without_credentials(name: str) -> str:
    """The name without the credentials written after it: "Ana Ruiz, MD, PhD" is "Ana Ruiz"."""
    parts = [part.strip() for part in name.split(",")]
    while len(parts) > 1 and _CREDENTIAL.match(parts[-1]):
        parts.pop()
    return ", ".join(parts)


# Sections of a strategy page --------------------------------------------------------------


def heading_key(text: str) -> str:
    text = squash(text).replace("&", " and ").casefold()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip()


SECTION_NAMES = {
    "programs": (
        "promising programs",
        "promising practices",
        "promising programs and practices",
        "programs",
        "evidence based programs",
    ),
    "tools": ("tools and resources", "tools resources", "tools", "resources", "toolkits"),
    "scorecard": ("scorecard building", "scorecard", "score card building", "score card"),
    "investigate": ("resources to investigate", "resources to be investigated", "to investigate"),
    "references": ("references", "footnotes", "sources", "citations", "notes and references"),
    "intro": (
        "introductory paragraph",
        "introductory paragraphs",
        "introduction",
        "intro",
        "overview",
        "background",
        "description",
        "summary",
        "about",
    ),
    "manager": ("page manager", "page managers"),
    "experts": ("subject matter expert", "subject matter experts", "experts", "smes", "sme"),
    "reviews": ("reviewers", "reviews", "review", "review log", "review table"),
}
_TEMPLATE_NAMES = {
    "references",
    "page manager",
    "subject matter expert",
    "subject matter experts",
    "introductory paragraph",
    "introductory paragraphs",
}
_SECTION_PREFIXES = {
    "promising program": "programs",
    "tools and resources": "tools",
    "scorecard": "scorecard",
    "score card": "scorecard",
    "resources to investigate": "investigate",
}


def section_of(heading: str) -> tuple[str | None, bool]:
    """The section a heading starts, and whether its name is the template's own.

    The template's names ("Tools & Resources") start their section at any
    level; a generic one ("Resources", "Overview") only when it is not deeper
    than the section it is in, since it may be a program's own subheading.
    """
    key = heading_key(heading)
    for prefix, section in _SECTION_PREFIXES.items():
        if key.startswith(prefix):
            return section, True
    for section, names in SECTION_NAMES.items():
        if key in names:
            return section, key in _TEMPLATE_NAMES
    return None, False


def scorecard_part(label: str) -> str | None:
    key = heading_key(label)
    if not key or len(key) > 60:
        return None
    if "objective" in key:
        return "objective"
    if "measure" in key or "data source" in key or "indicator" in key:
        return "measures"
    if "action" in key or "partner" in key:
        return "actions"
    return None


_PART_LABEL = re.compile(
    r"^\s*(?P<label>(?:potential\s+)?(?:objective(?:s|\s+details)?|measures?(?:\s*(?:&|and)\s*"
    r"data\s+sources?)?|actions?(?:\s*(?:&|and)\s*partners?)?))\s*:\s*",
    re.IGNORECASE,
)
_PEOPLE_LABEL = re.compile(
    r"^\W*(?P<label>page\s*managers?|subject[\s-]*matter[\s-]*experts?(?:\s*\(s\))?|smes?)"
    r"\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_MEASURE_SEPARATOR = re.compile(r"\s+(?:-{1,2}|–|—)\s+|\s*[–—]\s*")
_SOURCE_PREFIX = re.compile(r"^(?:data\s+)?sources?\s*:\s*", re.IGNORECASE)
_LEAD = re.compile(r"\(\s*lead\s*\)|\blead\s*:\s*|\s*\blead\b\s*$", re.IGNORECASE)

PART_NAMES = {
    "objective": "Potential Objective Details",
    "measures": "Potential Measures & Data Sources",
    "actions": "Potential Actions & Partners",
}


@dataclass
class ProgramPlan:
    name: str
    text: str
    summary: str = ""
    place: str = ""
    year: int | None = None


@dataclass
class ResourcePlan:
    section: str  # "tools" or "investigate"
    title: str
    url: str = ""
    note: str = ""
    target: str = ""  # the wiki page an internal link points to


@dataclass
class MeasurePlan:
    name: str
    source: str = ""


@dataclass
class ActionPlan:
    title: str
    partners: list[str] = field(default_factory=list)
    lead: str = ""


@dataclass
class ObjectivePlan:
    title: str
    details: str = ""
    measures: list[MeasurePlan] = field(default_factory=list)
    actions: list[ActionPlan] = field(default_factory=list)


@dataclass
class ReviewPlan:
    reviewer: str
    date: datetime.date
    comments: str


@dataclass
class ParsedPage:
    """A strategy page, read; ``warnings`` say what did not fit."""

    title: str
    intro: str = ""
    programs: list[ProgramPlan] = field(default_factory=list)
    resources: list[ResourcePlan] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    objectives: list[ObjectivePlan] = field(default_factory=list)
    under_construction: list[str] = field(default_factory=list)
    manager: str = ""
    experts: list[Person] = field(default_factory=list)
    reviews: list[ReviewPlan] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


_ORIGIN = re.compile(
    r"\bfirst\b(?:\s+[a-z]+){1,4}\s+in\s+(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*"
    r"(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?)\s*,?\s*(?:in\s+)?(?P<year>(?:19|20)\d\d)\b"
)


class _PageReader:
    def __init__(self, title: str, text: str, link_url):
        self.page = ParsedPage(title=title)
        self.render = Renderer(link_url=link_url, warn=self.page.warn)
        self.notes: list[str] = []
        self.intro: list[str] = []
        self.experts_from_table = False
        code = parse(clean(text))
        self.chunks = chunks(code)

    def read(self) -> ParsedPage:
        for chunk in self.chunks:
            chunk.blocks = self._take_people_and_reviews(chunk.blocks)
        for key, heading, section in self._sections():
            self._section(key, heading, section)
        page = self.page
        if self.experts_from_table:
            named = {person.name.casefold() for person in page.experts}
            for review in page.reviews:
                if review.reviewer.casefold() not in named:
                    named.add(review.reviewer.casefold())
                    page.experts.append(Person(review.reviewer))
        intro = "\n\n".join(part for part in self.intro if part)
        if self.notes:
            intro = f"{intro}\n\n{OTHER_NOTES_HEADING}\n\n" + "\n\n".join(self.notes)
        page.intro = intro.strip()
        page.citations = self.render.citations
        if self.render.categories:
            names = ", ".join(dict.fromkeys(self.render.categories))
            page.warn(f"its categories ({names}) are not imported")
        return page

    # Sections --------------------------------------------------------------------

    def _sections(self):
        """(section key, heading, chunks) in page order; unknown headings are "other"."""
        sections: list[tuple[str, str, list[Chunk]]] = [("intro", "", [self.chunks[0]])]
        level = 0
        for chunk in self.chunks[1:]:
            heading = squash(self.render.plain(chunk.title))
            key, own_name = section_of(heading)
            current = sections[-1][0]
            deeper = current != "intro" and chunk.level > level
            if deeper and not own_name:
                sections[-1][2].append(chunk)
                continue
            sections.append((key or "other", heading, [chunk]))
            level = chunk.level
        return sections

    def _section(self, key: str, heading: str, section: list[Chunk]) -> None:
        if key == "intro":
            self._intro(section)
        elif key == "programs":
            self._programs(heading, section)
        elif key in ("tools", "investigate"):
            leftover = read_resources(self.render, key, section, self.page)
            self._leftover(heading, leftover)
        elif key == "scorecard":
            self._scorecard(heading, section)
        elif key == "references":
            self._leftover(heading, _blocks_of(section))
        elif key in ("manager", "experts", "reviews"):
            self._people_section(key, heading, section)
        else:
            self._leftover(heading, _blocks_of(section), as_is=True)

    def _intro(self, section):
        blocks = _blocks_of(section)
        text = self.render.markdown(blocks)
        if is_under_construction(self.render.plain(_nodes_of(blocks))):
            self.page.under_construction.append("Introduction")
            return
        self.intro.append(text)

    def _leftover(self, heading: str, blocks, *, as_is: bool = False) -> None:
        """Text that fits no part of the page: kept under "Other notes", and reported."""
        if not any(_block_has_text(self.render, block) for block in blocks):
            return
        if is_under_construction(self.render.plain(_nodes_of(blocks))):
            self.page.under_construction.append(heading)
            return
        text = self.render.markdown(blocks)
        if not text:
            return
        self.notes.append(f"#### {_escape(heading)}\n\n{text}" if heading else text)
        where = f"“{heading}”" if heading else "the top of the page"
        if as_is:
            self.page.warn(
                f"the section {where} is not part of the page template; kept in Other notes"
            )
        else:
            self.page.warn(f"text in {where} that fits none of its parts was kept in Other notes")

    # Promising Programs ----------------------------------------------------------

    def _programs(self, heading: str, section: list[Chunk]) -> None:
        first, subsections = section[0], section[1:]
        if not subsections:
            leftover = self._programs_from_list(first.blocks)
            self._leftover(heading, leftover)
            return
        self._leftover(heading, first.blocks)
        program_level = subsections[0].level
        groups: list[tuple[Chunk, list]] = []
        for chunk in subsections:
            if chunk.level <= program_level or not groups:
                groups.append((chunk, list(chunk.blocks)))
            else:
                # Under the program's own heading (h3 on the page): h4 and deeper.
                level = 3 + chunk.level - program_level
                groups[-1][1].extend([HeadingLine(level, chunk.title), *chunk.blocks])
        for chunk, blocks in groups:
            name = squash(self.render.plain(chunk.title)).rstrip(":").strip()
            if not name:
                self._leftover(heading, blocks)
                continue
            self._add_program(name, blocks)

    def _programs_from_list(self, blocks) -> list:
        """Programs written as list items that start with a bold name or a link."""
        leftover = []
        for block in blocks:
            nodes = [n for n in getattr(block, "nodes", []) if _has_content([n])]
            if isinstance(block, Line) and block.marker and nodes:
                lead = nodes[0]
                if _tag(lead) == "b" or isinstance(lead, Wikilink):
                    name = squash(self.render.plain([lead])).rstrip(":").strip()
                    rest = block.nodes[block.nodes.index(lead) + 1 :]
                    if name:
                        self._add_program(name, [Line("", rest)], strip_dash=True)
                        continue
            leftover.append(block)
        return leftover

    def _add_program(self, name: str, blocks, *, strip_dash: bool = False) -> None:
        plain = squash(self.render.plain(_nodes_of(blocks)))
        if is_under_construction(plain):
            self.page.under_construction.append(f"Promising Programs: {name}")
            plain, text = "", ""
        else:
            text = self.render.markdown(blocks)
            if strip_dash:
                text = re.sub(r"^[\s:–—-]+", "", text)
                plain = plain.lstrip(" :–—-")
        if len(name) > 200:
            self.page.warn(f"the program name “{shorten(name, 60)}” is too long; shortened")
            name = shorten(name, 200)
        program = ProgramPlan(name=name, text=text, summary=first_sentence(plain, 300))
        if match := _ORIGIN.search(plain):
            program.place, program.year = match["place"].strip(" ,"), int(match["year"])
        self.page.programs.append(program)

    # Scorecard Building ----------------------------------------------------------

    def _scorecard(self, heading: str, section: list[Chunk]) -> None:
        parts: dict[str, list] = {"objective": [], "measures": [], "actions": []}
        groups: list[dict[str, list]] = []
        loose: list = []
        current = None
        for index, chunk in enumerate(section):
            if index:
                label = scorecard_part(self.render.plain(chunk.title))
                if label:
                    current = label
                else:
                    (parts[current] if current else loose).append(
                        HeadingLine(4 + chunk.level - section[0].level, chunk.title)
                    )
            for block in chunk.blocks:
                if isinstance(block, Table):
                    current = self._scorecard_table(block, parts, groups, loose, current)
                    continue
                label, rest = self._leading_label(block)
                if label:
                    current = label
                    if rest and _has_content(rest):
                        parts[label].append(Line(block.marker, rest))
                elif current:
                    parts[current].append(block)
                else:
                    loose.append(block)
        if is_under_construction(self.render.plain(_nodes_of(loose))):
            self.page.under_construction.append("Scorecard Building")
        else:
            self._leftover(heading, loose)
        self._scorecard_parts(parts)
        for group in groups:
            self._scorecard_parts(group)

    def _scorecard_table(self, table: Table, parts, groups, loose, current):
        header = table.rows[0]
        labels = [scorecard_part(self.render.plain(cell.nodes)) for cell in header]
        named = {label for label in labels if label}
        if (
            len(named) == 1
            and len(header) >= 2
            and (all(cell.header for cell in header) or all(labels))
        ):
            # The columns of one part ("Measure | Data source", "Action | Partners"): one
            # item a row, its cells joined as "measure — source", "action — partners".
            label = named.pop()
            for row in table.rows[1:]:
                if _has_content(_join_cells(row)):
                    parts[label].append(Line("", _join_cells(row)))
            return label
        if len(named) >= 2 or (named and all(cell.header for cell in header)):
            # A header naming the parts: each row below is one objective.
            for row in table.rows[1:]:
                group: dict[str, list] = {"objective": [], "measures": [], "actions": []}
                for label, cell in zip(labels, row, strict=False):
                    if label:
                        group[label].extend(to_blocks(cell.nodes))
                if any(_block_has_text(self.render, b) for bs in group.values() for b in bs):
                    groups.append(group)
            return current
        for index, row in enumerate(table.rows):
            if index == 0 and current and all(cell.header for cell in row):
                continue  # the column names of a part's own table
            nodes = _join_cells(row)
            label, rest = self._leading_label(Line("", nodes))
            if label:
                current = label
                parts[label].extend(to_blocks(rest))
            elif current:
                parts[current].extend(to_blocks(nodes))
            else:
                loose.extend(to_blocks(nodes))
        return current

    def _leading_label(self, block) -> tuple[str | None, list]:
        """("measures", the rest) for a line that starts with a part's label, bold or not."""
        if not isinstance(block, Line):
            return None, []
        nodes = list(block.nodes)
        while nodes and isinstance(nodes[0], Text) and not nodes[0].value.strip():
            nodes.pop(0)
        if not nodes:
            return None, []
        lead = nodes[0]
        if _tag(lead) == "b":
            label = scorecard_part(self.render.plain(lead.contents.nodes).strip().rstrip(":"))
            if label:
                rest = nodes[1:]
                while rest and isinstance(rest[0], Text) and not rest[0].value.strip(" :–—-"):
                    rest = rest[1:]
                if rest and isinstance(rest[0], Text):
                    rest = [Text(rest[0].value.lstrip(" :–—-")), *rest[1:]]
                return label, rest
        if isinstance(lead, Text) and (match := _PART_LABEL.match(lead.value)):
            label = scorecard_part(match["label"])
            if label:
                return label, [Text(lead.value[match.end() :]), *nodes[1:]]
        return None, []

    def _scorecard_parts(self, parts: dict[str, list]) -> None:
        page = self.page
        objectives: list[ObjectivePlan] = []
        for part, blocks in parts.items():
            plain = self.render.plain(_nodes_of(blocks))
            if not squash(plain):
                continue
            if is_under_construction(plain):
                page.under_construction.append(f"Scorecard Building: {PART_NAMES[part]}")
                parts[part] = []
        objectives = self._objectives(parts["objective"])
        measures = [self._measure(item) for item in self._items(parts["measures"])]
        actions = [self._action(item) for item in self._items(parts["actions"])]
        measures = [m for m in measures if m.name]
        actions = [a for a in actions if a.title]
        if (measures or actions) and not objectives:
            page.warn(
                "its measures and actions name no objective; they were put under an "
                "objective named after the page"
            )
            objectives = [ObjectivePlan(title=shorten(page.title, 300))]
        elif (measures or actions) and len(objectives) > 1:
            page.warn(
                f"its measures and actions were put under the first of its {len(objectives)} "
                "objectives; move them in the admin if they belong to another"
            )
        if objectives:
            objectives[0].measures.extend(measures)
            objectives[0].actions.extend(actions)
        page.objectives.extend(objectives)

    def _objectives(self, blocks) -> list[ObjectivePlan]:
        items = [b for b in blocks if isinstance(b, Line) and b.marker and _has_content(b.nodes)]
        prose = [b for b in blocks if b not in items]
        if items and not any(_block_has_text(self.render, b) for b in prose):
            found = []
            for item in items:
                plain = squash(self.render.plain(item.nodes))
                title = first_sentence(plain, 300)
                details = self.render.markdown([Line("", item.nodes)]) if title != plain else ""
                found.append(ObjectivePlan(title=title, details=details))
            return found
        plain = squash(self.render.plain(_nodes_of(blocks)))
        if not plain:
            return []
        title = first_sentence(plain, 300)
        details = self.render.markdown(blocks) if title != plain else ""
        return [ObjectivePlan(title=title, details=details)]

    def _items(self, blocks) -> list[str]:
        """One plain-text item per list item, line or table row."""
        items: list[str] = []
        for block in blocks:
            if isinstance(block, Table):
                rows = block.rows[1:] if all(c.header for c in block.rows[0]) else block.rows
                for row in rows:
                    cells = [squash(self.render.plain(c.nodes)) for c in row]
                    items.append(" — ".join(cell for cell in cells if cell))
            elif isinstance(block, Line):
                text = self.render.plain(block.nodes)
                items.extend(text.split(LINE_BREAK))
        return [squash(item).strip(" *•") for item in items if squash(item).strip(" *•")]

    def _measure(self, item: str) -> MeasurePlan:
        name, _, source = _split_item(item)
        source = _SOURCE_PREFIX.sub("", source).strip(" .")
        if len(name) > 300:
            self.page.warn(f"the measure “{shorten(name, 60)}” is too long; shortened")
        if len(source) > 200:
            self.page.warn(f"the data source “{shorten(source, 60)}” is too long; shortened")
        return MeasurePlan(name=shorten(name, 300), source=shorten(source, 200))

    def _action(self, item: str) -> ActionPlan:
        title, _, partners_text = _split_item(item)
        separator = ";" if ";" in partners_text else ","
        action = ActionPlan(title=shorten(title, 300))
        if len(title) > 300:
            self.page.warn(f"the action “{shorten(title, 60)}” is too long; shortened")
        for raw in split_outside_parentheses(partners_text, re.compile(re.escape(separator))):
            is_lead = bool(_LEAD.search(raw))
            name = _LEAD.sub(" ", raw).strip(" .")
            name = re.sub(r"\(\s*\)", "", name).strip()
            if not name:
                continue
            if len(name) > 200:
                self.page.warn(f"the partner “{shorten(name, 60)}” is too long; shortened")
                name = shorten(name, 200)
            if is_lead and not action.lead:
                action.lead = name
            else:
                action.partners.append(name)
        return action

    # People and reviews ----------------------------------------------------------

    def _take_people_and_reviews(self, blocks) -> list:
        """Remove breadcrumb lines, PAGE MANAGER / SUBJECT MATTER EXPERT lines and the
        Reviewer | Date | Comments table from wherever they sit, and read them."""
        kept: list = []
        expecting = None  # a label with nothing after it: its names are on the next lines
        for block in blocks:
            if isinstance(block, Table):
                expecting = None
                if self._review_table(block):
                    continue
                kept.append(block)
                continue
            if not isinstance(block, Line):
                expecting = None
                kept.append(block)
                continue
            plain = squash(self.render.plain(block.nodes))
            if is_breadcrumb(plain):
                continue
            match = _PEOPLE_LABEL.match(plain)
            if match:
                role = "manager" if "manager" in match["label"].lower() else "experts"
                rest = match["rest"].strip()
                expecting = None if rest else role
                if rest:
                    self._people(role, rest)
                continue
            if expecting and block.marker and plain:
                self._people(expecting, plain)
                continue
            if plain:
                expecting = None
            kept.append(block)
        return kept

    def _people(self, role: str, text: str) -> None:
        label = "PAGE MANAGER" if role == "manager" else "SUBJECT MATTER EXPERT"
        text = squash(text)
        found = people(text)
        placeholders = [p.name for p in found if is_placeholder(p.name)]
        if text and not found:
            placeholders = [text]
        for placeholder in placeholders:
            self.page.warn(f"{label}: “{placeholder}” is a placeholder, not a name; ignored")
            if role == "experts" and "table" in placeholder.lower():
                self.experts_from_table = True
        named = [p for p in found if not is_placeholder(p.name)]
        if role == "manager":
            if self.page.manager:
                self.page.warn(f"{label}: a second name, “{text}”, was ignored")
            elif named:
                self.page.manager = shorten(named[0].name, 200)
                for extra in named[1:]:
                    self.page.warn(f"{label}: a page has one manager; “{extra.name}” was ignored")
            return
        for person in named:
            if len(person.name) > 200:
                self.page.warn(f"{label}: the name “{shorten(person.name, 60)}” is too long")
                continue
            self.page.experts.append(Person(person.name, shorten(person.area, 200)))

    def _people_section(self, key: str, heading: str, section: list[Chunk]) -> None:
        leftover = []
        for block in _blocks_of(section):
            if key in ("manager", "experts") and isinstance(block, Line):
                plain = squash(self.render.plain(block.nodes))
                if plain:
                    self._people("manager" if key == "manager" else "experts", plain)
                continue
            leftover.append(block)
        self._leftover(heading, leftover)

    def _review_table(self, table: Table) -> bool:
        """Read a Reviewer | Date | Comments table; False if the table is another one."""
        if not table.rows:
            return False
        header = [heading_key(self.render.plain(cell.nodes)) for cell in table.rows[0]]

        def column(*names):
            return next((i for i, h in enumerate(header) if any(n in h for n in names)), None)

        reviewer, date = column("reviewer", "reviewed by", "name"), column("date")
        comments = column("comment", "note", "remark")
        if reviewer is None or date is None:
            return False
        for row in table.rows[1:]:
            cells = [squash(self.render.plain(cell.nodes)) for cell in row]
            name, when, said = (
                cells[i] if i is not None and i < len(cells) else ""
                for i in (reviewer, date, comments)
            )
            if not (name or when or said):
                continue
            row_text = " | ".join(c for c in (name, when, said) if c)
            if not name or is_placeholder(name):
                self.page.warn(f"review row “{shorten(row_text, 80)}” names no reviewer; skipped")
                continue
            day, month_only = parse_date(when)
            if day is None:
                self.page.warn(
                    f"review row “{shorten(row_text, 80)}”: the date “{when}” could not be "
                    "read; skipped"
                )
                continue
            if not in_window(day.year):
                self.page.warn(
                    f"review row “{shorten(row_text, 80)}”: the date “{when}” is outside "
                    f"{year_window()}; skipped"
                )
                continue
            if month_only:
                self.page.warn(f"review by {name}: “{when}” has no day; stored as {day:%B %-d, %Y}")
            if len(said) > 5000:
                self.page.warn(f"review by {name} on {day:%Y-%m-%d}: comments shortened")
            self.page.reviews.append(
                ReviewPlan(reviewer=shorten(name, 200), date=day, comments=shorten(said, 5000))
            )
        return True


def _split_item(item: str) -> tuple[str, str, str]:
    parts = _MEASURE_SEPARATOR.split(item, maxsplit=1)
    if len(parts) == 2:
        return parts[0].strip(), "—", parts[1].strip()
    return item.strip(), "", ""


def _join_cells(row: list[Cell]) -> list:
    nodes: list = []
    for index, cell in enumerate(row):
        if index and _has_content(cell.nodes):
            nodes.append(Text(" — "))
        nodes.extend(cell.nodes)
    return nodes


def _blocks_of(section: list[Chunk]) -> list:
    """A section's blocks, its subsections' headings included (the section's own left out).

    Subheadings are leveled from the section's, which Other notes shows as h4.
    """
    blocks = []
    for index, chunk in enumerate(section):
        if index:
            blocks.append(HeadingLine(4 + chunk.level - section[0].level, chunk.title))
        blocks.extend(chunk.blocks)
    return blocks


def _nodes_of(blocks) -> list:
    nodes: list = []
    for block in blocks:
        if isinstance(block, Line | HeadingLine):
            nodes.extend(block.nodes)
            nodes.append(Text("\n"))
        elif isinstance(block, Table):
            for row in block.rows:
                nodes.extend(_join_cells(row))
                nodes.append(Text("\n"))
    return nodes


def _block_has_text(render: Renderer, block) -> bool:
    return bool(squash(render.plain(_nodes_of([block])))) or any(
        _tag(n) == "ref" for n in _nodes_of([block])
    )


# Resources --------------------------------------------------------------------------------


def _links(nodes) -> list:
    return [
        node
        for node in _walk(nodes)
        if isinstance(node, ExternalLink)
        or (
            isinstance(node, Wikilink)
            and html.unescape(str(node.title)).strip().partition(":")[0].strip().casefold()
            not in ("file", "image", "media", "category")
        )
    ]


def read_resources(render: Renderer, section_key: str, section: list[Chunk], page) -> list:
    """Resources from the links of a Tools & Resources or Resources to Investigate section.

    Each link (internal or external, in a list or on a line of its own) is one
    resource; the rest of its line is its note. Returns the blocks that hold no
    link, for the caller to keep elsewhere.
    """
    leftover: list = []
    only_under_construction = True
    for index, chunk in enumerate(section):
        group = squash(render.plain(chunk.title)) if index else ""
        for block in chunk.blocks:
            rows = (
                [Line("", _join_cells(row)) for row in block.rows]
                if isinstance(block, Table)
                else [block]
            )
            for line in rows:
                if not isinstance(line, Line):
                    leftover.append(line)
                    continue
                links = _links(line.nodes)
                if not links:
                    text = squash(render.plain(line.nodes)).strip(" *•")
                    if line.marker and _is_lead(text):
                        # A lead to follow up: a resource without an address, shown unlinked.
                        only_under_construction = False
                        page.resources.append(_lead(section_key, text, group, page))
                    elif text:
                        leftover.append(line)
                    continue
                only_under_construction = False
                skip = {id(link) for link in links}
                rest = squash(render.plain(line.nodes, skip=skip)).strip(" -–—:;,.()|")
                for link in links:
                    page.resources.append(_resource(render, section_key, link, rest, group, page))
    if (
        leftover
        and only_under_construction
        and is_under_construction(render.plain(_nodes_of(leftover)))
    ):
        name = "Tools & Resources" if section_key == "tools" else "Resources to Investigate"
        page.under_construction.append(name)
        return []
    return leftover


def _is_lead(text: str) -> bool:
    return bool(text) and not is_under_construction(text) and not is_placeholder(text)


def _lead(section_key: str, text: str, group: str, page) -> ResourcePlan:
    if len(text) > 300:
        page.warn(f"the resource title “{shorten(text, 60)}” is too long; shortened")
    return ResourcePlan(section_key, title=shorten(text, 300), note=shorten(group, 500))


def _resource(render, section_key, link, rest, group, page) -> ResourcePlan:
    if isinstance(link, Wikilink):
        target = normalize_title(html.unescape(str(link.title)))
        label = squash(render.plain(link.text.nodes)) if link.text else ""
        plan = ResourcePlan(section_key, title=label or target, note=rest, target=target)
    else:
        url = clean_url(str(link.url))
        label = squash(render.plain(link.title.nodes)) if link.title else ""
        if not url:
            page.warn(f"the link “{squash(str(link.url))}” is not a web address; kept as a title")
        if label:
            plan = ResourcePlan(section_key, title=label, url=url, note=rest)
        else:
            plan = ResourcePlan(section_key, title=rest or url or str(link.url), url=url)
    if not plan.note and group:
        plan.note = group
    if len(plan.url) > 500:
        page.warn(f"the address of “{shorten(plan.title, 60)}” is too long; left out")
        plan.url = ""
    if len(plan.title) > 300:
        page.warn(f"the resource title “{shorten(plan.title, 60)}” is too long; shortened")
        plan.title = shorten(plan.title, 300)
    if len(plan.note) > 500:
        page.warn(f"the note on “{shorten(plan.title, 60)}” is too long; shortened")
        plan.note = shorten(plan.note, 500)
    return plan


def parse_strategy_page(title: str, text: str, *, link_url=None) -> ParsedPage:
    return _PageReader(title, text, link_url).read()


def parse_resource_list(title: str, text: str, section_key: str, *, link_url=None) -> ParsedPage:
    """A wiki page that only lists resources (the old "TR - …" and "More RTI on …" pages)."""
    page = ParsedPage(title=title)
    render = Renderer(link_url=link_url, warn=page.warn)
    found = chunks(parse(clean(text)))
    for chunk in found:
        chunk.blocks = [
            b
            for b in chunk.blocks
            if not (isinstance(b, Line) and is_breadcrumb(squash(render.plain(b.nodes))))
        ]
    leftover = read_resources(render, section_key, found, page)
    text_left = squash(render.plain(_nodes_of(leftover)))
    if text_left:
        page.warn(f"text without a link was not imported: “{shorten(text_left, 120)}”")
    page.citations = render.citations
    return page


# Map pages --------------------------------------------------------------------------------


@dataclass
class MapEntry:
    title: str
    zoom: MapRef | None = None


@dataclass
class ParsedMap:
    title: str
    summary: str = ""
    bands: list[tuple[str, list[MapEntry]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def parse_map_page(title: str, text: str, *, link_url=None) -> ParsedMap:
    """A map page: each heading a band, each listed link a strategy, the prose its summary."""
    parsed = ParsedMap(title=title)
    render = Renderer(link_url=link_url, warn=parsed.warn)
    own = map_ref(title)
    summary: list[str] = []
    for chunk in chunks(parse(clean(text))):
        band = squash(render.plain(chunk.title)) if chunk.level else DEFAULT_BAND
        entries: list[MapEntry] = []
        prose: list = []
        for block in chunk.blocks:
            lines = (
                [Line("*", cell.nodes) for row in block.rows for cell in row]
                if isinstance(block, Table)
                else [block]
            )
            for line in lines:
                if not isinstance(line, Line):
                    prose.append(line)
                    continue
                plain = squash(render.plain(line.nodes))
                if is_breadcrumb(plain):
                    continue
                found, rest = _map_entries(render, line, own)
                listed = bool(line.marker) or not rest
                if found and listed:
                    entries.extend(e for e in found if e.title not in [x.title for x in entries])
                    if rest:
                        summary.append(f"**{_escape(found[0].title)}:** {_escape(rest)}")
                        parsed.warn(
                            f"the text “{shorten(rest, 80)}” next to “{found[0].title}” "
                            "was kept in the map's summary"
                        )
                elif plain or (isinstance(line, Line) and line.nodes):
                    prose.append(line)
        text_md = render.markdown(prose)
        if entries:
            parsed.bands.append((band, entries))
            if text_md:
                summary.append(f"**{_escape(band)}:** {text_md}" if chunk.level else text_md)
        elif text_md:
            summary.append(f"#### {_escape(band)}\n\n{text_md}" if chunk.level else text_md)
    parsed.summary = "\n\n".join(summary).strip()
    return parsed


def _map_entries(render: Renderer, line: Line, own: MapRef | None):
    entries: list[MapEntry] = []
    links = [n for n in _links(line.nodes) if isinstance(n, Wikilink)]
    for link in links:
        target = normalize_title(html.unescape(str(link.title)))
        label = squash(render.plain(link.text.nodes)) if link.text else None
        ref = map_ref(target, label)
        if ref is None:
            if not any(e.title == target for e in entries):
                entries.append(MapEntry(target))
            continue
        if ref.zoom_of is None or (own and ref.key == own.key):
            continue
        for entry in entries:
            if title_key(entry.title) == title_key(ref.zoom_of):
                entry.zoom = ref
                break
        else:
            entries.append(MapEntry(ref.zoom_of, ref))
    skip = {id(link) for link in links}
    rest = squash(render.plain(line.nodes, skip=skip))
    rest = re.sub(r"\(\s*\)", "", rest).strip(" -–—:;,.|")
    return entries, rest
