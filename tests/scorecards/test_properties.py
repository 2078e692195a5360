"""Property-based tests: periods, status and trend, charts and the CSV upload never raise
anything but a validation error, whatever they are given."""

import calendar
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from base.periods import (
    FIRST_YEAR,
    OUTSIDE_WINDOW,
    Period,
    add_months,
    last_year,
    parse_period,
)
from scorecards.charts import build_chart
from scorecards.status import (
    Point,
    Status,
    Trend,
    change_from_baseline,
    expected_at,
    judgeable,
    measure_status,
    status,
    trajectory_to_target,
    trend,
)
from scorecards.uploads import preview_upload
from scorecards.values import VALUE_LIMIT, VALUE_PLACES
from tests.scorecards.factories import MeasureFactory

BOUNDED = settings(max_examples=100, deadline=datetime.timedelta(seconds=2))

KINDS = ("year", "quarter", "month", "day")


def label_of(kind: str, day: datetime.date) -> str:
    """The normalised label of the period of ``kind`` that ``day`` falls in."""
    if kind == "year":
        return f"{day.year:04d}"
    if kind == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def period_of(kind: str, day: datetime.date) -> Period:
    """The period of ``kind`` that ``day`` falls in, built without parsing (any year at all)."""
    starts = {
        "year": day.replace(month=1, day=1),
        "quarter": day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1),
        "month": day.replace(day=1),
        "day": day,
    }
    return Period(label_of(kind, day), starts[kind])


def spellings(kind: str, day: datetime.date) -> st.SearchStrategy[str]:
    """The ways a person may write that period: case, dashes, leading zeros, spaces."""
    year = f"{day.year:04d}"
    quarter = (day.month - 1) // 3 + 1
    written = {
        "year": [year],
        "quarter": [f"{year}-Q{quarter}", f"{year}q{quarter}", f"{year}-q{quarter}"],
        "month": [f"{year}-{day.month:02d}", f"{year}-{day.month}"],
        "day": [day.isoformat(), f"{year}-{day.month}-{day.day}"],
    }[kind]
    return st.tuples(st.sampled_from(written), st.sampled_from(["", " ", "\t"])).map(
        lambda parts: f"{parts[1]}{parts[0]}{parts[1]}"
    )


def days_in_window() -> st.SearchStrategy[datetime.date]:
    return st.dates(datetime.date(FIRST_YEAR, 1, 1), datetime.date(last_year(), 12, 31))


kinds = st.sampled_from(KINDS)
any_day = st.dates()  # 0001-01-01 to 9999-12-31, both ends included


# Periods ----------------------------------------------------------------------------------


@BOUNDED
@given(kinds.flatmap(lambda kind: days_in_window().flatmap(lambda day: spellings(kind, day))))
@example(f"{FIRST_YEAR}")
@example(f"{last_year()}-12-31")
@example(f"{last_year()}q4")
def test_a_period_in_the_window_reads_back_from_its_own_label(text):
    period = parse_period(text)

    assert parse_period(period.label) == period
    assert period.start < period.end
    assert parse_period(period.start.isoformat()).start == period.start
    assert parse_period(text.strip().upper()) == period


@BOUNDED
@given(kinds, any_day)
@example("year", datetime.date.max)
@example("quarter", datetime.date.max)
@example("month", datetime.date.max)
@example("day", datetime.date.max)
@example("day", datetime.date.min)
def test_every_period_of_every_year_has_an_end_after_its_start(kind, day):
    period = period_of(kind, day)

    end = period.end

    assert period.start <= day < end or end == day == datetime.date.max
    assert end > period.start or period.start == datetime.date.max


@BOUNDED
@given(kinds, any_day.filter(lambda day: not FIRST_YEAR <= day.year <= last_year()))
@example("year", datetime.date(9999, 12, 31))
@example("day", datetime.date(9999, 12, 31))
@example("quarter", datetime.date(FIRST_YEAR - 1, 12, 31))
def test_a_period_outside_the_window_is_refused_with_its_own_message(kind, day):
    with pytest.raises(ValidationError) as refused:
        parse_period(label_of(kind, day))

    assert refused.value.code == OUTSIDE_WINDOW
    assert f"is outside {FIRST_YEAR}–{last_year()}" in refused.value.messages[0]


@BOUNDED
@given(st.text())
@example("0000")
@example("2024-02-30")
@example("٢٠٢٤")  # digits that are not ASCII
@example("2024-Q5")
@example("1" * 5000)
def test_any_text_is_a_period_or_a_validation_error(text):
    try:
        period = parse_period(text)
    except ValidationError as refused:
        assert refused.messages[0]
    else:
        assert parse_period(period.label) == period


@BOUNDED
@given(any_day, st.integers(-200_000, 200_000))
@example(datetime.date(9999, 12, 31), 1)
@example(datetime.date(9999, 12, 1), 13)
@example(datetime.date(1, 1, 31), -1)
@example(datetime.date(2024, 1, 31), 1)
def test_adding_months_never_raises_and_clamps_at_the_ends(day, months):
    result = add_months(day, months)

    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if year < datetime.MINYEAR:
        assert result == datetime.date.min
    elif year > datetime.MAXYEAR:
        assert result == datetime.date.max
    else:
        shorter = min(day.day, calendar.monthrange(year, month + 1)[1])
        assert result == datetime.date(year, month + 1, shorter)


# Status, trend, chart --------------------------------------------------------------------

in_range_values = st.decimals(
    min_value=-VALUE_LIMIT + VALUE_PLACES, max_value=VALUE_LIMIT - VALUE_PLACES, places=2
)
any_values = st.one_of(
    in_range_values,
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity"), Decimal("1e999")]),
)
any_labels = st.one_of(
    st.just(""),
    st.text(max_size=12),
    st.builds(label_of, kinds, any_day),
)
any_points = st.builds(Point, any_labels, any_day, any_values)
valid_points = st.builds(
    lambda kind, day, value: Point(period_of(kind, day).label, period_of(kind, day).start, value),
    kinds,
    days_in_window(),
    in_range_values,
)


@BOUNDED
@given(
    latest=st.none() | any_points,
    baseline=st.none() | any_values,
    baseline_period=any_labels,
    target=st.none() | any_values,
    target_period=any_labels,
    lower_is_better=st.booleans(),
    stale_after_months=st.integers(0, 10_000),
    today=any_day,
)
@example(
    latest=Point("9999-12-31", datetime.date(9999, 12, 31), Decimal(1)),
    baseline=None,
    baseline_period="",
    target=Decimal(10),
    target_period="",
    lower_is_better=True,
    stale_after_months=13,
    today=datetime.date(2026, 12, 3),
)
@example(
    latest=Point("2026", datetime.date(2026, 1, 1), Decimal(50)),
    baseline=Decimal(100),
    baseline_period="2024",
    target=Decimal(10),
    target_period="9999",
    lower_is_better=True,
    stale_after_months=13,
    today=datetime.date(2026, 12, 3),
)
def test_any_stored_data_gets_a_status_and_never_an_exception(**stored):
    judged = measure_status(**stored)

    assert judged in Status
    path = trajectory_to_target(
        baseline=stored["baseline"],
        baseline_period=stored["baseline_period"],
        target=stored["target"],
        target_period=stored["target_period"],
    )
    assert (
        status(
            latest=stored["latest"],
            target=stored["target"],
            lower_is_better=stored["lower_is_better"],
            stale_after_months=stored["stale_after_months"],
            today=stored["today"],
            path=path,
        )
        in Status
    )
    expected_at(path, stored["latest"], today=stored["today"])
    change_from_baseline(stored["latest"], stored["baseline"])


@BOUNDED
@given(
    latest=st.none() | valid_points,
    baseline=st.none() | in_range_values,
    baseline_period=st.just("") | st.builds(label_of, kinds, days_in_window()),
    target=st.none() | in_range_values,
    target_period=st.just("") | st.builds(label_of, kinds, days_in_window()),
    lower_is_better=st.booleans(),
    stale_after_months=st.integers(1, 120),
    today=any_day,
)
def test_data_within_its_ranges_can_always_be_judged(**stored):
    assert measure_status(**stored) is not Status.CANNOT_JUDGE


@BOUNDED
@given(
    st.lists(any_points, max_size=6),
    st.booleans(),
    st.none() | any_values,
    any_labels,
    any_labels,
    any_day,
    st.none() | st.integers(0, 2),
)
def test_any_points_have_a_trend_and_a_chart_or_none(
    points, lower_is_better, target, baseline_period, target_period, today, places
):
    assert trend(points, lower_is_better=lower_is_better) in Trend
    build_chart(
        points,
        baseline=points[0].value if points else None,
        baseline_period=baseline_period,
        target=target,
        target_period=target_period,
        lower_is_better=lower_is_better,
        places=places,
        today=today,
    )


stored_points = st.one_of(
    any_points,
    st.builds(
        lambda kind, day, value: Point(
            period_of(kind, day).label, period_of(kind, day).start, value
        ),
        kinds,
        any_day,
        any_values,
    ),
)


@BOUNDED
@given(st.lists(stored_points, max_size=6), st.integers(1, 6))
def test_the_points_that_can_be_judged_are_those_that_say_so_however_they_are_found(points, newest):
    judged = [point for point in points if point.can_be_judged]

    assert judgeable(points) == judged
    assert judgeable(points, newest=newest) == judged[-newest:]


# The CSV upload -------------------------------------------------------------------------

MEASURE = "Burglaries in the target area"
csv_cells = st.one_of(
    st.just(MEASURE),
    st.builds(label_of, kinds, any_day),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=15),
)
csv_rows = st.lists(st.lists(csv_cells, min_size=0, max_size=5), max_size=6)
csv_files = st.one_of(
    st.binary(max_size=300),
    st.builds(
        lambda header, rows, newline: newline.join(
            ",".join(cells) for cells in [header, *rows]
        ).encode(),
        st.permutations(["measure", "period", "value", "note"]),
        csv_rows,
        st.sampled_from(["\n", "\r\n"]),
    ),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
)


@pytest.fixture
def measured_page(db):
    return MeasureFactory(name=MEASURE).objective.strategy


# The page and its measure stay as they are: reading a file writes nothing.
@settings(BOUNDED, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files)
@example(data=f"measure,period,value,note\n{MEASURE},9999-12-31,1,x\n".encode())
@example(data=f"measure,period,value\n{MEASURE},2024,NaN\n".encode())
@example(data=f"measure,period,value\n{MEASURE},2024,{'9' * 5000}\n".encode())
@example(data=b"\xff\xfe")
def test_any_file_is_read_into_rows_or_refused_with_messages(measured_page, data):
    preview = preview_upload(strategy=measured_page, data=data)

    assert all(error.message for error in preview.errors)
    for row in (*preview.added, *preview.changed, *preview.unchanged):
        assert parse_period(row.period.label) == row.period
        assert abs(row.value) < VALUE_LIMIT
