"""``manage.py make_briefing_book``: a book written to a file, or a clear refusal and no file."""

import pytest
from django.core.management import CommandError, call_command

from tests.books.conftest import pdf_text
from tests.strategy.factories import StrategyFactory, StrategyMapFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoom_map():
    zoom = StrategyMapFactory(title="Reduce Access", slug="reduce-access")
    StrategyFactory(map=zoom, band__map=zoom, title="Take-back days", slug="take-back")
    StrategyFactory(map=zoom, band__map=zoom, title="Unfinished plan", status="draft")
    return zoom


def test_it_writes_a_map_book_of_the_public_pages(zoom_map, tmp_path, capsys, fake_pdf):
    out = tmp_path / "book.pdf"

    call_command("make_briefing_book", "reduce-access", "-o", str(out))

    assert out.read_bytes() == b"%PDF-fake 1"
    assert "Take-back days" in fake_pdf[0]
    assert "Unfinished plan" not in fake_pdf[0]
    assert f"Wrote {out}" in capsys.readouterr().out


def test_it_writes_one_page_as_a_pdf(zoom_map, tmp_path):
    out = tmp_path / "page.pdf"

    call_command("make_briefing_book", "--strategy", "take-back", "-o", str(out), verbosity=0)

    assert out.read_bytes().startswith(b"%PDF-")
    assert "Take-back days" in pdf_text(out.read_bytes())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["no-such-map"], "No map “no-such-map”."),
        (["--strategy", "no-such-page"], "No published strategy page “no-such-page”."),
        (["--strategy", "unfinished-0"], "No published strategy page “unfinished-0”."),
        (["reduce-access", "--strategy", "take-back"], "Name a map's slug, or a strategy page's"),
        ([], "Name a map's slug, or a strategy page's"),
    ],
)
def test_it_refuses_what_it_cannot_find_and_writes_nothing(
    zoom_map, tmp_path, fake_pdf, arguments, message
):
    StrategyFactory(map=zoom_map, band__map=zoom_map, slug="unfinished-0", status="draft")
    out = tmp_path / "book.pdf"

    with pytest.raises(CommandError, match=message):
        call_command("make_briefing_book", *arguments, "-o", str(out))

    assert not out.exists()
    assert fake_pdf == []


def test_it_refuses_an_output_path_it_cannot_write(zoom_map, tmp_path, fake_pdf):
    missing = tmp_path / "no-such-folder" / "book.pdf"

    with pytest.raises(CommandError, match="the folder .*no-such-folder does not exist"):
        call_command("make_briefing_book", "reduce-access", "-o", str(missing))
    with pytest.raises(CommandError, match="it is a folder; name a file"):
        call_command("make_briefing_book", "reduce-access", "-o", str(tmp_path))

    assert fake_pdf == []
    assert list(tmp_path.iterdir()) == []
