"""Uploading a strategy page's measure data as CSV: preview, then apply all of it or nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Revision, Version

from base.periods import Frequency
from scorecards import uploads
from scorecards.models import DataPoint
from scorecards.uploads import (
    MAX_UPLOAD_BYTES,
    UploadRefused,
    apply_upload,
    preview_upload,
)
from strategy.models import Strategy
from tests.scorecards.factories import DataPointFactory, MeasureFactory, ObjectiveFactory
from tests.strategy.factories import StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db


def csv_file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def stored(page) -> set[tuple[str, str, Decimal, str]]:
    """Every data point of the page as (measure, period, value, note)."""
    return {
        (point.measure.name, point.period, point.value, point.note)
        for point in DataPoint.objects.filter(measure__objective__strategy=page).select_related(
            "measure"
        )
    }


@pytest.fixture
def burglaries(page):
    measure = MeasureFactory(objective__strategy=page, name="Burglaries reported")
    DataPointFactory(measure=measure, period="2024-Q1", value=100, note="Police reports")
    return measure


@pytest.fixture
def calls(burglaries):
    return MeasureFactory(
        objective=burglaries.objective, name="Calls for service", frequency=Frequency.YEARLY
    )


@pytest.fixture
def arrests(burglaries):
    return MeasureFactory(
        objective=burglaries.objective, name="Arrests", frequency=Frequency.MONTHLY
    )


def upload_url(page):
    return reverse("admin:strategy_strategy_upload_data", args=[page.pk])


def confirm_url(page):
    return reverse("admin:strategy_strategy_upload_data_confirm", args=[page.pk])


def post_file(client, page, data: bytes, name="data.csv"):
    return client.post(upload_url(page), {"file": SimpleUploadedFile(name, data, "text/csv")})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# The service: reading the file


def test_preview_sorts_rows_into_added_changed_and_unchanged_and_writes_nothing(
    page, burglaries, calls
):
    DataPointFactory(measure=burglaries, period="2024-Q2", value=90, note="")
    before = stored(page)

    preview = preview_upload(
        strategy=page,
        data=csv_file(
            "measure,period,value,note",
            "Burglaries reported,2024-Q1,95,Police reports",
            "Burglaries reported,2024-Q2,90,",
            "Calls for service,2025,1200,First year",
        ),
    )

    assert preview.errors == []
    assert [(row.line, row.measure, row.period.label) for row in preview.added] == [
        (4, calls, "2025")
    ]
    [change] = preview.changed
    assert (change.line, change.existing.value, change.value) == (2, Decimal("100.00"), 95)
    assert [row.line for row in preview.unchanged] == [3]
    assert preview.can_apply
    assert stored(page) == before


def test_preview_reads_names_periods_and_numbers_leniently(page, burglaries, calls, arrests):
    preview = preview_upload(
        strategy=page,
        data=csv_file(
            "VALUE , Measure,period",
            '"1,234.5",  burglaries REPORTED  ,2024q2',
            " 12 ,arrests,2025-3",
            "-3.25,Calls for service, 2024 ",
            "7,Burglaries reported,2023-Q4",
        ),
    )

    assert preview.errors == []
    assert [(row.period.label, row.value) for row in preview.added] == [
        ("2024-Q2", Decimal("1234.50")),
        ("2025-03", Decimal("12.00")),
        ("2024", Decimal("-3.25")),
        ("2023-Q4", Decimal("7.00")),
    ]
    assert not preview.has_note_column


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (
            "2025",
            "Line 2: “2025” is a year, but “Burglaries reported” is reported quarterly: "
            "write a quarter, such as 2025-Q1, or change its reporting frequency in the admin.",
        ),
        (
            "2025-05",
            "Line 2: “2025-05” is a month, but “Burglaries reported” is reported quarterly: "
            "write a quarter, such as 2025-Q2, or change its reporting frequency in the admin.",
        ),
        (
            "2025-08-31",
            "Line 2: “2025-08-31” is a day, but “Burglaries reported” is reported quarterly: "
            "write a quarter, such as 2025-Q3, or change its reporting frequency in the admin.",
        ),
    ],
)
def test_a_period_of_another_length_than_the_measures_frequency_is_refused_on_its_period(
    page, owner, burglaries, period, message
):
    data = csv_file("measure,period,value", f"Burglaries reported,{period},5")

    preview = preview_upload(strategy=page, data=data)

    assert [(str(error), error.column) for error in preview.errors] == [(message, "period")]
    with pytest.raises(UploadRefused):
        apply_upload(strategy=page, data=data, user=owner)
    assert DataPoint.objects.count() == 1


def test_preview_accepts_a_utf8_byte_order_mark(page, burglaries):
    data = "\ufeffmeasure,period,value\nBurglaries reported,2025-Q1,3\n".encode()

    preview = preview_upload(strategy=page, data=data)

    assert preview.errors == []
    assert len(preview.added) == 1


def test_preview_only_knows_the_measures_of_its_own_page(page, burglaries):
    MeasureFactory(name="Overdose deaths")  # on another page

    preview = preview_upload(
        strategy=page, data=csv_file("measure,period,value", "Overdose deaths,2025,3")
    )

    assert [str(error) for error in preview.errors] == [
        "Line 2: This page has no measure named “Overdose deaths”."
    ]


BAD_FILES = {
    "unknown measure": (
        csv_file("measure,period,value", "Burglaries reported,2025-Q1,1", "Arrests,2025,4"),
        "Line 3: This page has no measure named “Arrests”.",
    ),
    "text for a value": (
        csv_file("measure,period,value", "Burglaries reported,2025-Q1,about ten"),
        "Line 2: The value “about ten” is not a number",
    ),
    "badly grouped thousands": (
        csv_file("measure,period,value", 'Burglaries reported,2025-Q1,"1,23"'),
        "Line 2: The value “1,23” is not a number",
    ),
    "a percent sign": (
        csv_file("measure,period,value", "Burglaries reported,2025-Q1,12%"),
        "Line 2: The value “12%” is not a number",
    ),
    "an empty value": (
        csv_file("measure,period,value", "Burglaries reported,2025-Q1,"),
        "Line 2: The value is empty.",
    ),
    "three decimal places": (
        csv_file("measure,period,value", "Burglaries reported,2025-Q1,1.125"),
        "Line 2: The value “1.125” has more than two decimal places.",
    ),
    "unparseable period": (
        csv_file("measure,period,value", "Burglaries reported,2024-13,5"),
        "Line 2: The period “2024-13” cannot be read; write it as YYYY, YYYY-Qn",
    ),
    "period in words": (
        csv_file("measure,period,value", "Burglaries reported,March 2024,5"),
        "Line 2: The period “March 2024” cannot be read",
    ),
    "same measure and period twice": (
        csv_file(
            "measure,period,value",
            "Burglaries reported,2024-q3,5",
            "Calls for service,2024-Q3,5",
            "burglaries reported,2024Q3,6",
        ),
        "Line 4: “Burglaries reported” for 2024-Q3 is already on line 2.",
    ),
    "unquoted thousands separator": (
        csv_file("measure,period,value", "Burglaries reported,2025-Q1,1,234.5"),
        "Line 2: The row has 4 cells but the header has 3 columns (put a number written with "
        'commas in quotes: "1,234.5").',
    ),
    "wrong header": (
        csv_file("measure,when,value", "Burglaries reported,2025-Q1,1"),
        "Line 1: The header must name the columns measure, period, value and (optionally) "
        "note, in any order: unknown column “when”; no “period” column.",
    ),
    "missing header": (
        csv_file("Burglaries reported,2025-Q1,1"),
        "Line 1: The header must name the columns",
    ),
    "a column twice": (
        csv_file("measure,period,value,Value", "Burglaries reported,2025-Q1,1,1"),
        "Line 1: The header must name the columns measure, period, value and (optionally) "
        "note, in any order: “value” appears 2 times.",
    ),
    "semicolons": (
        csv_file("measure;period;value", "Burglaries reported;2025-Q1;1"),
        "Separate the columns with commas.",
    ),
    "an empty first line": (
        csv_file("", "measure,period,value", "Burglaries reported,2025-Q1,1"),
        "Line 1: The first line must be the header: measure,period,value,note.",
    ),
    "header only": (csv_file("measure,period,value"), "The file has a header but no data rows."),
    "empty file": (b"", "The file is empty."),
    "blank file": (b"\n \n", "The file is empty."),
    "latin-1 text": (
        "measure,period,value\nBurglaries reported,2025-Q1,1,\nCafé visits,2025,2\n".encode(
            "latin-1"
        ),
        "The file is not UTF-8 text (line 3 has a byte that is not UTF-8).",
    ),
    "utf-16 text": (
        "measure,period,value\nBurglaries reported,2025-Q1,1\n".encode("utf-16"),
        "The file is not UTF-8 text",
    ),
    "utf-16 without its byte order mark": (
        "measure,period,value\n".encode("utf-16-le"),
        "The file is not UTF-8 text (line 1 holds a NUL character",
    ),
    "a binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "The file is not UTF-8 text"),
    "over 2 MB": (
        csv_file("measure,period,value") + b" " * MAX_UPLOAD_BYTES,
        "The file is larger than 2 MB.",
    ),
}


@pytest.mark.parametrize(("data", "message"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_reported_with_its_line_and_writes_nothing(page, owner, calls, data, message):
    before = stored(page)

    preview = preview_upload(strategy=page, data=data)

    assert message in str(preview.errors[-1])
    assert not preview.can_apply
    with pytest.raises(UploadRefused) as refused:
        apply_upload(strategy=page, data=data, user=owner)
    assert refused.value.preview.errors == preview.errors
    assert stored(page) == before
    assert not Revision.objects.exists()


def test_every_bad_row_is_reported_with_its_own_line(page, owner, burglaries, calls):
    data = csv_file(
        "measure,period,note,value",
        "Arrests,2025,,1",
        "Burglaries reported,2025-Q1,fine,2",
        "",
        'Calls for service,2025,"a note',
        'over two lines",x',
        "Calls for service,someday,,",
        "Burglaries reported,2025-Q1,again,3",
    )

    preview = preview_upload(strategy=page, data=data)

    assert [str(error) for error in preview.errors] == [
        "Line 2: This page has no measure named “Arrests”.",
        "Line 5: The value “x” is not a number (write it like 1234.5 or 1,234.5).",
        "Line 7: The period “someday” cannot be read; "
        "write it as YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD.",
        "Line 7: The value is empty.",
        "Line 8: “Burglaries reported” for 2025-Q1 is already on line 3.",
    ]
    with pytest.raises(UploadRefused):
        apply_upload(strategy=page, data=data, user=owner)
    assert DataPoint.objects.count() == 1


def test_a_measure_name_used_twice_on_the_page_is_refused_as_ambiguous(page, burglaries):
    MeasureFactory(objective__strategy=page, name="burglaries reported ")

    preview = preview_upload(
        strategy=page, data=csv_file("measure,period,value", "Burglaries reported,2025-Q1,1")
    )

    assert [str(error) for error in preview.errors] == [
        "Line 2: 2 measures on this page are named “Burglaries reported”; "
        "rename one in the admin so that each name is unique."
    ]


# The service: applying the file


def test_apply_writes_every_row_in_one_revision_with_its_author_and_the_whole_page(
    page, owner, burglaries, calls
):
    data = csv_file(
        "measure,period,value,note",
        "Burglaries reported,2024-Q1,95,Revised count",
        "Burglaries reported,2024q2,90,",
        "Calls for service, 2025 ,1200.5,",
    )

    result = apply_upload(strategy=page, data=data, user=owner)

    assert (result.added, result.changed, result.unchanged) == (2, 1, 0)
    assert stored(page) == {
        ("Burglaries reported", "2024-Q1", Decimal("95.00"), "Revised count"),
        ("Burglaries reported", "2024-Q2", Decimal("90.00"), ""),
        ("Calls for service", "2025", Decimal("1200.50"), ""),
    }
    new_point = DataPoint.objects.get(period="2024-Q2")
    assert new_point.period_start.isoformat() == "2024-04-01"
    revision = Revision.objects.get()
    assert revision.user == owner
    assert revision.comment == "Uploaded scorecard data (2 added, 1 changed)"
    saved_page = Version.objects.get_for_object(page).get()
    assert saved_page.revision == revision
    points = {
        v.field_dict["period"]: v for v in revision.version_set.all() if "period" in v.field_dict
    }
    assert set(points) == {"2024-Q1", "2024-Q2", "2025"}
    assert points["2024-Q1"].field_dict["value"] == Decimal("95.00")


def test_apply_without_a_note_column_keeps_existing_notes(page, owner, burglaries):
    apply_upload(
        strategy=page,
        data=csv_file("measure,period,value", "Burglaries reported,2024-Q1,80"),
        user=owner,
    )

    point = DataPoint.objects.get()
    assert (point.value, point.note) == (Decimal("80.00"), "Police reports")


def test_apply_of_a_file_that_changes_nothing_records_no_revision(page, owner, burglaries):
    data = csv_file("measure,period,value,note", "Burglaries reported,2024-Q1,100,Police reports")

    result = apply_upload(strategy=page, data=data, user=owner)

    assert (result.added, result.changed, result.unchanged) == (0, 0, 1)
    assert not Revision.objects.exists()


def test_apply_refuses_when_the_data_changed_after_the_preview(page, owner, burglaries):
    data = csv_file("measure,period,value", "Burglaries reported,2024-Q2,90")
    plan = preview_upload(strategy=page, data=data).plan
    DataPointFactory(measure=burglaries, period="2024-Q2", value=70)

    with pytest.raises(UploadRefused) as refused:
        apply_upload(strategy=page, data=data, user=owner, expected_plan=plan)

    assert "changed after the preview" in refused.value.message
    [change] = refused.value.preview.changed
    assert change.existing.value == Decimal("70.00")
    assert DataPoint.objects.get(period="2024-Q2").value == Decimal("70.00")
    assert not Revision.objects.exists()


def test_apply_refuses_a_value_stored_while_it_was_writing(monkeypatch, page, owner, burglaries):
    data = csv_file("measure,period,value", "Burglaries reported,2025-Q1,5")
    read_before_the_other_write = uploads.preview_upload(strategy=page, data=data)
    DataPointFactory(measure=burglaries, period="2025-Q1", value=3)
    previews = iter([read_before_the_other_write])
    read_now = uploads.preview_upload
    monkeypatch.setattr(
        uploads, "preview_upload", lambda **kwargs: next(previews, None) or read_now(**kwargs)
    )

    with pytest.raises(UploadRefused) as refused:
        apply_upload(strategy=page, data=data, user=owner)

    assert "changed while the file was being applied" in refused.value.message
    assert refused.value.preview.changed[0].existing.value == Decimal("3.00")
    assert DataPoint.objects.get(period="2025-Q1").value == Decimal("3.00")
    assert not Revision.objects.exists()


def test_apply_writes_nothing_when_it_fails_halfway(monkeypatch, page, owner, burglaries):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # After the new and the changed rows are written, before the revision.
    monkeypatch.setattr(uploads, "record_page_revision", fail)
    data = csv_file(
        "measure,period,value", "Burglaries reported,2024-Q1,1", "Burglaries reported,2025-Q1,2"
    )

    with pytest.raises(RuntimeError):
        apply_upload(strategy=page, data=data, user=owner)

    assert stored(page) == {("Burglaries reported", "2024-Q1", Decimal("100.00"), "Police reports")}
    assert not Revision.objects.exists()


def test_apply_refuses_someone_who_may_not_change_the_page(page, outsider, burglaries):
    data = csv_file("measure,period,value", "Burglaries reported,2025-Q1,1")

    with pytest.raises(PermissionDenied):
        apply_upload(strategy=page, data=data, user=outsider)

    assert DataPoint.objects.count() == 1


def upload_of(rows: int) -> bytes:
    lines = ["measure,period,value,note", "Burglaries reported,2024-Q1,99,changed"]
    lines += [f"Calls for service,{1960 + n},{n}," for n in range(rows - 1)]
    return csv_file(*lines)


def queries_to_apply(page, owner, data) -> int:
    """Queries of one upload by a freshly signed-in user (no cached permissions or types)."""
    ContentType.objects.clear_cache()
    user = type(owner).objects.get(pk=owner.pk)
    with CaptureQueriesContext(connection) as queries:
        apply_upload(strategy=page, data=data, user=user)
    return len(queries)


def test_apply_costs_the_same_queries_for_3_rows_and_for_60(page, owner, burglaries, calls):
    small = queries_to_apply(page, owner, upload_of(3))
    DataPoint.objects.exclude(period="2024-Q1").delete()
    DataPoint.objects.update(value=100, note="Police reports")

    large = queries_to_apply(page, owner, upload_of(60))

    # Reversion's walk through the page depends on the page, not on the file.
    assert small == large
    assert large <= 32


def monthly_upload(rows: int) -> bytes:
    """A file that changes the stored value and adds ``rows - 1`` monthly values of Arrests."""
    lines = ["measure,period,value,note", "Burglaries reported,2024-Q1,99,changed"]
    lines += [f"Arrests,{1980 + n // 12}-{n % 12 + 1:02d},{n}," for n in range(rows - 1)]
    return csv_file(*lines)


def test_preview_and_apply_cost_the_same_queries_for_10_rows_and_for_500(
    page, owner, burglaries, arrests
):
    def queries(run) -> int:
        ContentType.objects.clear_cache()
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            run()
            transaction.set_rollback(True)
        return len(captured)

    def counts(rows: int) -> tuple[int, int]:
        data = monthly_upload(rows)
        # A freshly signed-in user: no rights read yet.
        user = type(owner).objects.get(pk=owner.pk)
        return (
            queries(lambda: preview_upload(strategy=page, data=data)),
            queries(lambda: apply_upload(strategy=page, data=data, user=user)),
        )

    # Preview: the measures and the stored values. Apply: the user's rights, the
    # page (locked), the preview's two, the new and the changed values, the page's
    # parts (one query per kind, reviews and marks of review included), the
    # revision with its kind, its content types and versions, and the savepoints
    # around them.
    assert counts(10) == counts(500) == (2, 26)


def test_preview_costs_two_queries(page, burglaries, calls, django_assert_num_queries):
    with django_assert_num_queries(2):
        preview_upload(strategy=page, data=upload_of(40))


# The admin pages


def test_page_manager_finds_the_upload_button_on_their_page(client, owner, page):
    client.force_login(owner)

    response = client.get(reverse("admin:strategy_strategy_change", args=[page.pk]))

    assert response.status_code == 200
    assert f'href="{upload_url(page)}">Upload data (CSV or Excel)</a>' in response.text


def test_upload_page_explains_the_columns_and_offers_an_example(client, owner, page, calls):
    client.force_login(owner)

    response = client.get(upload_url(page))

    assert response.status_code == 200
    assert "<code>measure,period,value,note</code>" in response.text
    assert "Burglaries reported; Calls for service" in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert "csrfmiddlewaretoken" in response.text
    example = client.get(reverse("admin:strategy_strategy_upload_data_example", args=[page.pk]))
    assert example["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in example["Content-Disposition"]
    preview = preview_upload(strategy=page, data=example.content)
    assert preview.errors == []
    assert len(preview.added) == 4


def test_upload_shows_a_preview_and_saves_only_on_confirmation(client, owner, page, calls):
    client.force_login(owner)
    data = csv_file(
        "measure,period,value,note",
        "Burglaries reported,2024-Q1,95,Police reports",
        "Calls for service,2025,1200,",
    )

    response = post_file(client, page, data)

    assert response.status_code == 200
    assert "To add (1)" in response.text
    assert "To change (1)" in response.text
    assert "100 → <strong>95</strong>" in response.text  # a count, at its precision
    assert "<td>1,200</td>" in response.text
    assert f'action="{confirm_url(page)}"' in response.text
    assert DataPoint.objects.count() == 1
    assert not Revision.objects.exists()

    token = response.context["confirm_form"].initial["token"]
    response = client.post(confirm_url(page), {"token": token}, follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "admin:strategy_strategy_change", args=[page.pk]
    )
    assert messages_of(response) == ["Uploaded scorecard data: 1 added, 1 changed, 0 unchanged."]
    assert stored(page) == {
        ("Burglaries reported", "2024-Q1", Decimal("95.00"), "Police reports"),
        ("Calls for service", "2025", Decimal("1200.00"), ""),
    }
    assert Revision.objects.get().user == owner


def test_the_preview_prints_values_at_the_measures_precision(client, owner, page, burglaries):
    rate = MeasureFactory(objective=burglaries.objective, name="Clearance rate", unit="%")
    DataPointFactory(measure=rate, period="2024-Q1", value=Decimal("12.5"))
    client.force_login(owner)
    data = csv_file(
        "measure,period,value",
        "Burglaries reported,2024-Q1,101.00",
        "Burglaries reported,2024-Q2,98",
        "Clearance rate,2024-Q1,13",
        "Clearance rate,2024-Q2,14.25",
    )

    response = post_file(client, page, data)

    assert response.status_code == 200
    text = response.text
    assert "100 → <strong>101</strong>" in text  # a count prints as a whole number
    assert "<td>98</td>" in text
    assert "12.5 → <strong>13.0</strong>" in text  # one decimal, as the measure's values
    assert "<td>14.25</td>" in text  # a value that needs more decimals keeps them
    assert ".00" not in text.split('id="upload-added"')[1].split("</table>")[0]


def test_a_large_preview_lists_the_first_rows_of_each_kind_and_counts_the_rest(
    client, owner, page, burglaries, arrests
):
    client.force_login(owner)

    response = post_file(client, page, monthly_upload(251))

    assert "To add (250)" in response.text
    assert "To change (1)" in response.text
    added = response.text.split('id="upload-added"')[1].split("</table>")[0]
    assert added.count("<tr>") == 1 + 100  # the header and the first hundred
    assert "… and 150 more rows to add, not listed here." in response.text
    assert "more rows to change" not in response.text
    assert "Saving adds 250 values and changes 1" in response.text
    token = response.context["confirm_form"].initial["token"]
    client.post(confirm_url(page), {"token": token})
    assert DataPoint.objects.filter(measure=arrests).count() == 250


def test_a_preview_with_many_problems_lists_the_first_and_counts_the_rest(
    client, owner, page, burglaries
):
    client.force_login(owner)
    data = csv_file("measure,period,value", *[f"Arrests,{1901 + n % 100},1" for n in range(1234)])

    response = post_file(client, page, data)

    assert "The file has 1234 problems; nothing was written." in response.text
    assert "Line 101: This page has no measure named “Arrests”." in response.text
    assert "Line 102:" not in response.text
    assert "… and 1,134 more problems, not listed here." in response.text


def test_preview_with_errors_offers_no_confirmation(client, owner, page, burglaries):
    client.force_login(owner)

    response = post_file(
        client,
        page,
        csv_file("measure,period,value", "Burglaries reported,2025-Q1,1", "Arrests,x,y"),
    )

    assert response.status_code == 200
    assert "The file has 3 problems; nothing was written." in response.text
    assert "Line 3: This page has no measure named “Arrests”." in response.text
    assert response.context["confirm_form"] is None
    assert confirm_url(page) not in response.text
    assert "scorecard_upload" not in client.session


def test_a_tampered_confirmation_is_refused(client, owner, page, burglaries):
    client.force_login(owner)
    post_file(client, page, csv_file("measure,period,value", "Burglaries reported,2025-Q1,1"))

    response = client.post(confirm_url(page), {"token": "guessed"}, follow=True)

    assert response.redirect_chain[-1][0] == upload_url(page)
    assert "That preview is out of date or was not found" in messages_of(response)[0]
    assert DataPoint.objects.count() == 1


def test_a_confirmation_is_refused_once_used_or_replaced(client, owner, page, burglaries):
    client.force_login(owner)
    first = post_file(
        client, page, csv_file("measure,period,value", "Burglaries reported,2025-Q1,1")
    )
    old_token = first.context["confirm_form"].initial["token"]
    second = post_file(
        client, page, csv_file("measure,period,value", "Burglaries reported,2026-Q1,2")
    )
    new_token = second.context["confirm_form"].initial["token"]

    assert client.post(confirm_url(page), {"token": old_token}).url == upload_url(page)
    assert DataPoint.objects.count() == 1
    client.post(confirm_url(page), {"token": new_token})
    assert client.post(confirm_url(page), {"token": new_token}).url == upload_url(page)
    assert set(DataPoint.objects.values_list("period", flat=True)) == {"2024-Q1", "2026-Q1"}
    assert Revision.objects.count() == 1


def test_a_preview_kept_in_the_older_form_is_refused_as_out_of_date(
    client, owner, page, burglaries
):
    client.force_login(owner)
    response = post_file(
        client, page, csv_file("measure,period,value", "Burglaries reported,2025-Q1,1")
    )
    token = response.context["confirm_form"].initial["token"]
    session = client.session
    pending = session["scorecard_upload"]
    pending["data"] = pending.pop("text")
    session["scorecard_upload"] = pending
    session.save()

    response = client.post(confirm_url(page), {"token": token}, follow=True)

    assert response.redirect_chain[-1][0] == upload_url(page)
    assert "That preview is out of date or was not found" in messages_of(response)[0]
    assert DataPoint.objects.count() == 1


def test_a_confirmation_for_another_page_is_refused(client, owner, page, burglaries):
    other = StrategyFactory(page_manager=owner)
    client.force_login(owner)
    response = post_file(
        client, page, csv_file("measure,period,value", "Burglaries reported,2025-Q1,1")
    )
    token = response.context["confirm_form"].initial["token"]

    assert client.post(confirm_url(other), {"token": token}).url == upload_url(other)
    assert DataPoint.objects.count() == 1


def test_confirmation_rereads_the_data_and_shows_what_changed_meanwhile(
    client, owner, page, burglaries
):
    client.force_login(owner)
    response = post_file(
        client, page, csv_file("measure,period,value", "Burglaries reported,2025-Q1,5")
    )
    token = response.context["confirm_form"].initial["token"]
    DataPointFactory(measure=burglaries, period="2025-Q1", value=3)  # someone else, meanwhile

    response = client.post(confirm_url(page), {"token": token})

    assert response.status_code == 200
    assert "changed after the preview" in messages_of(response)[0]
    assert "3 → <strong>5</strong>" in response.text
    assert DataPoint.objects.get(period="2025-Q1").value == Decimal("3.00")
    token = response.context["confirm_form"].initial["token"]
    client.post(confirm_url(page), {"token": token})
    assert DataPoint.objects.get(period="2025-Q1").value == Decimal("5.00")


def test_confirmation_needs_a_post(client, owner, page):
    client.force_login(owner)
    assert client.get(confirm_url(page)).status_code == 405


def test_upload_forms_need_the_csrf_token(owner, page, burglaries):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    data = csv_file("measure,period,value", "Burglaries reported,2025-Q1,1")

    assert post_file(client, page, data).status_code == 403
    assert client.post(confirm_url(page), {"token": "x"}).status_code == 403


def test_page_manager_gets_404_on_another_managers_upload_urls(client, owner, outsider, burglaries):
    page = burglaries.objective.strategy
    client.force_login(outsider)
    data = csv_file("measure,period,value", "Burglaries reported,2025-Q1,1")

    assert client.get(upload_url(page)).status_code == 404
    assert post_file(client, page, data).status_code == 404
    assert client.post(confirm_url(page), {"token": "x"}).status_code == 404
    example_url = reverse("admin:strategy_strategy_upload_data_example", args=[page.pk])
    assert client.get(example_url).status_code == 404
    assert DataPoint.objects.count() == 1


def test_upload_url_of_a_missing_page_is_404(client, editor):
    client.force_login(editor)
    assert client.get(upload_url(Strategy(pk=999_999))).status_code == 404


def test_reviewer_cannot_reach_the_upload_page(client, reviewer, page, burglaries):
    client.force_login(reviewer)
    data = csv_file("measure,period,value", "Burglaries reported,2025-Q1,1")

    response = client.get(upload_url(page))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert post_file(client, page, data).status_code == 302
    assert DataPoint.objects.count() == 1


def test_staff_who_may_only_view_the_page_get_403(client, page, burglaries):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_strategy"))
    Strategy.objects.filter(pk=page.pk).update(page_manager=viewer)
    client.force_login(viewer)

    assert client.get(upload_url(page)).status_code == 403
    change = client.get(reverse("admin:strategy_strategy_change", args=[page.pk]))
    assert "Upload data (CSV or Excel)" not in change.text


def test_editor_may_upload_to_any_page(client, editor, page, burglaries):
    client.force_login(editor)
    response = post_file(
        client, page, csv_file("measure,period,value", "Burglaries reported,2025-Q1,1")
    )
    token = response.context["confirm_form"].initial["token"]

    client.post(confirm_url(page), {"token": token})

    assert DataPoint.objects.filter(period="2025-Q1").exists()
    assert Revision.objects.get().user == editor


def test_a_file_over_2_mb_is_refused_with_the_limit(client, owner, page, burglaries):
    client.force_login(owner)
    data = (
        csv_file("measure,period,value", "Burglaries reported,2025-Q1,1") + b" " * MAX_UPLOAD_BYTES
    )

    response = post_file(client, page, data)

    assert response.status_code == 200
    assert "the limit is 2 MB (2,048 KB)" in response.text
    assert "confirm_form" not in response.context
    assert DataPoint.objects.count() == 1


def test_a_file_that_is_not_utf8_is_refused(client, owner, page, burglaries):
    client.force_login(owner)
    data = "measure,period,value\nBurglaries reported,2025-Q1,1\n".encode("utf-16")

    response = post_file(client, page, data)

    assert "The file is not UTF-8 text" in response.text
    assert response.context["confirm_form"] is None
    assert DataPoint.objects.count() == 1


def test_an_empty_file_is_refused(client, owner, page, burglaries):
    client.force_login(owner)

    response = post_file(client, page, b"")

    assert "The file is empty." in response.text
    assert response.context["confirm_form"] is None


def test_upload_page_makes_no_queries_from_its_template(client, owner, page, calls):
    ObjectiveFactory(strategy=page)
    client.force_login(owner)
    data = csv_file(
        "measure,period,value", "Burglaries reported,2025-Q1,1", "Calls for service,2025,2"
    )

    with CaptureQueriesContext(connection) as small:
        post_file(client, page, data)
    data = csv_file(
        "measure,period,value", *[f"Calls for service,{1990 + n},{n}" for n in range(30)]
    )
    with CaptureQueriesContext(connection) as large:
        post_file(client, page, data)

    assert len(small) == len(large)
