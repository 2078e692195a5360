"""Values given one by one (the data-entry grid, the API) go through the upload's checks."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from reversion.models import Revision

from base.periods import Frequency
from scorecards.models import DataPoint
from scorecards.uploads import UploadRefused, ValueEntry, apply_values, preview_values
from tests.scorecards.factories import DataPointFactory, MeasureFactory
from tests.strategy.factories import StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def burglaries(page):
    measure = MeasureFactory(objective__strategy=page, name="Burglaries reported")
    DataPointFactory(measure=measure, period="2024-Q1", value=100, note="Police reports")
    return measure


def test_entries_name_a_measure_by_id_or_by_name(page, burglaries):
    preview = preview_values(
        strategy=page,
        entries=[
            ValueEntry(1, burglaries.pk, "2024-q2", "90"),
            ValueEntry(2, "burglaries REPORTED", "2024-Q1", "95", note="Revised"),
        ],
    )
    assert not preview.errors
    assert [(row.period.label, row.value) for row in preview.added] == [
        ("2024-Q2", Decimal("90.00"))
    ]
    [changed] = preview.changed
    assert (changed.existing.value, changed.value, changed.new_note) == (100, 95, "Revised")


def test_every_bad_entry_is_reported_on_its_line(page, burglaries):
    preview = preview_values(
        strategy=page,
        entries=[
            ValueEntry(1, burglaries.pk + 1000, "2024-Q2", "1"),
            ValueEntry(2, burglaries.pk, "9999", "1"),
            ValueEntry(3, burglaries.pk, "2024-Q3", "1.234"),
            ValueEntry(4, "Arrests", "2024-Q3", "1"),
        ],
    )
    assert [error.line for error in preview.errors] == [1, 2, 3, 4]
    assert "no measure with the id" in preview.errors[0].message
    assert "outside" in preview.errors[1].message
    assert "more than two decimal places" in preview.errors[2].message
    assert "no measure named “Arrests”" in preview.errors[3].message


def test_no_entries_is_a_problem(page):
    assert [error.message for error in preview_values(strategy=page, entries=[]).errors] == [
        "No values were given."
    ]


def test_applying_entries_writes_all_in_one_revision_by_the_person(page, owner, burglaries):
    result = apply_values(
        strategy=page,
        entries=[
            ValueEntry(1, burglaries.pk, "2024-Q2", "90", note="Late data"),
            ValueEntry(2, burglaries.pk, "2024-Q1", "99"),
        ],
        user=owner,
        comment="Entered values",
    )
    assert (result.added, result.changed) == (1, 1)
    assert dict(DataPoint.objects.values_list("period", "value")) == {
        "2024-Q1": Decimal("99.00"),
        "2024-Q2": Decimal("90.00"),
    }
    assert DataPoint.objects.get(period="2024-Q1").note == "Police reports"
    [revision] = Revision.objects.all()
    assert revision.user == owner
    assert revision.comment == "Entered values (1 added, 1 changed)"


def test_one_bad_entry_writes_nothing(page, owner, burglaries):
    with pytest.raises(UploadRefused) as refused:
        apply_values(
            strategy=page,
            entries=[
                ValueEntry(1, burglaries.pk, "2024-Q2", "90"),
                ValueEntry(2, burglaries.pk, "2024-Q3", "ninety"),
            ],
            user=owner,
            comment="Entered values",
        )
    assert refused.value.message == "The values have 1 problem; nothing was written."
    assert DataPoint.objects.count() == 1
    assert not Revision.objects.exists()


def test_another_managers_page_is_refused(page, outsider, burglaries):
    with pytest.raises(PermissionDenied):
        apply_values(
            strategy=page,
            entries=[ValueEntry(1, burglaries.pk, "2024-Q2", "90")],
            user=outsider,
            comment="Entered values",
        )
    assert DataPoint.objects.count() == 1


# --- Measure owners -------------------------------------------------------------------------


@pytest.fixture
def analyst(burglaries):
    """Owns the burglaries measure, and manages no page."""
    person = UserFactory(username="analyst")
    burglaries.owner = person
    burglaries.save()
    return person


def test_a_measures_owner_stores_its_values_when_owners_are_allowed(page, burglaries, analyst):
    result = apply_values(
        strategy=page,
        entries=[ValueEntry(0, "Burglaries reported", "2024-Q2", "90")],
        user=analyst,
        comment="Entered values",
        measure_owners=True,
    )

    assert result.added == 1
    assert Revision.objects.get().user == analyst


def test_without_the_option_a_measures_owner_may_not_store_its_values(page, burglaries, analyst):
    with pytest.raises(PermissionDenied):
        apply_values(
            strategy=page,
            entries=[ValueEntry(0, burglaries.pk, "2024-Q2", "90")],
            user=analyst,
            comment="Entered values",
        )
    assert DataPoint.objects.count() == 1


def test_a_measures_owner_may_not_store_values_of_another_measure(page, burglaries, analyst):
    MeasureFactory(objective=burglaries.objective, name="Arrests")

    with pytest.raises(PermissionDenied) as denied:
        apply_values(
            strategy=page,
            entries=[
                ValueEntry(0, burglaries.pk, "2024-Q2", "90"),
                ValueEntry(1, "Arrests", "2024-Q2", "4"),
            ],
            user=analyst,
            comment="Entered values",
            measure_owners=True,
        )

    assert str(denied.value) == (
        "You may store values only of the measures you own; not of “Arrests”."
    )
    assert DataPoint.objects.count() == 1
    assert not Revision.objects.exists()


def test_someone_owning_no_measure_of_the_page_is_refused_before_the_values_are_read(
    page, burglaries, outsider
):
    MeasureFactory(objective__strategy=StrategyFactory(page_manager=outsider), owner=outsider)

    with pytest.raises(PermissionDenied):
        apply_values(
            strategy=page,
            entries=[ValueEntry(0, "no such measure", "never", "nothing")],
            user=outsider,
            comment="Entered values",
            measure_owners=True,
        )


def test_the_page_manager_stores_any_measures_values_when_owners_are_allowed(
    page, owner, burglaries, analyst
):
    result = apply_values(
        strategy=page,
        entries=[ValueEntry(0, burglaries.pk, "2024-Q2", "90")],
        user=owner,
        comment="Entered values",
        measure_owners=True,
    )

    assert result.added == 1


def test_a_repeated_measure_and_period_names_the_first_item(page, burglaries):
    preview = preview_values(
        strategy=page,
        entries=[
            ValueEntry(0, burglaries.pk, "2024-Q2", "1"),
            ValueEntry(1, "Burglaries reported", "2024q2", "2"),
        ],
    )

    [error] = preview.errors
    assert (error.line, error.column) == (1, "period")
    assert error.message == "“Burglaries reported” for 2024-Q2 is already given in item 0."


def test_each_problem_names_its_column(page, burglaries):
    preview = preview_values(
        strategy=page,
        entries=[ValueEntry(0, "Arrests", "9999", "1.234", note="x" * 301)],
    )

    assert [error.column for error in preview.errors] == ["measure", "period", "value", "note"]


def test_a_period_that_has_not_begun_is_refused_and_one_under_way_is_taken(page, burglaries):
    yearly = MeasureFactory(objective=burglaries.objective, frequency=Frequency.YEARLY)
    today = timezone.localdate()
    next_year, this_year = str(today.year + 1), str(today.year)
    preview = preview_values(
        strategy=page,
        entries=[
            ValueEntry(1, yearly.pk, next_year, "5"),
            ValueEntry(2, yearly.pk, this_year, "5"),
        ],
    )
    [error] = preview.errors
    assert (error.line, error.message) == (
        1,
        f"The period {next_year} has not begun yet (it begins on {next_year}-01-01): "
        "values are entered for periods under way or over.",
    )
    assert [row.period.label for row in preview.added] == [this_year]


def test_the_admin_refuses_a_value_for_a_period_to_come(burglaries):
    point = DataPoint(measure=burglaries, period=str(timezone.localdate().year + 4), value=5)
    with pytest.raises(ValidationError) as refused:
        point.full_clean()
    assert "has not begun yet" in refused.value.message_dict["period"][0]
