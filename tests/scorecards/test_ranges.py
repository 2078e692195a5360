"""Periods, values and typed dates are refused outside their ranges, with a message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from base.periods import FIRST_YEAR, YEARS_AHEAD, Frequency, parse_period
from reviews import services as review_services
from reviews.models import ReviewMark
from scorecards.models import DataPoint, Measure
from scorecards.uploads import preview_upload
from strategy.models import Strategy
from tests.admin_forms import admin_form_data, change_url, field_errors, post_change
from tests.scorecards.factories import ActionFactory, DataPointFactory, MeasureFactory
from tests.scorecards.test_upload import csv_file, post_file, stored

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year + YEARS_AHEAD
WINDOW = f"{FIRST_YEAR}–{LAST_YEAR}"


@pytest.mark.parametrize(
    "text, label",
    [
        (f"{FIRST_YEAR}", f"{FIRST_YEAR}"),
        (f"{FIRST_YEAR}-01-01", f"{FIRST_YEAR}-01-01"),
        (f"{LAST_YEAR}-q4", f"{LAST_YEAR}-Q4"),
        (f"{LAST_YEAR}-12-31", f"{LAST_YEAR}-12-31"),
    ],
)
def test_periods_at_the_edges_of_the_window_are_accepted(text, label):
    assert parse_period(text).label == label


@pytest.mark.parametrize(
    "text", ["9999-12-31", "9999", f"{LAST_YEAR + 1}-01", f"{FIRST_YEAR - 1}-Q4", "0000"]
)
def test_a_period_outside_the_window_is_refused_with_a_message(text):
    with pytest.raises(ValidationError) as refused:
        parse_period(text)

    assert refused.value.messages == [
        f"“{text}” is outside {WINDOW}: a period’s year must be within it."
    ]


def test_an_upload_with_a_period_in_the_year_9999_is_refused_and_writes_nothing(
    client, owner, page
):
    MeasureFactory(objective__strategy=page, name="Burglaries in the target area")
    client.force_login(owner)
    before = stored(page)

    response = post_file(
        client,
        page,
        csv_file("measure,period,value,note", "Burglaries in the target area,9999-12-31,1,x"),
    )

    assert response.status_code == 200
    assert f"Line 2: The period “9999-12-31” is outside {WINDOW}." in response.text
    assert response.context["confirm_form"] is None
    assert stored(page) == before


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e400", "1000000000000", "9" * 30])
def test_an_upload_with_a_value_that_is_not_a_number_in_range_is_refused(page, value):
    MeasureFactory(objective__strategy=page, name="Burglaries", frequency=Frequency.YEARLY)

    preview = preview_upload(
        strategy=page, data=csv_file("measure,period,value", f"Burglaries,2024,{value}")
    )

    [error] = preview.errors
    assert error.line == 2 and f"“{value}”" in error.message


@pytest.mark.parametrize("field", ["target_period", "baseline_period"])
def test_a_measure_period_in_the_year_9999_is_refused_in_the_admin(client, owner, page, field):
    measure = MeasureFactory(objective__strategy=page)
    client.force_login(owner)

    response = post_change(client, measure, **{field: "9999"})

    assert field_errors(response)[field] == [
        f"“9999” is outside {WINDOW}: a period’s year must be within it."
    ]
    measure.refresh_from_db()
    assert getattr(measure, field) != "9999"


def test_a_data_point_in_the_year_9999_is_refused_in_the_admin(client, owner, page):
    point = DataPointFactory(measure__objective__strategy=page, period="2024")
    client.force_login(owner)

    response = post_change(client, point.measure, **{"data_points-0-period": "9999-12-31"})

    [formset] = response.context["inline_admin_formsets"]
    assert formset.formset.errors[0]["period"] == [
        f"“9999-12-31” is outside {WINDOW}: a period’s year must be within it."
    ]
    assert DataPoint.objects.get().period == "2024"


@pytest.mark.parametrize(
    "value, message",
    [
        ("NaN", "Enter a number."),
        ("Infinity", "Enter a number."),
        ("1e400", "Ensure that there are no more than 14 digits in total."),
        ("1000000000000", "Ensure that there are no more than 12 digits before the decimal point."),
    ],
)
@pytest.mark.parametrize("field", ["baseline_value", "target_value"])
def test_a_baseline_or_target_that_is_not_a_number_in_range_is_refused_in_the_admin(
    client, owner, page, field, value, message
):
    measure = MeasureFactory(objective__strategy=page)
    client.force_login(owner)

    response = post_change(client, measure, **{field: value})

    assert field_errors(response)[field] == [message]
    assert Measure.objects.get().baseline_value == measure.baseline_value


def test_a_review_date_before_the_window_is_refused_and_the_admin_takes_none(client, editor, page):
    client.force_login(editor)

    form = client.get(change_url(page))
    client.post(change_url(page), admin_form_data(form, last_reviewed="1066-10-14"))
    with pytest.raises(ValidationError) as refused:
        review_services.mark_reviewed(
            user=editor,
            strategies=Strategy.objects.filter(pk=page.pk),
            on=datetime.date(1066, 10, 14),
        )

    assert refused.value.message_dict["marked_on"] == [
        f"1066-10-14 is outside {WINDOW}: a date’s year must be within it."
    ]
    page.refresh_from_db()
    assert page.last_reviewed is None, "worked out from reviews, never typed"
    assert not ReviewMark.objects.exists()


@pytest.mark.parametrize("field", ["start_date", "due_date"])
def test_an_action_date_outside_the_window_is_refused(field):
    action = ActionFactory.build(
        objective=MeasureFactory().objective, lead=None, start_date=None, due_date=None
    )
    setattr(action, field, datetime.date(1899, 12, 31))

    with pytest.raises(ValidationError) as refused:
        action.full_clean()

    assert refused.value.message_dict[field] == [
        f"1899-12-31 is outside {WINDOW}: a date’s year must be within it."
    ]


def test_an_upload_of_too_large_a_value_says_how_large_a_value_may_be(page):
    MeasureFactory(objective__strategy=page, name="Burglaries", frequency=Frequency.YEARLY)

    preview = preview_upload(
        strategy=page, data=csv_file("measure,period,value", "Burglaries,2024,1000000000000")
    )

    [error] = preview.errors
    assert error.message == (
        "The value “1000000000000” is too large: values are under 1,000,000,000,000 in size."
    )
