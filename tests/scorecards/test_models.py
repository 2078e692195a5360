import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from base.periods import Frequency, Period, parse_period
from programs.models import Outcome
from scorecards.models import Action, DataPoint, Measure
from tests.programs.factories import OutcomeFactory
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
)

DUPLICATE_PERIOD = "This measure already has a value for that period."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The user factories hash a password for every page manager; keep that cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# parse_period


@pytest.mark.parametrize(
    ("text", "label", "start"),
    [
        ("2024", "2024", datetime.date(2024, 1, 1)),
        ("2024-Q1", "2024-Q1", datetime.date(2024, 1, 1)),
        ("2024q1", "2024-Q1", datetime.date(2024, 1, 1)),
        ("2024-q4", "2024-Q4", datetime.date(2024, 10, 1)),
        ("2024-3", "2024-03", datetime.date(2024, 3, 1)),
        ("2024-12", "2024-12", datetime.date(2024, 12, 1)),
        ("2024-03-15", "2024-03-15", datetime.date(2024, 3, 15)),
        ("2024-3-5", "2024-03-05", datetime.date(2024, 3, 5)),
        ("  2024-Q2 ", "2024-Q2", datetime.date(2024, 4, 1)),
    ],
)
def test_parse_period_accepts_and_normalises(text, label, start):
    assert parse_period(text) == Period(label, start)


@pytest.mark.parametrize(
    "text, end",
    [
        ("2024", datetime.date(2025, 1, 1)),
        ("2024-Q4", datetime.date(2025, 1, 1)),
        ("2024-Q1", datetime.date(2024, 4, 1)),
        ("2024-02", datetime.date(2024, 3, 1)),
        ("2024-12-31", datetime.date(2025, 1, 1)),
    ],
)
def test_a_period_ends_the_day_after_its_last_day(text, end):
    assert parse_period(text).end == end


@pytest.mark.parametrize(
    "text", ["2024-Q5", "2024-Q0", "2024-13", "2024-0", "2024-02-30", "", "last year", "24"]
)
def test_parse_period_rejects_what_is_not_a_period(text):
    with pytest.raises(ValidationError) as excinfo:
        parse_period(text)

    assert excinfo.value.code == "invalid_period"
    assert excinfo.value.messages == [
        f"“{text.strip()}” is not a period; use YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD."
    ]


def test_parse_period_rejects_none():
    with pytest.raises(ValidationError):
        parse_period(None)


# DataPoint


@pytest.mark.django_db
def test_data_point_period_is_normalised_and_period_start_derived_on_save():
    point = DataPointFactory(period="2024q3")

    point.refresh_from_db()
    assert point.period == "2024-Q3"
    assert point.period_start == datetime.date(2024, 7, 1)


@pytest.mark.django_db
def test_data_points_of_mixed_lengths_sort_by_their_first_day():
    measure = MeasureFactory()
    for period in ("2024-Q2", "2023", "2024-03", "2024-01-15"):
        DataPointFactory(measure=measure, period=period)

    assert [point.period for point in measure.data_points.all()] == [
        "2023",
        "2024-01-15",
        "2024-03",
        "2024-Q2",
    ]


@pytest.mark.django_db
def test_data_point_with_invalid_period_is_rejected_on_period():
    point = DataPoint(measure=MeasureFactory(), period="2024-Q5", value=1)

    with pytest.raises(ValidationError) as excinfo:
        point.full_clean()

    assert list(excinfo.value.message_dict) == ["period"]


@pytest.mark.django_db
def test_first_data_point_for_a_period_is_valid():
    point = DataPoint(measure=MeasureFactory(), period="2024-q1", value=1)

    point.full_clean()

    assert point.period == "2024-Q1"


@pytest.mark.django_db
def test_second_data_point_for_same_period_is_rejected():
    existing = DataPointFactory(period="2024-Q1")
    duplicate = DataPoint(measure=existing.measure, period="2024-Q1", value=7)

    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()

    assert excinfo.value.message_dict == {NON_FIELD_ERRORS: [DUPLICATE_PERIOD]}


@pytest.mark.django_db
def test_second_data_point_spelling_the_period_differently_is_rejected():
    existing = DataPointFactory(period="2024-Q1")
    duplicate = DataPoint(measure=existing.measure, period="2024-q1", value=7)

    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()

    assert excinfo.value.message_dict == {NON_FIELD_ERRORS: [DUPLICATE_PERIOD]}


@pytest.mark.django_db
def test_same_period_on_another_measure_is_valid():
    existing = DataPointFactory(period="2024-Q1")

    DataPoint(measure=MeasureFactory(), period=existing.period, value=7).full_clean()


@pytest.mark.django_db
def test_a_data_point_of_another_length_than_its_measures_frequency_is_rejected_on_period():
    measure = MeasureFactory(name="Overdose calls", frequency=Frequency.QUARTERLY)
    point = DataPoint(measure=measure, period="2025", value=5)

    with pytest.raises(ValidationError) as excinfo:
        point.full_clean()

    assert excinfo.value.message_dict == {
        "period": [
            "“2025” is a year, but “Overdose calls” is reported quarterly: write a quarter, "
            "such as 2025-Q1, or change its reporting frequency in the admin."
        ]
    }
    DataPoint(measure=measure, period="2025-Q1", value=5).full_clean()


@pytest.mark.django_db
def test_a_stored_value_keeps_its_period_when_its_measures_frequency_changes():
    point = DataPointFactory(measure__frequency=Frequency.QUARTERLY, period="2024-Q1")
    Measure.objects.filter(pk=point.measure_id).update(frequency=Frequency.YEARLY)
    point = DataPoint.objects.select_related("measure").get(pk=point.pk)
    point.value = 42

    point.full_clean()

    point.period = "2024-Q2"
    with pytest.raises(ValidationError) as excinfo:
        point.full_clean()
    assert list(excinfo.value.message_dict) == ["period"]


@pytest.mark.django_db
def test_saving_an_existing_data_point_again_is_valid():
    point = DataPointFactory(period="2024-Q1")
    point.value = 42

    point.full_clean()


@pytest.mark.django_db
def test_database_refuses_a_second_data_point_for_the_same_period():
    existing = DataPointFactory(period="2024-Q1")

    with transaction.atomic(), pytest.raises(IntegrityError):
        DataPoint.objects.create(measure=existing.measure, period="2024-q1", value=7)

    assert existing.measure.data_points.count() == 1


# Action


@pytest.mark.django_db
def test_action_due_before_start_is_rejected_by_full_clean():
    action = ActionFactory.build(
        objective=ObjectiveFactory(),
        lead=None,
        start_date=datetime.date(2025, 6, 1),
        due_date=datetime.date(2025, 5, 31),
    )

    with pytest.raises(ValidationError) as excinfo:
        action.full_clean()

    assert excinfo.value.message_dict == {
        NON_FIELD_ERRORS: ["The due date cannot be before the start date."]
    }


@pytest.mark.django_db
def test_action_due_on_start_day_or_without_dates_is_valid():
    objective = ObjectiveFactory()
    day = datetime.date(2025, 6, 1)

    ActionFactory.build(objective=objective, lead=None, start_date=day, due_date=day).full_clean()
    ActionFactory.build(objective=objective, lead=None, start_date=None).full_clean()
    ActionFactory.build(objective=objective, lead=None, due_date=None).full_clean()


@pytest.mark.django_db
def test_database_refuses_action_due_before_start():
    action = ActionFactory(
        start_date=datetime.date(2025, 1, 1), due_date=datetime.date(2025, 12, 31)
    )

    with transaction.atomic(), pytest.raises(IntegrityError):
        Action.objects.filter(pk=action.pk).update(due_date=datetime.date(2024, 12, 31))

    action.refresh_from_db()
    assert action.due_date == datetime.date(2025, 12, 31)


# Measure


@pytest.mark.django_db
def test_measure_with_invalid_baseline_period_is_rejected_on_baseline_period():
    measure = MeasureFactory()
    measure.baseline_period = "2013-Q5"

    with pytest.raises(ValidationError) as excinfo:
        measure.full_clean()

    assert excinfo.value.message_dict == {
        "baseline_period": ["“2013-Q5” is not a period; use YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD."]
    }


@pytest.mark.django_db
def test_measure_full_clean_normalises_its_periods_and_allows_blank_ones():
    measure = MeasureFactory(baseline_period="2013q4", target_period="")

    measure.full_clean()

    assert measure.baseline_period == "2013-Q4"
    assert measure.target_period == ""


# Outcome


@pytest.mark.django_db
def test_outcome_change_display_of_a_fall():
    outcome = OutcomeFactory(change_percent=-53)
    outcome.refresh_from_db()

    assert outcome.change_display == "-53 %"


@pytest.mark.django_db
def test_outcome_change_display_of_a_rise():
    outcome = OutcomeFactory(change_percent=Decimal("12.5"))
    outcome.refresh_from_db()

    assert outcome.change_display == "+12.5 %"


@pytest.mark.parametrize(
    ("change", "shown"),
    [("100", "+100 %"), ("-7.0", "-7 %"), ("0", "0 %"), ("0.5", "+0.5 %")],
)
def test_outcome_change_display_drops_trailing_zeros_without_exponents(change, shown):
    assert Outcome(change_percent=Decimal(change)).change_display == shown


@pytest.mark.django_db
def test_outcome_str_includes_indicator_change_and_period():
    outcome = OutcomeFactory(indicator="Burglaries", change_percent=-53, period="since 2013")
    outcome.refresh_from_db()

    assert str(outcome) == "Burglaries -53 % (since 2013)"


def test_measure_series_from_the_json_aggregate_matches_the_data_points(db):
    measure = MeasureFactory()
    for period, value in [("2025-Q2", "12.5"), ("2025-Q1", "10"), ("2025", "9")]:
        DataPointFactory(measure=measure, period=period, value=value)
    empty = MeasureFactory()

    annotated = {m.pk: m for m in Measure.objects.with_points()}

    assert [(p.period, str(p.value)) for p in annotated[measure.pk].series] == [
        ("2025", "9.00"),
        ("2025-Q1", "10.00"),
        ("2025-Q2", "12.50"),
    ]
    assert annotated[empty.pk].series == []
    assert annotated[measure.pk].series == Measure.objects.get(pk=measure.pk).series


def test_overdue_actions_are_past_due_and_not_done(db):
    past = datetime.date(2020, 1, 1)
    assert ActionFactory(start_date=None, due_date=past).is_overdue
    assert not ActionFactory(start_date=None, due_date=past, status=Action.Status.DONE).is_overdue
    assert not ActionFactory(start_date=None, due_date=None).is_overdue
