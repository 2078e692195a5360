"""A scorecard downloaded from the site uploads back as it is: nothing changes but its edits."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from scorecards.uploads import preview_upload
from tests.scorecards.factories import DataPointFactory, MeasureFactory, ObjectiveFactory
from tests.scorecards.test_upload import post_file
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scorecard(page):
    """A page with values of every period kind, a note a spreadsheet would run, and a
    measure without data."""
    objective = ObjectiveFactory(strategy=page, title="=Fewer burglaries")
    burglaries = MeasureFactory(objective=objective, name="Burglaries reported")
    DataPointFactory(measure=burglaries, period="2024", value=Decimal("1234.50"), note="Year")
    DataPointFactory(measure=burglaries, period="2025-Q1", value=310, note="=SUM(A1:A3)")
    DataPointFactory(measure=burglaries, period="2025-03", value=Decimal("-3.25"), note="")
    MeasureFactory(objective=objective, name="-Calls for service", baseline_value=10)
    return page


def download(url: str) -> bytes:
    response = Client().get(url)
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def page_download(page) -> bytes:
    return download(reverse("scorecards:scorecard-csv", args=[page.slug]))


def test_a_downloaded_scorecard_uploads_back_with_nothing_to_change(scorecard):
    preview = preview_upload(strategy=scorecard, data=page_download(scorecard))

    assert preview.errors == []
    assert (preview.added, preview.changed) == ([], [])
    assert len(preview.unchanged) == 3
    assert preview.without_data == 1
    assert preview.other_pages == {}


def test_an_edited_download_uploads_exactly_its_edits(scorecard):
    text = page_download(scorecard).decode()
    edited = text.replace(",2025-Q1,310.00,", ",2025-Q1,315.00,")
    assert edited != text

    preview = preview_upload(strategy=scorecard, data=edited.encode())

    assert preview.errors == []
    assert [(row.period.label, row.value, row.new_note) for row in preview.changed] == [
        ("2025-Q1", Decimal("315.00"), "=SUM(A1:A3)")
    ]
    assert (preview.added, len(preview.unchanged)) == ([], 2)


def test_a_site_wide_download_uploads_back_on_a_page_skipping_the_other_pages(scorecard):
    other = StrategyFactory(title="Treatment on demand")
    DataPointFactory(measure__objective__strategy=other, period="2024", value=7)
    DataPointFactory(measure__objective__strategy=other, period="2025", value=8)

    preview = preview_upload(strategy=scorecard, data=download(reverse("scorecards:all-csv")))

    assert preview.errors == []
    assert (preview.added, preview.changed, len(preview.unchanged)) == ([], [], 3)
    assert preview.other_pages == {"Treatment on demand": 2}


def test_the_preview_says_which_rows_it_did_not_read(client, owner, scorecard):
    StrategyFactory(title="Treatment on demand")
    text = page_download(scorecard).decode()
    lines = text.splitlines()
    elsewhere = lines[1].replace(scorecard.title, "Treatment on demand", 1)
    client.force_login(owner)

    response = post_file(client, scorecard, "\n".join([*lines, elsewhere]).encode())

    html = response.content.decode()
    assert "Rows not read" in html
    assert "1 row for another page, “Treatment on demand”" in html
    assert "1 row names a measure with no period and no value" in html
    assert "there is nothing to save" in html


def test_a_column_the_downloads_do_not_have_is_still_refused(scorecard):
    data = b"measure,period,value,colour\nBurglaries reported,2025,1,red\n"

    preview = preview_upload(strategy=scorecard, data=data)

    assert len(preview.errors) == 1
    assert "unknown column “colour”" in preview.errors[0].message
