"""A scorecard downloaded from the site, as CSV or as a workbook, uploads back as it is:
nothing changes but its edits."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from base.periods import Frequency
from scorecards.models import DataPoint
from scorecards.uploads import apply_upload, preview_upload
from tests.scorecards.factories import DataPointFactory, MeasureFactory, ObjectiveFactory
from tests.scorecards.test_upload import post_file
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scorecard(page):
    """A page with values of every reporting frequency, a note a spreadsheet would run, and
    a measure without data."""
    objective = ObjectiveFactory(strategy=page, title="=Fewer burglaries")
    yearly = MeasureFactory(
        objective=objective, name="Burglaries reported", frequency=Frequency.YEARLY
    )
    DataPointFactory(measure=yearly, period="2024", value=Decimal("1234.50"), note="Year")
    quarterly = MeasureFactory(
        objective=objective, name="Burglary arrests", frequency=Frequency.QUARTERLY
    )
    DataPointFactory(measure=quarterly, period="2025-Q1", value=310, note="=SUM(A1:A3)")
    monthly = MeasureFactory(
        objective=objective, name="Burglary calls", frequency=Frequency.MONTHLY
    )
    DataPointFactory(measure=monthly, period="2025-03", value=Decimal("-3.25"), note="")
    MeasureFactory(objective=objective, name="-Calls for service", baseline_value=10)
    return page


def download(url: str) -> bytes:
    response = Client().get(url)
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def page_download(page, kind="csv") -> bytes:
    return download(reverse(f"scorecards:scorecard-{kind}", args=[page.slug]))


def edited_workbook(data: bytes, edit) -> bytes:
    """The workbook ``data`` after ``edit(sheet)``, saved as a spreadsheet program would."""
    workbook = load_workbook(io.BytesIO(data))
    edit(workbook.active)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def cell(sheet, period: str, column: str):
    """The cell in ``column`` on the row of the data point for ``period``."""
    header = [heading.value for heading in sheet[1]]
    (row,) = [
        row for row in sheet.iter_rows(min_row=2) if row[header.index("period")].value == period
    ]
    return row[header.index(column)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_downloaded_scorecard_uploads_back_with_nothing_to_change(scorecard, kind):
    preview = preview_upload(strategy=scorecard, data=page_download(scorecard, kind))

    assert preview.errors == []
    assert (preview.added, preview.changed) == ([], [])
    assert len(preview.unchanged) == 3
    assert preview.without_data == 1
    assert preview.other_pages == {}


def test_an_edited_download_uploads_exactly_its_edits(scorecard):
    text = page_download(scorecard).decode()
    edited = text.replace(",2025-Q1,310,", ",2025-Q1,315,")
    assert edited != text

    preview = preview_upload(strategy=scorecard, data=edited.encode())

    assert preview.errors == []
    assert [(row.period.label, row.value, row.new_note) for row in preview.changed] == [
        ("2025-Q1", Decimal("315.00"), "=SUM(A1:A3)")
    ]
    assert (preview.added, len(preview.unchanged)) == ([], 2)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_site_wide_download_uploads_back_on_a_page_skipping_the_other_pages(scorecard, kind):
    other = StrategyFactory(title="Treatment on demand")
    yearly = MeasureFactory(objective__strategy=other, frequency=Frequency.YEARLY)
    DataPointFactory(measure=yearly, period="2024", value=7)
    DataPointFactory(measure=yearly, period="2025", value=8)

    preview = preview_upload(strategy=scorecard, data=download(reverse(f"scorecards:all-{kind}")))

    assert preview.errors == []
    assert (preview.added, preview.changed, len(preview.unchanged)) == ([], [], 3)
    assert preview.other_pages == {"Treatment on demand": 2}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_page_of_a_site_wide_download_uploads_back_with_nothing_to_change(scorecard, kind):
    other = StrategyFactory(title="Treatment on demand")
    DataPointFactory(
        measure__objective__strategy=other,
        measure__frequency=Frequency.YEARLY,
        period="2024",
        value=7,
        note="+ two",
    )
    data = download(reverse(f"scorecards:all-{kind}"))

    for page, unchanged in ((scorecard, 3), (other, 1)):
        preview = preview_upload(strategy=page, data=data)
        assert preview.errors == []
        assert (preview.added, preview.changed, len(preview.unchanged)) == ([], [], unchanged)


def test_an_edited_workbook_uploads_exactly_its_edits(scorecard, owner):
    def edit(sheet):
        cell(sheet, "2025-Q1", "value").value = 315
        cell(sheet, "2024", "note").value = "Whole year, revised"
        # A descriptive column the upload does not read.
        cell(sheet, "2025-03", "unit").value = "burglaries"

    data = edited_workbook(page_download(scorecard, "xlsx"), edit)
    preview = preview_upload(strategy=scorecard, data=data)

    assert preview.errors == []
    assert [(row.period.label, row.value, row.new_note) for row in preview.changed] == [
        ("2024", Decimal("1234.50"), "Whole year, revised"),
        ("2025-Q1", Decimal("315.00"), "=SUM(A1:A3)"),
    ]
    assert (preview.added, len(preview.unchanged)) == ([], 1)

    apply_upload(strategy=scorecard, data=preview.text, user=owner, expected_plan=preview.plan)

    assert {(point.period, point.value, point.note) for point in DataPoint.objects.all()} == {
        ("2024", Decimal("1234.50"), "Whole year, revised"),
        ("2025-Q1", Decimal("315.00"), "=SUM(A1:A3)"),
        ("2025-03", Decimal("-3.25"), ""),
    }


def test_a_workbook_with_a_row_added_adds_that_value(scorecard):
    def edit(sheet):
        sheet.append({3: "Burglary calls", 12: "2025-04", 13: 12.5, 14: "April"})

    preview = preview_upload(
        strategy=scorecard, data=edited_workbook(page_download(scorecard, "xlsx"), edit)
    )

    assert preview.errors == []
    assert [(row.line, row.period.label, row.value, row.note) for row in preview.added] == [
        (6, "2025-04", Decimal("12.50"), "April")
    ]
    assert (preview.changed, len(preview.unchanged)) == ([], 3)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_count_downloads_as_whole_numbers_and_uploads_back_unchanged(page, kind):
    # The CSV's text, the workbook's number: "48", not "48.00".
    expected = str if kind == "csv" else int
    measure = MeasureFactory(
        objective__strategy=page,
        name="Incidents",
        baseline_value=52,
        target_value=25,
        frequency=Frequency.YEARLY,
    )
    DataPointFactory(measure=measure, period="2024", value=48)
    DataPointFactory(measure=measure, period="2025", value=36)
    data = page_download(page, kind)

    preview = preview_upload(strategy=page, data=data)

    assert preview.errors == []
    assert (preview.added, preview.changed, len(preview.unchanged)) == ([], [], 2)
    if kind == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode())))
    else:
        sheet = load_workbook(io.BytesIO(data)).active
        header = [heading.value for heading in sheet[1]]
        rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]
    assert [(row["baseline"], row["target"], row["value"]) for row in rows] == [
        (expected(52), expected(25), expected(48)),
        (expected(52), expected(25), expected(36)),
    ]


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
