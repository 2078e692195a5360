"""Scorecards as Excel workbooks: the download, reading an uploaded one, and the files refused."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from reversion.models import Revision

from base import spreadsheets
from base.periods import Frequency
from base.spreadsheets import XLSX_CONTENT_TYPE
from scorecards import exports, uploads
from scorecards.models import DataPoint
from scorecards.uploads import preview_upload
from tests.scorecards.factories import DataPointFactory, MeasureFactory, ObjectiveFactory
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db

HEADER = ("measure", "period", "value", "note")


@pytest.fixture
def burglaries(page):
    measure = MeasureFactory(objective__strategy=page, name="Burglaries reported")
    DataPointFactory(measure=measure, period="2024-Q1", value=100, note="Police reports")
    return measure


def workbook_file(*rows, sheets=("Data",), edit=None) -> bytes:
    """A workbook whose first sheet holds ``rows``, as a spreadsheet program saves it."""
    workbook = Workbook()
    workbook.active.title = sheets[0]
    for title in sheets[1:]:
        workbook.create_sheet(title)
    for row in rows:
        workbook.active.append(row)
    if edit:
        edit(workbook.active)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_file(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def with_sheet_xml(data: bytes, change) -> bytes:
    """The workbook ``data`` with its sheet's XML passed through ``change``, as another
    program might have written it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            archive.writestr(entry, content)
    return out.getvalue()


def post_workbook(client, page, data: bytes, name="data.xlsx"):
    return client.post(
        reverse("admin:strategy_strategy_upload_data", args=[page.pk]),
        {"file": SimpleUploadedFile(name, data, XLSX_CONTENT_TYPE)},
    )


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return response.content


# The download


def test_the_download_is_a_workbook_of_one_sheet_ready_to_read_and_edit(client, page):
    objective = ObjectiveFactory(strategy=page, title="=Fewer burglaries")
    counts = MeasureFactory(
        objective=objective, name="Burglaries", baseline_value=52, target_value=25
    )
    DataPointFactory(measure=counts, period="2025-03-31", value=1234, note="@mention")
    rates = MeasureFactory(objective=objective, name="Rate", unit="%", baseline_value=10)
    DataPointFactory(measure=rates, period="2025", value=Decimal("12.25"))

    response = client.get(reverse("scorecards:scorecard-xlsx", args=[page.slug]))

    assert f'filename="{page.slug}-scorecard.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert all(heading.font.bold for heading in sheet[1])
    assert sheet.column_dimensions["C"].width == 40
    header = [heading.value for heading in sheet[1]]
    first, second = (dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2))
    assert (first["value"].value, first["value"].number_format) == (1234, "#,##0")
    assert (first["baseline"].value, first["target"].value) == (52, 25)
    assert (second["value"].value, second["value"].number_format) == (12.25, "#,##0.00")
    assert (first["period"].value, first["period"].number_format) == ("2025-03-31", "@")
    # Text a spreadsheet would run stays text, marked so that editing it keeps it text.
    assert (first["objective"].value, first["objective"].data_type) == ("=Fewer burglaries", "s")
    assert first["objective"].quotePrefix and first["note"].quotePrefix
    sheet_xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml


def test_the_site_wide_workbook_leaves_out_drafts(client):
    MeasureFactory(objective__strategy__title="Public page", name="Public measure")
    MeasureFactory(objective__strategy__status="draft", name="Draft measure")

    sheet = load_workbook(io.BytesIO(download(client, reverse("scorecards:all-xlsx")))).active

    assert [row[2] for row in sheet.iter_rows(2, values_only=True)] == ["Public measure"]


def test_readers_share_one_site_wide_workbook_until_a_value_changes(client):
    measure = MeasureFactory(objective__strategy__title="Public page", name="Public measure")
    DataPointFactory(measure=measure, period="2025-01", value=10)
    url = reverse("scorecards:all-xlsx")

    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    DataPointFactory(measure=measure, period="2025-02", value=12)

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[11] for row in sheet.iter_rows(2, values_only=True)] == ["2025-01", "2025-02"]


def test_a_draft_pages_workbook_is_404_for_the_public(client):
    draft = StrategyFactory(status="draft")

    response = client.get(reverse("scorecards:scorecard-xlsx", args=[draft.slug]))

    assert response.status_code == 404


def test_the_scorecard_pages_offer_the_workbook_beside_the_csv(client, page):
    MeasureFactory(objective__strategy=page)
    url = reverse("scorecards:scorecard-xlsx", args=[page.slug])

    for address in (page.get_absolute_url(), reverse("scorecards:scorecard", args=[page.slug])):
        html = client.get(address).content.decode()
        assert f'href="{url}"' in html, address
        assert reverse("scorecards:scorecard-csv", args=[page.slug]) in html, address


def add_measures(page, count, points):
    objective = ObjectiveFactory(strategy=page)
    for _ in range(count):
        measure = MeasureFactory(objective=objective)
        for year in range(points):
            DataPointFactory(measure=measure, period=str(2010 + year), value=10 + year)


@pytest.mark.parametrize(
    "route", ["scorecard-csv", "scorecard-xlsx", "all-csv", "all-xlsx"], ids=str
)
def test_each_download_takes_the_same_queries_at_any_size(client, page, route):
    args = [page.slug] if route.startswith("scorecard") else []
    url = reverse(f"scorecards:{route}", args=args)
    add_measures(page, 1, points=2)

    def queries() -> tuple[int, int]:
        """The download's queries, and its rows."""
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        if route.endswith("csv"):
            return len(captured), body.count(b"\n")
        return len(captured), load_workbook(io.BytesIO(body)).active.max_row

    small, small_rows = queries()
    for _ in range(3):
        add_measures(page, 4, points=6)
    add_measures(StrategyFactory(), 4, points=6)
    large, large_rows = queries()

    assert large == small
    assert (small_rows, large_rows) == (3, 3 + 3 * 4 * 6 + (4 * 6 if "all" in route else 0))


def test_the_api_still_gives_values_as_numbers(client, page):
    measure = MeasureFactory(objective__strategy=page, baseline_value=52, target_value=25)
    DataPointFactory(measure=measure, period="2025", value=48)

    scorecard = client.get(reverse("api:strategy-scorecard", args=[page.slug])).json()

    [given] = scorecard["objectives"][0]["measures"]
    assert (given["baseline_value"], given["target_value"]) == (52.0, 25.0)
    assert given["data_points"][0]["value"] == 48.0


# Reading an uploaded workbook


def test_cells_read_as_the_csv_would_hold_them(page, burglaries):
    MeasureFactory(objective=burglaries.objective, name="Calls", frequency=Frequency.MONTHLY)
    MeasureFactory(objective=burglaries.objective, name="Arrests", frequency=Frequency.YEARLY)

    def edit(sheet):
        sheet["B3"].number_format = "yyyy-mm-dd"
        sheet["B4"].number_format = "mmm-yy"

    data = workbook_file(
        HEADER,
        ("burglaries reported", "2024-Q1", 0.1 + 0.2, True),
        ("Burglaries reported", datetime.datetime(2025, 3, 31), 1234, None),
        ("Calls", datetime.datetime(2025, 3, 1), "1,234.5", "x"),
        ("Arrests", 2026, -3.25, "Line one\nline two"),
        edit=edit,
    )

    preview = preview_upload(strategy=page, data=data)

    # A date reads as its day, which no measure is reported by.
    assert [str(error) for error in preview.errors] == [
        "Line 3: “2025-03-31” is a day, but “Burglaries reported” is reported quarterly: "
        "write a quarter, such as 2025-Q1, or change its reporting frequency in the admin."
    ]
    assert [(row.line, row.period.label, row.value, row.new_note) for row in preview.changed] == [
        (2, "2024-Q1", Decimal("0.30"), "TRUE")
    ]
    assert [(row.line, row.period.label, row.value, row.new_note) for row in preview.added] == [
        (4, "2025-03", Decimal("1234.50"), "x"),
        (5, "2026", Decimal("-3.25"), "Line one\nline two"),
    ]


def test_problems_name_the_sheets_row_numbers_also_after_a_note_of_two_lines(page, burglaries):
    data = workbook_file(
        HEADER,
        ("Burglaries reported", "2024-Q2", 1, "Line one\nline two"),
        (),
        ("Arrests", "2025", 2, ""),
    )

    preview = preview_upload(strategy=page, data=data)

    assert [str(error) for error in preview.errors] == [
        "Line 4: This page has no measure named “Arrests”."
    ]


def test_an_uploaded_workbook_is_previewed_and_saved_on_confirmation(
    client, owner, page, burglaries
):
    client.force_login(owner)
    data = workbook_file(
        HEADER,
        ("Burglaries reported", "2024-Q1", 95, "Police reports\nrevised"),
        ("Burglaries reported", "2025-Q1", 120, ""),
    )

    response = post_workbook(client, page, data)

    assert "To add (1)" in response.text
    assert "To change (1)" in response.text
    assert "100 → <strong>95</strong>" in response.text
    assert DataPoint.objects.count() == 1
    token = response.context["confirm_form"].initial["token"]
    response = client.post(
        reverse("admin:strategy_strategy_upload_data_confirm", args=[page.pk]),
        {"token": token},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "Uploaded scorecard data: 1 added, 1 changed, 0 unchanged."
    ]
    assert {(point.period, point.value, point.note) for point in DataPoint.objects.all()} == {
        ("2024-Q1", Decimal("95.00"), "Police reports\nrevised"),
        ("2025-Q1", Decimal("120.00"), ""),
    }
    assert Revision.objects.get().user == owner


def test_a_confirmation_read_again_keeps_the_sheets_row_numbers(page, owner, burglaries):
    data = workbook_file(
        HEADER,
        ("Burglaries reported", "2024-Q2", 1, "Line one\nline two"),
        ("Calls for service", "2025", 2, ""),
    )
    calls = MeasureFactory(
        objective=burglaries.objective, name="Calls for service", frequency=Frequency.YEARLY
    )
    preview = preview_upload(strategy=page, data=data)
    assert preview.errors == []
    calls.delete()

    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.apply_upload(strategy=page, data=preview.text, user=owner)

    assert [str(error) for error in refused.value.preview.errors] == [
        "Line 3: This page has no measure named “Calls for service”."
    ]
    assert DataPoint.objects.count() == 1


def test_a_formula_gives_the_result_saved_with_it(page, burglaries):
    data = with_sheet_xml(
        workbook_file(HEADER, ("Burglaries reported", "2025-Q1", "=40+2", "")),
        lambda xml: xml.replace("<f>40+2</f><v></v>", "<f>40+2</f><v>42</v>").replace(
            "<f>40+2</f><v />", "<f>40+2</f><v>42</v>"
        ),
    )

    preview = preview_upload(strategy=page, data=data)

    assert preview.errors == []
    assert [(row.period.label, row.value) for row in preview.added] == [("2025-Q1", Decimal("42"))]


# Files refused, each with its reason, and nothing written


def many_sheets() -> bytes:
    return workbook_file(HEADER, sheets=("Data", "Notes", "Chart data"))


def formulas_without_results() -> bytes:
    return workbook_file(
        HEADER,
        ("Burglaries reported", "2025", "=SUM(1,2)", ""),
        ("Burglaries reported", "2026", "=C2*2", ""),
    )


def zip_bomb() -> bytes:
    """A zip of 100 KB that unpacks to 65 MB."""
    return zip_file(
        {
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b" " * (65 * 1024 * 1024),
        }
    )


def damaged() -> bytes:
    whole = workbook_file(HEADER, ("Burglaries reported", "2025", 1, ""))
    return whole[: len(whole) // 2]


def broken_sheet() -> bytes:
    return with_sheet_xml(
        workbook_file(HEADER, ("Burglaries reported", "2025", 1, "")),
        lambda xml: xml.replace("</sheetData>", ""),
    )


def too_wide() -> bytes:
    return workbook_file(HEADER, ("Burglaries reported", "2025", 1, "", *[""] * 100, "far"))


COMPOUND_FILE = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
REFUSED_FILES = {
    "not a zip": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "“data.xlsx” is named as an Excel workbook but is not one",
    ),
    "a zip that is not a workbook": (
        zip_file({"notes.txt": b"hello"}),
        "The file is a zip archive but not an Excel workbook",
    ),
    "an OpenDocument spreadsheet": (
        zip_file(
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""}
        ),
        "The file is an OpenDocument spreadsheet (.ods), which the upload cannot read.",
    ),
    "password-protected": (
        COMPOUND_FILE + "EncryptionInfo EncryptedPackage".encode("utf-16-le"),
        "The workbook is protected by a password, so it cannot be read.",
    ),
    "an Excel 97-2003 file": (
        COMPOUND_FILE + "Workbook".encode("utf-16-le"),
        "The file is an Excel 97–2003 workbook (.xls)",
    ),
    "damaged": (damaged(), "The file is a damaged or incomplete zip archive"),
    "a sheet that is not XML": (broken_sheet(), "The workbook"),
    "several sheets": (
        many_sheets(),
        "The workbook has 3 sheets (“Data”, “Notes”, “Chart data”); the upload reads a "
        "workbook of one sheet.",
    ),
    "formulas without results": (
        formulas_without_results(),
        "2 cells hold a formula saved without its result: C2 (=SUM(1,2)), C3 (=C2*2).",
    ),
    "too many columns": (too_wide(), "Row 2 has data in column DA; the upload reads at most 100"),
    "an empty sheet": (workbook_file(), "The workbook&#x27;s sheet is empty."),
    "no header": (
        workbook_file((), ("Burglaries reported", "2025", 1)),
        "Line 1: The first line must be the header",
    ),
}


@pytest.mark.parametrize("data, message", REFUSED_FILES.values(), ids=REFUSED_FILES.keys())
def test_a_bad_workbook_is_refused_with_its_reason_and_nothing_is_written(
    client, owner, page, burglaries, data, message
):
    client.force_login(owner)

    response = post_workbook(client, page, data)

    assert response.status_code == 200
    assert message in response.text
    assert response.context["confirm_form"] is None
    assert list(DataPoint.objects.values_list("period", "value")) == [("2024-Q1", Decimal(100))]
    assert not Revision.objects.exists()


def test_a_zip_bomb_is_refused_from_its_table_of_contents(page, burglaries, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(spreadsheets, "load_workbook", never)

    preview = preview_upload(strategy=page, data=zip_bomb())

    assert [str(error) for error in preview.errors] == [
        "The workbook unpacks to more than 64 MB (or more than 1000 parts), more than a sheet "
        "the upload accepts can hold. Upload fewer rows at a time."
    ]


def test_a_sheet_of_more_rows_than_the_limit_is_refused(page, burglaries, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_SHEET_ROWS", 3)
    rows = [("Burglaries reported", str(2020 + n), n, "") for n in range(3)]

    preview = preview_upload(strategy=page, data=workbook_file(HEADER, *rows))

    assert [str(error) for error in preview.errors] == [
        "The sheet goes on beyond row 3 (it has cells there, if only formatted ones); the "
        "upload reads at most 3 rows. Upload the data in smaller files."
    ]


def test_a_sheet_of_more_cells_than_the_limit_is_refused(page, burglaries, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_SHEET_CELLS", 10)
    rows = [("Burglaries reported", str(2020 + n), n, "note") for n in range(3)]

    preview = preview_upload(strategy=page, data=workbook_file(HEADER, *rows))

    assert [str(error) for error in preview.errors] == [
        "The sheet has more than 10 cells, more than the upload reads at once. Upload the data "
        "in smaller files, or delete the columns it does not need."
    ]


def test_a_sheet_declaring_a_smaller_size_than_it_has_is_read_whole(page, burglaries):
    data = with_sheet_xml(
        workbook_file(
            HEADER, ("Burglaries reported", "2025-Q1", 1), ("Burglaries reported", "2026-Q1", 2)
        ),
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:C2"', xml),
    )

    preview = preview_upload(strategy=page, data=data)

    assert [row.period.label for row in preview.added] == ["2025-Q1", "2026-Q1"]


def test_a_workbook_over_the_size_limit_is_refused(page, burglaries):
    data = workbook_file(HEADER) + bytes(uploads.MAX_UPLOAD_BYTES)

    preview = preview_upload(strategy=page, data=data)

    assert [str(error) for error in preview.errors] == ["The file is larger than 2 MB."]


def test_a_downloaded_workbook_of_the_most_rows_is_within_what_the_upload_reads():
    assert (exports.XLSX_MAX_ROWS + 1) * len(exports.HEADER) <= uploads.MAX_SHEET_CELLS
    assert exports.XLSX_MAX_ROWS < uploads.MAX_SHEET_ROWS


@pytest.mark.parametrize("route", ["scorecard-xlsx", "all-xlsx"])
def test_data_too_large_for_a_workbook_is_refused_pointing_to_the_csv(
    client, page, monkeypatch, route
):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 4)
    add_measures(page, 2, points=2)
    args = [page.slug] if route.startswith("scorecard") else []
    assert client.get(reverse(f"scorecards:{route}", args=args)).status_code == 200
    add_measures(page, 1, points=1)
    cache.clear()

    response = client.get(reverse(f"scorecards:{route}", args=args))

    assert response.status_code == 406
    assert response.content.decode() == (
        "This data has more than 4 rows, more than the Excel download holds. Download the "
        "CSV instead: it has the same columns, and Excel opens it."
    )
