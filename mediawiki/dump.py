"""Reading a MediaWiki XML export one page at a time.

``WikiDump.pages()`` streams the file with defusedxml's ``iterparse``: each page is
handed over as soon as its closing tag is read and then cleared from the
tree, and of a page's revisions only the newest is kept, so memory stays flat
however large the dump. The parser refuses any DTD (a MediaWiki export has
none), which stops entity-expansion bombs and external entities before they
are read. Schema 0.10 and 0.11 are the ones ``dumpBackup.php`` and
Special:Export write today; older 0.x exports have the same elements and are
read too.
"""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

EXPORT_NAMESPACE = "http://www.mediawiki.org/xml/export-"
SUPPORTED_VERSIONS = ("0.10", "0.11")

Source = str | os.PathLike | BinaryIO
# A namespace number as MediaWiki stores it: a signed 32-bit integer in ASCII digits.
_NAMESPACE = re.compile(r"^-?[0-9]+$")
NAMESPACE_LIMIT = 2**31


class DumpError(ValueError):
    """The file cannot be read as a MediaWiki export; the message says why and where."""


@dataclass(frozen=True)
class DumpPage:
    """The newest revision of one page."""

    title: str
    namespace: int
    redirect: str | None
    text: str | None
    model: str
    position: int
    revision_id: int | None = None  # the newest revision's <id>
    timestamp: str = ""  # and its <timestamp>, as the file gives it (ISO 8601, UTC)

    @property
    def is_article(self) -> bool:
        return self.namespace == 0


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name:
            return child.text
    return None


@contextmanager
def _opened(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream
        return
    # An uploaded file or a stream: read it again from the start on every pass.
    if source.seekable():
        source.seek(0)
    yield source


def describe_source(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.path.basename(os.fspath(source))
    return os.path.basename(getattr(source, "name", "") or "") or "the uploaded file"


class WikiDump:
    """A MediaWiki export on disk or in an uploaded file; ``pages()`` reads it once more."""

    def __init__(self, source: Source):
        self.source = source
        self.name = describe_source(source)
        self.version = ""

    def pages(self) -> Iterator[DumpPage]:
        """Every page of the export, in file order; raises DumpError on a file that is not one."""
        where = _Position()
        with _opened(self.source) as stream:
            events = iterparse(
                stream,
                events=("start", "end"),
                forbid_dtd=True,
                forbid_entities=True,
                forbid_external=True,
            )
            root = None
            try:
                for event, element in events:
                    name = _local(element.tag)
                    if event == "start":
                        if root is None:
                            root = element
                            self.version = _check_root(element)
                        elif name == "page":
                            where.in_page = True
                        continue
                    if name == "title" and where.in_page and where.title is None:
                        where.title = (element.text or "").strip()
                    elif name == "revision":
                        where.keep_newest(element)
                        element.clear()
                    elif name == "page":
                        page = where.finish_page(element)
                        root.clear()
                        yield page
                    elif name == "siteinfo":
                        root.clear()
            except ParseError as error:
                line, column = error.position
                raise DumpError(
                    f"The file is not well-formed XML (line {line}, column {column}) "
                    f"{where.describe()}: it may be truncated, or not an XML export at all. "
                    "Nothing was imported."
                ) from error
            except DefusedXmlException as error:
                raise DumpError(
                    "The file declares a DTD or entities, which a MediaWiki export never does "
                    "and which can blow up memory (an XML bomb); it was refused "
                    f"{where.describe()}. Nothing was imported."
                ) from error


def _check_root(root: Element) -> str:
    """The export's schema version; raises DumpError when the root is not <mediawiki>."""
    name = _local(root.tag)
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if name != "mediawiki" or (namespace and not namespace.startswith(EXPORT_NAMESPACE)):
        raise DumpError(
            f"This is not a MediaWiki XML export: its root element is <{name}>"
            + (f" in the namespace {namespace}" if namespace else "")
            + ". Export the wiki with Special:Export or dumpBackup.php. Nothing was imported."
        )
    version = root.get("version", "")
    if not version and namespace:
        version = namespace[len(EXPORT_NAMESPACE) :].strip("/")
    return version


class _Position:
    """The page being read: what an error message names, and its newest revision so far."""

    def __init__(self):
        self.count = 0
        self.last_title: str | None = None
        self._reset()

    def _reset(self):
        self.in_page = False
        self.title: str | None = None
        self.best: tuple[str, str | None, str, int | None] | None = None

    def keep_newest(self, revision: Element) -> None:
        # Exports list revisions oldest first; compare timestamps anyway, so a
        # hand-assembled file still yields the newest text.
        timestamp = _child_text(revision, "timestamp") or ""
        text = None
        for child in revision:
            if _local(child.tag) == "text":
                text = None if child.get("deleted") else (child.text or "")
        model = _child_text(revision, "model") or "wikitext"
        number = (_child_text(revision, "id") or "").strip()
        revision_id = (
            int(number) if number.isascii() and number.isdigit() and len(number) < 19 else None
        )
        if self.best is None or timestamp >= self.best[0]:
            self.best = (timestamp, text, model, revision_id)

    def finish_page(self, page: Element) -> DumpPage:
        self.count += 1
        title = (_child_text(page, "title") or "").strip() or f"(untitled page {self.count})"
        redirect = None
        for child in page:
            if _local(child.tag) == "redirect":
                redirect = (child.get("title") or "").strip() or None
        timestamp, text, model, revision_id = self.best or ("", None, "wikitext", None)
        result = DumpPage(
            title=title,
            namespace=_namespace(title, (_child_text(page, "ns") or "0").strip()),
            redirect=redirect,
            text=text,
            model=model,
            position=self.count,
            revision_id=revision_id,
            timestamp=timestamp.strip(),
        )
        self.last_title = result.title
        self._reset()
        return result

    def describe(self) -> str:
        if self.title:
            return f"in the page “{self.title}”"
        if self.in_page:
            return (
                f"in the page after “{self.last_title}”" if self.last_title else "in the first page"
            )
        if self.last_title:
            return f"after the page “{self.last_title}”"
        return "before the first page"


def _namespace(title: str, text: str) -> int:
    """The page's namespace number (0, an article, when <ns> holds no number); raises
    DumpError for a number no wiki has."""
    if not _NAMESPACE.match(text):
        return 0
    digits = text.lstrip("-")
    # Measured before int(), which refuses a string of over 4,300 digits with a ValueError.
    if len(digits) > len(str(NAMESPACE_LIMIT)) or int(text) not in range(
        -NAMESPACE_LIMIT, NAMESPACE_LIMIT
    ):
        shown = text if len(text) <= 20 else f"a number of {len(digits):,} digits"
        raise DumpError(
            f"The page “{title}” has the namespace {shown}, which no wiki has (a namespace is "
            f"a number between {-NAMESPACE_LIMIT:,} and {NAMESPACE_LIMIT - 1:,}): the file is "
            "damaged or was not written by MediaWiki. Nothing was imported."
        )
    return int(text)
