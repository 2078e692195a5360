"""Every measure's status kept in the database (``scorecards.judged``): every way of
writing clears it, a reader judges again only what was cleared or has run out, and a
judgment made from rows a write has since changed is never kept."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from base.periods import add_months, parse_period
from scorecards import judged
from scorecards.judged import judge_again
from scorecards.models import DataPoint, JudgedStatus, Measure
from scorecards.status import Point, Status, judged_until, measure_status
from tests.scorecards.factories import DataPointFactory, MeasureFactory, ObjectiveFactory

TODAY = datetime.date(2026, 12, 3)


def kept(measure) -> JudgedStatus:
    return JudgedStatus.objects.get(measure=measure)


@pytest.fixture
def judged_measure(db):
    measure = MeasureFactory(stale_after_months=600)
    DataPointFactory(measure=measure, period="2024-Q1", value=100)
    judge_again(today=TODAY)
    assert kept(measure).code == Status.OFF_TRACK.code
    return measure


def add_with_save(measure):
    DataPoint(measure=measure, period="2024-Q2", value=50).save()


def add_in_bulk(measure):
    period = parse_period("2024-Q2")
    DataPoint.objects.bulk_create(
        [DataPoint(measure=measure, period=period.label, period_start=period.start, value=50)]
    )


def update_in_bulk(measure):
    DataPoint.objects.filter(measure=measure).update(value=50)


def delete_in_bulk(measure):
    DataPoint.objects.filter(measure=measure).delete()


def update_with_sql(measure):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE scorecards_datapoint SET value = 50 WHERE measure_id = %s", [measure.pk]
        )


def move_the_target(measure):
    Measure.objects.filter(pk=measure.pk).update(target_value=200)


def save_the_measure_with_a_new_tolerance(measure):
    measure.tolerance = Decimal(60)
    measure.save()


@pytest.mark.parametrize(
    "write",
    [
        add_with_save,
        add_in_bulk,
        update_in_bulk,
        delete_in_bulk,
        update_with_sql,
        move_the_target,
        save_the_measure_with_a_new_tolerance,
    ],
)
def test_every_way_of_writing_what_a_status_is_judged_from_clears_it(judged_measure, write):
    before = kept(judged_measure).generation

    write(judged_measure)

    after = kept(judged_measure)
    assert after.code is None
    assert after.generation > before
    assert judge_again(today=TODAY) == 1
    assert kept(judged_measure).code != Status.OFF_TRACK.code


def test_a_change_a_status_does_not_depend_on_keeps_it(judged_measure):
    judged_measure.name = "Burglaries, all kinds"
    judged_measure.save()
    DataPoint.objects.filter(measure=judged_measure).update(note="From the county's report")

    # The note is written to a point: the point's measure is judged again, its name not.
    assert kept(judged_measure).code is None
    judge_again(today=TODAY)
    judged_measure.unit = "reports"
    judged_measure.save()
    assert kept(judged_measure).code == Status.OFF_TRACK.code


def test_a_new_measure_is_kept_to_be_judged_however_it_is_added(db):
    objective = ObjectiveFactory()
    saved = MeasureFactory(objective=objective)
    (bulk,) = Measure.objects.bulk_create([Measure(objective=objective, name="Naloxone kits")])

    assert kept(saved).code is None and kept(bulk).code is None
    assert judge_again(today=TODAY) == 2
    assert kept(bulk).code == Status.NO_DATA.code


def test_a_reader_judges_only_the_measures_written_since_and_nothing_otherwise(db):
    measures = [MeasureFactory(stale_after_months=600) for _ in range(5)]
    assert judge_again(today=TODAY) == 5

    with CaptureQueriesContext(connection) as nothing_to_judge:
        assert judge_again(today=TODAY) == 0
    DataPointFactory(measure=measures[2], period="2025", value=10)

    assert len(nothing_to_judge) == 1
    assert judge_again(today=TODAY) == 1
    assert kept(measures[2]).code == Status.ON_TRACK.code


def test_a_judgment_of_rows_a_write_has_since_changed_is_not_kept(judged_measure):
    read = kept(judged_measure).generation
    DataPointFactory(measure=judged_measure, period="2025", value=10)

    # What a reader that read the rows before the write would store.
    judged._keep([(judged_measure.pk, read, Status.OFF_TRACK.code, None)])

    assert kept(judged_measure).code is None
    judge_again(today=TODAY)
    assert kept(judged_measure).code == Status.ON_TRACK.code


def test_a_measure_whose_row_was_lost_is_judged_and_kept_again(judged_measure):
    JudgedStatus.objects.filter(measure=judged_measure).delete()

    assert judge_again(today=TODAY) == 1
    assert kept(judged_measure).code == Status.OFF_TRACK.code


def test_a_reader_that_cannot_keep_its_judgments_leaves_them_to_the_next(
    judged_measure, monkeypatch
):
    DataPointFactory(measure=judged_measure, period="2025", value=10)

    def locked(*args, **kwargs):
        raise DatabaseError("could not obtain lock")

    monkeypatch.setattr(JudgedStatus.objects, "filter", locked)
    assert judge_again(today=TODAY) == 1
    monkeypatch.undo()

    assert kept(judged_measure).code is None
    assert judge_again(today=TODAY) == 1


def test_a_value_growing_stale_is_judged_again_on_the_day_it_does(db):
    measure = MeasureFactory(stale_after_months=12)
    DataPointFactory(measure=measure, period="2026-Q1", value=10)
    judge_again(today=TODAY)
    first_stale_day = add_months(datetime.date(2026, 1, 1), 12) + datetime.timedelta(days=1)

    assert kept(measure).until == first_stale_day
    assert judge_again(today=first_stale_day - datetime.timedelta(days=1)) == 0
    assert judge_again(today=first_stale_day) == 1
    assert kept(measure).code == Status.STALE.code
    assert kept(measure).until is None


periods = st.sampled_from(["", "2020", "2024-Q3", "2025-06", "2026", "2027-Q2", "2030", "3000"])
values = st.one_of(st.none(), st.integers(-5, 200).map(Decimal))


@settings(max_examples=300, deadline=None)
@given(
    latest_year=st.integers(2015, 2026),
    latest_month=st.integers(1, 12),
    latest_value=st.integers(0, 150).map(Decimal),
    has_latest=st.booleans(),
    baseline=values,
    baseline_period=periods,
    target=values,
    target_period=periods,
    lower_is_better=st.booleans(),
    stale_after_months=st.integers(1, 60),
    tolerance=st.one_of(st.none(), st.integers(0, 20).map(Decimal)),
    days_later=st.lists(st.integers(0, 5000), min_size=1, max_size=5),
)
def test_a_status_holds_on_every_day_until_the_day_kept_with_it(
    latest_year,
    latest_month,
    latest_value,
    has_latest,
    baseline,
    baseline_period,
    target,
    target_period,
    lower_is_better,
    stale_after_months,
    tolerance,
    days_later,
):
    start = datetime.date(latest_year, latest_month, 1)
    latest = Point(f"{latest_year}-{latest_month:02d}", start, latest_value) if has_latest else None

    def on(day):
        return measure_status(
            latest=latest,
            baseline=baseline,
            baseline_period=baseline_period,
            target=target,
            target_period=target_period,
            lower_is_better=lower_is_better,
            stale_after_months=stale_after_months,
            today=day,
            tolerance=tolerance,
        )

    today = TODAY
    status = on(today)
    until = judged_until(
        status,
        latest=latest,
        target_period=target_period,
        stale_after_months=stale_after_months,
        today=today,
    )
    assert until is None or until > today
    for days in days_later:
        day = today + datetime.timedelta(days=days)
        if until is None or day < until:
            assert on(day) is status, (day, until)


def test_a_kept_code_the_site_does_not_know_is_judged_again(judged_measure):
    JudgedStatus.objects.filter(measure=judged_measure).update(code="on_fire")

    assert judge_again(today=TODAY) == 1
    assert kept(judged_measure).code == Status.OFF_TRACK.code
