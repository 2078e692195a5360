import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from base.periods import Frequency, ended_periods, parse_period, period_of, shift_period
from scorecards.models import Action, Measure
from tests.scorecards.factories import ActionFactory, DataPointFactory, MeasureFactory
from tests.strategy.factories import PageManagerFactory, StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db

DEC_3 = datetime.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("frequency", "label"),
    [(Frequency.MONTHLY, "2026-12"), (Frequency.QUARTERLY, "2026-Q4"), (Frequency.YEARLY, "2026")],
)
def test_a_day_falls_in_one_period_of_each_frequency(frequency, label):
    assert period_of(DEC_3, frequency) == parse_period(label)


def test_shifting_a_period_crosses_the_year():
    quarter = parse_period("2026-Q1")
    assert shift_period(quarter, Frequency.QUARTERLY, -1).label == "2025-Q4"
    assert shift_period(quarter, Frequency.QUARTERLY, 4).label == "2027-Q1"


def test_ended_periods_are_the_newest_that_ended_oldest_first():
    labels = [p.label for p in ended_periods(Frequency.QUARTERLY, before=DEC_3, count=3)]
    assert labels == ["2026-Q1", "2026-Q2", "2026-Q3"]


def test_a_quarterly_value_is_due_the_lag_after_its_quarter_ends():
    measure = MeasureFactory(frequency=Frequency.QUARTERLY, lag_days=60)
    assert measure.due_on(parse_period("2026-Q3")) == datetime.date(2026, 11, 30)
    assert measure.latest_due_period(DEC_3).label == "2026-Q3"


def test_a_long_lag_makes_an_older_period_the_latest_due():
    measure = MeasureFactory(frequency=Frequency.QUARTERLY, lag_days=120)
    # 2026-Q3 is due on 2027-01-29, so the newest value due by December is 2026-Q2's.
    assert measure.latest_due_period(DEC_3).label == "2026-Q2"


def test_a_yearly_value_with_a_lag_of_two_years_is_for_two_years_back():
    measure = MeasureFactory(frequency=Frequency.YEARLY, lag_days=730)
    assert measure.latest_due_period(DEC_3).label == "2023"


def test_a_measure_without_the_due_value_reports_that_period_missing():
    measure = MeasureFactory(frequency=Frequency.QUARTERLY, lag_days=30)
    DataPointFactory(measure=measure, period="2026-Q2", value=10)
    assert labels(Measure.objects.get(pk=measure.pk).missing_due_periods(DEC_3)) == ["2026-Q3"]


def test_a_value_entered_for_the_due_period_clears_it():
    measure = MeasureFactory(frequency=Frequency.QUARTERLY, lag_days=30)
    DataPointFactory(measure=measure, period="2026-Q2", value=10)
    DataPointFactory(measure=measure, period="2026-Q3", value=10)
    assert Measure.objects.get(pk=measure.pk).missing_due_periods(DEC_3) == []


def test_a_monthly_value_counts_for_its_quarter():
    measure = MeasureFactory(frequency=Frequency.QUARTERLY, lag_days=30)
    DataPointFactory(measure=measure, period="2026-08", value=10)
    assert Measure.objects.get(pk=measure.pk).missing_due_periods(DEC_3) == []


def labels(periods) -> list[str]:
    return [period.label for period in periods]


def test_periods_left_out_before_the_newest_value_are_still_missing():
    measure = MeasureFactory(frequency=Frequency.QUARTERLY, lag_days=30)
    DataPointFactory(measure=measure, period="2025-Q3", value=10)
    DataPointFactory(measure=measure, period="2026-Q3", value=10)

    missing = Measure.objects.get(pk=measure.pk).missing_due_periods(DEC_3)

    assert labels(missing) == ["2025-Q4", "2026-Q1", "2026-Q2"]


def test_a_measure_is_asked_for_at_most_eight_periods_and_none_before_its_first_value():
    measure = MeasureFactory(frequency=Frequency.QUARTERLY, lag_days=30)
    DataPointFactory(measure=measure, period="2019-Q1", value=10)
    started_lately = MeasureFactory(frequency=Frequency.QUARTERLY, lag_days=30)
    DataPointFactory(measure=started_lately, period="2026-Q1", value=10)
    never_reported = MeasureFactory(frequency=Frequency.QUARTERLY, lag_days=30)

    assert labels(Measure.objects.get(pk=measure.pk).missing_due_periods(DEC_3)) == [
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    assert labels(started_lately.missing_due_periods(DEC_3)) == ["2026-Q2", "2026-Q3"]
    assert labels(never_reported.missing_due_periods(DEC_3)) == ["2026-Q3"]


def test_late_data_for_an_old_period_is_stored():
    measure = MeasureFactory(frequency=Frequency.QUARTERLY)
    DataPointFactory(measure=measure, period="2019-Q1", value=3)
    assert measure.data_points.get().period == "2019-Q1"


def test_the_page_manager_owns_a_measure_without_an_owner():
    manager, colleague = PageManagerFactory(), PageManagerFactory()
    unowned = MeasureFactory(objective__strategy=StrategyFactory(page_manager=manager))
    delegated = MeasureFactory(
        objective__strategy=StrategyFactory(page_manager=manager), owner=colleague
    )
    assert unowned.responsible_person == manager
    assert delegated.responsible_person == colleague
    assert list(Measure.objects.owned_by(manager)) == [unowned]
    assert list(Measure.objects.owned_by(colleague)) == [delegated]


def test_an_action_is_answered_for_by_its_responsible_person_else_the_manager():
    manager, officer = PageManagerFactory(), UserFactory(is_staff=True)
    page = StrategyFactory(page_manager=manager)
    theirs = ActionFactory(objective__strategy=page, responsible=officer)
    managers = ActionFactory(objective__strategy=page)
    assert theirs.responsible_person == officer
    assert list(Action.objects.responsible(manager)) == [managers]
    assert list(Action.objects.responsible(officer)) == [theirs]


def test_open_actions_past_due_or_quiet_for_ninety_days_need_attention():
    today = timezone.localdate()
    late = ActionFactory(due_date=today - datetime.timedelta(days=1))
    quiet = ActionFactory(due_date=None)
    Action.objects.filter(pk=quiet.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=91)
    )
    ActionFactory(due_date=today - datetime.timedelta(days=1), status=Action.Status.DONE)
    ActionFactory(due_date=today + datetime.timedelta(days=30))
    assert set(Action.objects.needing_attention(today=today)) == {late, quiet}
    assert Action.objects.get(pk=quiet.pk).is_unchanged_too_long


def test_saving_an_action_moves_its_updated_time():
    action = ActionFactory()
    Action.objects.filter(pk=action.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=200)
    )
    action.refresh_from_db()
    action.title = "Renamed"
    action.save()
    assert not Action.objects.get(pk=action.pk).is_unchanged_too_long


def test_a_lag_over_two_years_is_refused():
    measure = MeasureFactory()
    measure.lag_days = 800
    with pytest.raises(ValidationError, match="730"):
        measure.full_clean()


def test_the_measure_admin_offers_owners_by_name_among_staff(admin_client):
    UserFactory(username="pat", first_name="Pat", last_name="Rivera", is_staff=True)
    UserFactory(username="visitor", first_name="Vi", last_name="Sitor", is_staff=False)
    measure = MeasureFactory()
    page = admin_client.get(reverse("admin:scorecards_measure_change", args=[measure.pk]))
    assert page.status_code == 200
    assert "Pat Rivera" in page.text
    assert "Vi Sitor" not in page.text
    assert "Reporting lag (days)" in page.text
