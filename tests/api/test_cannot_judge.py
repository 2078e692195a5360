"""A measure the site cannot judge: the API says why, and judges nothing from the bad point."""

import pytest
from django.urls import reverse

from base.periods import year_window
from tests.scorecards.factories import (
    DataPointFactory,
    MeasureFactory,
    measure_with_its_newest_point_in_the_year_9999,
)
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db


def scorecard_measure(client, page) -> dict:
    scorecard = client.get(reverse("api:strategy-scorecard", args=[page.slug])).json()
    [objective] = scorecard["objectives"]
    [measure] = objective["measures"]
    return measure


def test_a_point_in_the_year_9999_is_left_out_of_latest_trend_and_change(client):
    page = StrategyFactory()
    measure_with_its_newest_point_in_the_year_9999(objective__strategy=page)

    answer = scorecard_measure(client, page)

    assert answer["status"] == "cannot_judge"
    assert year_window() in answer["status_reason"]
    assert answer["latest"] == {"period": "2025-Q3", "period_start": "2025-07-01", "value": 52.0}
    assert answer["trend"] == "improving"
    assert answer["change_from_baseline"] == 30.0
    assert answer["expected_at_latest"] is None
    assert len(answer["data_points"]) == 4


def test_a_measure_that_can_be_judged_has_no_status_reason(client):
    page = StrategyFactory()
    measure = MeasureFactory(objective__strategy=page)
    DataPointFactory(measure=measure, period="2025-Q1", value=50)

    assert scorecard_measure(client, page)["status_reason"] is None
