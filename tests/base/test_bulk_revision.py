"""A page's revision written in bulk holds what django-reversion records, and is one insert."""

import pytest
import reversion
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from reversion.models import Revision, Version

from base.revisions import INSERT_BATCH, insert_rows, record_page_revision, recorded_change
from public import history
from scorecards.models import Action, DataPoint
from tests.reviews.factories import ExpertAssignmentFactory
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PartnerFactory,
)
from tests.strategy.factories import (
    StrategyFactory,
    StrategyProgramFactory,
    StrategyResourceFactory,
)

pytestmark = pytest.mark.django_db


def stored_revision(record) -> tuple[tuple, list[tuple]]:
    """The revision ``record()`` stores, field by field, then rolled back."""
    with transaction.atomic():
        with recorded_change(user=None, comment="Recorded"):
            record()
        revision = Revision.objects.get()
        found = (
            (revision.user_id, revision.comment),
            list(
                Version.objects.filter(revision=revision)
                .order_by("pk")
                .values_list(
                    "content_type", "object_id", "db", "format", "serialized_data", "object_repr"
                )
            ),
        )
        transaction.set_rollback(True)
    return found


@pytest.fixture
def busy_page(page):
    """A page with every kind of part, some of it in odd shapes."""
    other = StrategyFactory()
    for strategy in (page, other):
        first, second = ObjectiveFactory(strategy=strategy), ObjectiveFactory(strategy=strategy)
        for objective in (second, first):
            measure = MeasureFactory(objective=objective, name="Calls “for” service\\n")
            for period, value in (("2024-Q2", "-3.5"), ("2023", "1234567.25"), ("2024-03-31", "0")):
                DataPointFactory(measure=measure, period=period, value=value, note='a "quote" é')
            MeasureFactory(objective=objective)
        action = ActionFactory(objective=first)
        action.partners.add(PartnerFactory(), PartnerFactory())
        ActionFactory(objective=second)
        StrategyProgramFactory(strategy=strategy)
        StrategyResourceFactory(strategy=strategy)
        ExpertAssignmentFactory(strategy=strategy)
    return page


def test_a_bulk_revision_stores_the_versions_reversion_records_in_the_same_order(busy_page):
    by_reversion = stored_revision(lambda: reversion.add_to_revision(busy_page))
    in_bulk = stored_revision(lambda: record_page_revision(busy_page))

    # The page, a program, a resource, objectives, measures, points, actions, an expert.
    assert len(in_bulk[1]) == 1 + 1 + 1 + 2 + 4 + 6 + 2 + 1
    assert in_bulk == by_reversion


def test_history_reads_a_bulk_revision_as_the_whole_page(owner, busy_page):
    with recorded_change(user=owner, comment="Uploaded"):
        record_page_revision(busy_page)

    state = history.page_state(Version.objects.get_for_object(busy_page).get())

    assert state.unreadable == 0
    points = DataPoint.objects.filter(measure__objective__strategy=busy_page)
    assert set(state.parts["data_points"]) == {str(point.pk) for point in points}
    assert len(state.parts["actions"]) == 2


def test_a_bulk_revision_costs_the_same_queries_however_big_the_page(page):
    def queries_to_record() -> int:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            with recorded_change(user=None, comment="Recorded"):
                record_page_revision(page)
            transaction.set_rollback(True)
        return len(queries)

    measure = MeasureFactory(objective__strategy=page)
    DataPointFactory(measure=measure)
    ActionFactory(objective=measure.objective)
    small = queries_to_record()
    months = [divmod(index, 12) for index in range(INSERT_BATCH - 10)]
    DataPoint.objects.bulk_create(
        DataPoint(
            measure=measure,
            period=f"{1901 + years}-{month + 1:02d}",
            period_start=f"{1901 + years}-{month + 1:02d}-01",
            value=years,
        )
        for years, month in months
    )
    MeasureFactory(objective=ObjectiveFactory(strategy=page))
    ActionFactory(objective=measure.objective).partners.add(PartnerFactory(), PartnerFactory())

    assert queries_to_record() == small


def test_insert_rows_can_update_the_rows_it_meets(page):
    point = DataPointFactory(measure__objective__strategy=page, period="2024", value=1)

    insert_rows(
        DataPoint,
        ("id", "measure", "period", "period_start", "value", "note"),
        [(point.pk, point.measure_id, "2024", point.period_start, 2, "revised")],
        update_on_conflict=("value", "note"),
    )

    point.refresh_from_db()
    assert (point.value, point.note) == (2, "revised")


def test_insert_rows_stores_text_and_nulls_exactly_as_given(page):
    measure = MeasureFactory(objective__strategy=page)
    notes = ["a\ttab", "two\nlines\r\n", "back\\slash \\N \\t", "\\", "", "“quoted” é"]

    insert_rows(
        DataPoint,
        ("measure", "period", "period_start", "value", "note"),
        [(measure.pk, f"{2001 + n}", f"{2001 + n}-01-01", n, note) for n, note in enumerate(notes)],
    )
    insert_rows(
        Action,
        ("objective", "title", "description", "status", "lead", "start_date", "due_date", "order"),
        [(measure.objective_id, "Open\tdate", "", "planned", None, None, None, 0)],
    )

    assert list(measure.data_points.order_by("period").values_list("note", flat=True)) == notes
    action = Action.objects.get()
    assert (action.title, action.lead, action.start_date) == ("Open\tdate", None, None)


def test_insert_rows_refuses_text_holding_a_nul_on_postgresql(page):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores a NUL character")
    measure = MeasureFactory(objective__strategy=page)

    with pytest.raises(DatabaseError, match="NUL"), transaction.atomic():
        insert_rows(
            DataPoint,
            ("measure", "period", "period_start", "value", "note"),
            [(measure.pk, "2001", "2001-01-01", 1, "a\x00b")],
        )

    assert not DataPoint.objects.exists()
