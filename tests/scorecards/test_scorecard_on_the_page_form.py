"""The page's admin form edits its scorecard: objectives → measures (→ values) and actions."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Revision, Version

from base.periods import Frequency
from scorecards.admin import RECENT_VALUES
from scorecards.models import Action, DataPoint, Measure, Objective
from tests.admin_forms import admin_form_data, change_url
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    DataSourceFactory,
    MeasureFactory,
    ObjectiveFactory,
    PartnerFactory,
)
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def new_objective(index: int, *, partner, data_source, responsible, **value) -> dict:
    """The fields of a new objective with one measure, one value and one action."""
    objective = f"objectives-{index}"
    measure = f"{objective}-measures-0"
    point = f"{measure}-data_points-0"
    action = f"{objective}-actions-0"
    return {
        f"{objective}-title": "Close the open-air drug market",
        f"{objective}-order": "0",
        f"{objective}-details": "",
        **management(f"{objective}-measures", 1),
        f"{measure}-name": "Drug arrests downtown",
        f"{measure}-unit": "arrests",
        f"{measure}-order": "0",
        f"{measure}-owner": str(responsible.pk),
        f"{measure}-frequency": "quarterly",
        f"{measure}-lag_days": "90",
        f"{measure}-polarity": "lower",
        f"{measure}-kind": "population",
        f"{measure}-data_source": str(data_source.pk),
        f"{measure}-baseline_value": "120",
        f"{measure}-baseline_period": "2024",
        f"{measure}-target_value": "60",
        f"{measure}-target_period": "2027",
        f"{measure}-tolerance": "",
        f"{measure}-stale_after_months": "13",
        **management(f"{measure}-data_points", 1),
        f"{point}-period": value.get("period", "2025-Q4"),
        f"{point}-value": value.get("value", "97.5"),
        f"{point}-note": "Police annual report",
        **management(f"{objective}-actions", 1),
        f"{action}-title": "Hold a call-in meeting",
        f"{action}-status": "planned",
        f"{action}-order": "0",
        f"{action}-description": "",
        f"{action}-lead": str(partner.pk),
        f"{action}-partners": [str(partner.pk)],
        f"{action}-responsible": str(responsible.pk),
        f"{action}-start_date": "2026-01-01",
        f"{action}-due_date": "2026-06-30",
    }


def post_new_objective(client, page, **value):
    form = client.get(change_url(page))
    data = admin_form_data(form)
    data.update(management("objectives", 1))
    data.update(
        new_objective(
            0,
            partner=PartnerFactory(name="Police department"),
            data_source=DataSourceFactory(name="Police annual report"),
            responsible=page.page_manager,
            **value,
        )
    )
    return client.post(change_url(page), data)


def test_a_page_manager_adds_an_objective_with_a_measure_a_value_and_an_action_in_one_save(
    client, owner, page
):
    client.force_login(owner)

    response = post_new_objective(client, page)

    assert response.status_code == 302
    objective = Objective.objects.get(strategy=page)
    measure = Measure.objects.get(objective=objective)
    assert (measure.name, measure.owner, measure.frequency, measure.lag_days) == (
        "Drug arrests downtown",
        owner,
        "quarterly",
        90,
    )
    point = DataPoint.objects.get(measure=measure)
    assert (point.period, point.value) == ("2025-Q4", Decimal("97.5"))
    action = Action.objects.get(objective=objective)
    assert action.lead.name == "Police department"
    assert [partner.name for partner in action.partners.all()] == ["Police department"]
    assert action.responsible == owner


def test_the_save_records_one_revision_by_its_author_holding_every_new_row(client, owner, page):
    client.force_login(owner)

    post_new_objective(client, page)

    revision = Revision.objects.get()
    assert revision.user == owner
    recorded = {type(version.object) for version in Version.objects.filter(revision=revision)}
    assert recorded >= {type(page), Objective, Measure, DataPoint, Action}
    assert Version.objects.get_for_object(DataPoint.objects.get()).get().revision == revision


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"period": "2025-Q5"}, "period"),
        ({"period": "9999"}, "year"),
        ({"value": "97.125"}, "2 decimal places"),
        ({"value": "many"}, "number"),
    ],
)
def test_a_bad_value_is_refused_on_its_field_and_nothing_is_saved(
    client, owner, page, value, message
):
    client.force_login(owner)

    response = post_new_objective(client, page, **value)

    assert response.status_code == 200
    field = "period" if "period" in value else "value"
    errors = value_form(response).errors[field]
    assert message in " ".join(errors)
    assert not Objective.objects.filter(strategy=page).exists()
    assert not Revision.objects.exists()


def values_formset(response, objective=0, measure=0):
    """The values of one measure, nested under its objective on the page's form."""
    inlines = response.context["inline_admin_formsets"]
    objectives = next(inline.formset for inline in inlines if inline.formset.prefix == "objectives")
    measures = objectives.forms[objective].nested_formsets[0]
    return measures.forms[measure].nested_formsets[0]


def value_form(response, objective=0, measure=0, row=0):
    return values_formset(response, objective, measure).forms[row]


def test_a_period_an_older_unshown_value_holds_is_refused_with_a_clear_message(client, owner, page):
    measure = MeasureFactory(objective=ObjectiveFactory(strategy=page), frequency=Frequency.YEARLY)
    oldest, *_ = [
        DataPointFactory(measure=measure, period=str(year), value=10)
        for year in range(2010, 2010 + RECENT_VALUES + 2)
    ]
    client.force_login(owner)
    data = admin_form_data(client.get(change_url(page)))
    prefix = "objectives-0-measures-0-data_points"
    shown = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(shown + 1)
    data[f"{prefix}-{shown}-period"] = oldest.period
    data[f"{prefix}-{shown}-value"] = "55"

    response = client.post(change_url(page), data)

    assert response.status_code == 200
    errors = value_form(response, row=shown).errors["period"]
    assert f"already has a value for {oldest.period}" in " ".join(errors)
    assert measure.data_points.count() == RECENT_VALUES + 2
    oldest.refresh_from_db()
    assert oldest.value == 10


def test_a_value_of_another_length_than_the_measures_frequency_is_refused_in_its_row(
    client, owner, page
):
    measure = MeasureFactory(
        objective=ObjectiveFactory(strategy=page), name="Overdose calls", frequency="quarterly"
    )
    DataPointFactory(measure=measure, period="2025-Q2", value=10)
    client.force_login(owner)
    data = admin_form_data(client.get(change_url(page)))
    prefix = "objectives-0-measures-0-data_points"
    shown = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(shown + 1)
    data[f"{prefix}-{shown}-period"] = "2025"
    data[f"{prefix}-{shown}-value"] = "55"

    response = client.post(change_url(page), data)

    assert response.status_code == 200
    assert value_form(response, row=shown).errors["period"] == [
        "“2025” is a year, but “Overdose calls” is reported quarterly: write a quarter, "
        "such as 2025-Q1, or change its reporting frequency in the admin."
    ]
    assert list(measure.data_points.values_list("period", flat=True)) == ["2025-Q2"]
    assert not Revision.objects.exists()


def test_a_measures_frequency_changes_on_the_page_form_with_its_values_kept(client, owner, page):
    measure = MeasureFactory(objective=ObjectiveFactory(strategy=page), frequency="quarterly")
    DataPointFactory(measure=measure, period="2025-Q2", value=10)
    client.force_login(owner)
    data = admin_form_data(client.get(change_url(page)))
    data["objectives-0-measures-0-frequency"] = "yearly"

    response = client.post(change_url(page), data)

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.frequency == "yearly"
    assert list(measure.data_points.values_list("period", flat=True)) == ["2025-Q2"]


def test_a_value_is_changed_in_place_on_the_page_form(client, owner, page):
    measure = MeasureFactory(objective=ObjectiveFactory(strategy=page))
    point = DataPointFactory(measure=measure, period="2025-Q2")
    client.force_login(owner)
    data = admin_form_data(client.get(change_url(page)))
    data["objectives-0-measures-0-data_points-0-value"] = "42"

    response = client.post(change_url(page), data)

    assert response.status_code == 302
    point.refresh_from_db()
    assert point.value == 42
    assert Revision.objects.get().user == owner


def test_deleting_an_objective_on_the_page_form_removes_its_measures_and_values(
    client, owner, page
):
    kept = ObjectiveFactory(strategy=page, title="Kept", order=0)
    dropped = ObjectiveFactory(strategy=page, title="Dropped", order=1)
    DataPointFactory(measure=MeasureFactory(objective=dropped))
    client.force_login(owner)
    data = admin_form_data(client.get(change_url(page)))
    data["objectives-1-DELETE"] = "on"

    response = client.post(change_url(page), data)

    assert response.status_code == 302
    assert list(Objective.objects.filter(strategy=page)) == [kept]
    assert not Measure.objects.filter(objective_id=dropped.pk).exists()
    assert not DataPoint.objects.exists()
    assert Revision.objects.get().user == owner


def test_a_form_opened_before_another_save_of_the_page_saves_none_of_its_new_rows(
    client, owner, page
):
    client.force_login(owner)
    stale = client.get(change_url(page))
    post_new_objective(client, page)

    data = admin_form_data(stale)
    data.update(management("objectives", 1))
    data.update(
        new_objective(
            0, partner=PartnerFactory(), data_source=DataSourceFactory(), responsible=owner
        )
    )
    data["objectives-0-title"] = "Written in a stale tab"
    response = client.post(change_url(page), data)

    assert response.status_code == 200
    assert "Not saved" in str(response.context["adminform"].form.non_field_errors())
    assert not Objective.objects.filter(title="Written in a stale tab").exists()
    assert Revision.objects.count() == 1


def test_another_managers_page_is_refused_and_nothing_is_saved(client, owner, outsider):
    other_page = StrategyFactory(page_manager=outsider)
    client.force_login(outsider)
    data = admin_form_data(client.get(change_url(other_page)))
    data.update(management("objectives", 1))
    data.update(
        new_objective(
            0,
            partner=PartnerFactory(),
            data_source=DataSourceFactory(),
            responsible=outsider,
        )
    )
    client.force_login(owner)

    response = client.post(change_url(other_page), data)

    assert response.status_code == 404
    assert not Objective.objects.exists()


def test_the_form_shows_each_measures_newest_values_and_links_to_the_rest(client, owner, page):
    measure = MeasureFactory(objective=ObjectiveFactory(strategy=page), name="Overdose deaths")
    points = [
        DataPointFactory(measure=measure, period=str(year))
        for year in range(2010, 2010 + RECENT_VALUES + 3)
    ]
    client.force_login(owner)

    response = client.get(change_url(page))

    shown = [form.instance for form in values_formset(response).initial_forms]
    assert shown == points[-RECENT_VALUES:]
    html = " ".join(response.content.decode().split())
    assert "3 older values of “Overdose deaths” are not shown here" in html
    assert change_url(measure) in html


def fill_scorecard(page, *, objectives: int, measures: int, points: int) -> None:
    partners = [PartnerFactory() for _ in range(2)]
    for _ in range(objectives):
        objective = ObjectiveFactory(strategy=page)
        for _ in range(measures):
            measure = MeasureFactory(objective=objective, owner=page.page_manager)
            for _ in range(points):
                DataPointFactory(measure=measure)
        action = ActionFactory(objective=objective, lead=partners[0])
        action.partners.set(partners)


def test_the_page_form_runs_as_many_queries_for_a_large_scorecard_as_for_a_small_one(client, owner):
    small, large = StrategyFactory(page_manager=owner), StrategyFactory(page_manager=owner)
    fill_scorecard(small, objectives=1, measures=1, points=1)
    fill_scorecard(large, objectives=4, measures=3, points=RECENT_VALUES + 4)
    client.force_login(owner)
    client.get(change_url(small))  # Content types and the like are cached from here on.

    with CaptureQueriesContext(connection) as for_small:
        assert client.get(change_url(small)).status_code == 200
    with CaptureQueriesContext(connection) as for_large:
        assert client.get(change_url(large)).status_code == 200

    assert len(for_large) == len(for_small), "\n".join(
        query["sql"] for query in for_large.captured_queries
    )
