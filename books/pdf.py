"""HTML to a tagged PDF with WeasyPrint, reading the site's own static files and nothing else.

WeasyPrint would fetch any URL a document names. A book names only the site's
style sheets, so the fetcher reads those from disk (where the static files
finders find them, else STATIC_ROOT, where ``collectstatic`` put them) and
refuses everything else: building a book never touches the network. ``data:``
URLs (Bootstrap's few icons) are decoded in place.
"""

import functools
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# PDF/UA-1: tagged, with the document's language and title, for screen readers.
PDF_VARIANT = "pdf/ua-1"
# A book's style sheets: the site's, with the print sheet last, as a browser prints a page.
STYLESHEETS = ("vendor/bootstrap/css/bootstrap.min.css", "css/site.css", "css/print.css")


class NotAStaticFile(ValueError):
    pass


class StaticFilesFetcher(URLFetcher):
    """Answers the static files under ``base_url``'s STATIC_URL from disk; refuses the rest."""

    def __init__(self, base_url: str):
        super().__init__(allowed_protocols=("data", "http", "https"))
        self.static_prefix = (
            urlsplit(base_url)._replace(path="/" + settings.STATIC_URL.lstrip("/")).geturl()
        )

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(self.static_prefix):
            raise NotAStaticFile(f"Not fetched: {url} is not one of the site's static files.")
        name = unquote(urlsplit(url).path[len(urlsplit(self.static_prefix).path) :])
        path = static_file(name)
        if path is None:
            raise NotAStaticFile(f"No static file {name}.")
        mime = "text/css" if name.endswith(".css") else None
        headers = {"Content-Type": mime} if mime else {}
        return URLFetcherResponse(url, path.read_bytes(), headers)


def static_file(name: str) -> Path | None:
    """The file of the static file ``name``: where the finders find it (the sources, current
    in development), else collected in STATIC_ROOT (the hashed names of production)."""
    if found := finders.find(name):
        return Path(found)
    if not settings.STATIC_ROOT:
        return None
    root = Path(settings.STATIC_ROOT).resolve()
    collected = (root / name).resolve()
    return collected if collected.is_relative_to(root) and collected.is_file() else None


def stylesheets() -> list[CSS]:
    """The book's style sheets, parsed once per process and version of their files:
    parsing Bootstrap's alone took a second of every book."""
    paths = [static_file(name) for name in STYLESHEETS]
    return list(_parsed(tuple((str(path), path.stat().st_mtime_ns) for path in paths)))


@functools.lru_cache(maxsize=2)
def _parsed(files: tuple[tuple[str, int], ...]) -> tuple[CSS, ...]:
    # Their only URLs are data: ones (Bootstrap's icons); anything else is refused.
    fetcher = StaticFilesFetcher("http://static.invalid/")
    return tuple(CSS(filename=path, url_fetcher=fetcher) for path, _ in files)


def write_pdf(html: str, *, base_url: str) -> bytes:
    """``html`` as a tagged PDF, styled with ``STYLESHEETS``; its relative links point into
    the site at ``base_url``."""
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticFilesFetcher(base_url))
    return document.write_pdf(stylesheets=stylesheets(), pdf_variant=PDF_VARIANT)
