import datetime

import factory
from django.db import connection
from factory.django import DjangoModelFactory

from scorecards.models import Action, DataPoint, DataSource, Measure, Objective, Partner
from tests.strategy.factories import StrategyFactory


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    sector = Partner.Sector.LOCAL_LAW_ENFORCEMENT


class DataSourceFactory(DjangoModelFactory):
    class Meta:
        model = DataSource

    name = factory.Sequence(lambda n: f"Police incident reports {n}")
    publisher = "City Police Department"


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = Objective

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Close the open drug market {n}")


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    objective = factory.SubFactory(ObjectiveFactory)
    name = factory.Sequence(lambda n: f"Burglaries reported {n}")
    unit = "incidents"
    polarity = Measure.Polarity.LOWER_IS_BETTER
    data_source = factory.SubFactory(DataSourceFactory)
    baseline_value = 120
    baseline_period = "2013"
    target_value = 60
    # No target period: without one, a measure is judged against the target alone
    # (scorecards.status), whatever year the tests run in.
    target_period = ""


class DataPointFactory(DjangoModelFactory):
    class Meta:
        model = DataPoint

    measure = factory.SubFactory(MeasureFactory)
    # Quarters of 1926–2025, over again: periods of the past, which values are for.
    period = factory.Sequence(lambda n: f"{1926 + n // 4 % 100}-Q{n % 4 + 1}")
    value = 100


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Hold a call-in meeting {n}")
    status = Action.Status.IN_PROGRESS
    lead = factory.SubFactory(PartnerFactory)
    start_date = datetime.date(2025, 1, 1)
    due_date = datetime.date(2025, 12, 31)


def write_raw(model, pk, **columns):
    """Store ``columns`` as they are, past every check of the model and its fields."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608 (names are ours)
            [*columns.values(), pk],
        )


def measure_with_its_newest_point_in_the_year_9999(**fields) -> Measure:
    """A measure rising 50, 51, 52 over 2025's quarters (baseline 40 in 2024, target 60),
    whose fourth value (48) was moved to 9999-12-31 past the checks."""
    measure = MeasureFactory(
        polarity=Measure.Polarity.HIGHER_IS_BETTER,
        baseline_value=40,
        baseline_period="2024",
        target_value=60,
        **fields,
    )
    for period, value in (("2025-Q1", 50), ("2025-Q2", 51), ("2025-Q3", 52)):
        DataPointFactory(measure=measure, period=period, value=value)
    point = DataPointFactory(measure=measure, period="2025-Q4", value=48)
    write_raw(DataPoint, point.pk, period="9999-12-31", period_start="9999-12-31")
    return measure
