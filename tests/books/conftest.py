import io
import shutil
import subprocess

import pypdf
import pytest

# Poppler's (Debian's poppler-utils).
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def pdf_text(pdf: bytes) -> str:
    """The words of ``pdf`` in reading order, as poppler's pdftotext gives them."""
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def outline_titles(pdf: bytes) -> list[str]:
    """The titles of the PDF's bookmarks, nested ones included, in order."""

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title

    return list(walk(pypdf.PdfReader(io.BytesIO(pdf)).outline))


def catalog(pdf: bytes):
    return pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]


@pytest.fixture
def fake_pdf(monkeypatch):
    """WeasyPrint stood in for: each build's HTML is recorded, and a few bytes returned.

    For the tests of which book is served and kept, where a real layout would
    cost a second each and show nothing more.
    """
    built = []

    def write_pdf(html, *, base_url):
        built.append(html)
        return f"%PDF-fake {len(built)}".encode()

    monkeypatch.setattr("books.services.write_pdf", write_pdf)
    return built
