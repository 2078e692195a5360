"""Each strategy box on a map counts how its measures are doing; a zoom map's box adds its pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from base.periods import parse_period
from scorecards.judged import BATCH
from scorecards.models import DataPoint, Measure, Objective
from scorecards.status import Status
from strategy.models import Strategy
from tests.scorecards.factories import DataPointFactory, MeasureFactory
from tests.strategy.factories import BandFactory, StrategyFactory, TopLevelMapFactory

pytestmark = pytest.mark.django_db

RECENT = f"{datetime.date.today().year}"


def measure_on(strategy, value, target=50, polarity=Measure.Polarity.LOWER_IS_BETTER):
    measure = MeasureFactory(objective__strategy=strategy, target_value=target, polarity=polarity)
    if value is not None:
        DataPointFactory(measure=measure, period=RECENT, value=value)
    return measure


def box_text(html, title):
    """What the map's box of this title says in words (its entry in the map's list, which
    says what its box in the diagram says)."""
    start = html.rindex('<li class="map-box', 0, html.index(f">{title}</a>"))
    return html[start : html.index("</li>", start)]


def test_strategy_box_counts_measures_on_track_off_track_and_without_data(client):
    band = BandFactory(map=TopLevelMapFactory())
    page = StrategyFactory(band=band, title="Reduce Access")
    measure_on(page, 40)
    measure_on(page, 45)
    measure_on(page, 60)
    measure_on(page, None)

    html = client.get(reverse("strategy:home")).content.decode()

    assert "Measures: 2 on track, 1 off track, 1 no data" in box_text(html, "Reduce Access")


def test_a_measure_ahead_of_its_path_to_a_later_target_counts_as_on_track(client):
    page = StrategyFactory(band=BandFactory(map=TopLevelMapFactory()), title="Reduce Access")
    this_year = timezone.localdate().year
    path = {"baseline_value": 100, "baseline_period": str(this_year - 2), "target_value": 40}
    ahead = MeasureFactory(objective__strategy=page, target_period=str(this_year + 3), **path)
    behind = MeasureFactory(objective__strategy=page, target_period=str(this_year + 1), **path)
    for measure in (ahead, behind):
        DataPointFactory(measure=measure, period=RECENT, value=75)

    html = client.get(reverse("strategy:home")).content.decode()

    # From 100 at the end of two years ago to 40: by the end of this year a path of five
    # years is at 76, one of three years at 60.
    assert "Measures: 1 on track, 1 off track" in box_text(html, "Reduce Access")
    assert [ahead.status, behind.status] == [Status.ON_TRACK, Status.OFF_TRACK]


def test_zoom_map_box_rolls_up_the_pages_beneath_it(client):
    top_band = BandFactory(map=TopLevelMapFactory())
    objective = StrategyFactory(band=top_band, title="Reduce Access")
    zoom_band = BandFactory(map__parent=top_band.map, map__zooms_into=objective)
    measure_on(StrategyFactory(band=zoom_band), 40)
    measure_on(StrategyFactory(band=zoom_band), 70)
    measure_on(StrategyFactory(band=zoom_band, status=Strategy.Status.DRAFT), 10)

    html = client.get(reverse("strategy:home")).content.decode()

    assert "Measures: 1 on track, 1 off track" in box_text(html, "Reduce Access")


def test_box_without_measures_says_so(client):
    StrategyFactory(band=BandFactory(map=TopLevelMapFactory()), title="Empty page")
    html = client.get(reverse("strategy:home")).content.decode()
    assert "Measures: none yet" in box_text(html, "Empty page")


def test_map_of_200_strategies_with_5_measures_and_40_points_each_costs_at_most_8_queries(
    client, settings
):
    top = TopLevelMapFactory()
    bands = [BandFactory(map=top, order=i) for i in range(5)]
    strategies = Strategy.objects.bulk_create(
        Strategy(
            title=f"Strategy {i}",
            slug=f"strategy-{i}",
            map=top,
            band=bands[i % 5],
            status=Strategy.Status.PUBLISHED,
        )
        for i in range(200)
    )
    objectives = Objective.objects.bulk_create(
        Objective(strategy=strategy, title="Objective") for strategy in strategies
    )
    measures = Measure.objects.bulk_create(
        Measure(objective=objective, name=f"Measure {n}", target_value=50)
        for objective in objectives
        for n in range(5)
    )
    periods = [parse_period(f"{2016 + q // 4}-Q{q % 4 + 1}") for q in range(40)]
    DataPoint.objects.bulk_create(
        DataPoint(measure=measure, period=p.label, period_start=p.start, value=40)
        for measure in measures
        for p in periods
    )

    settings.PAGE_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as judging:
        client.get(reverse("strategy:home"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("strategy:home"))

    assert response.status_code == 200
    assert len(queries) <= 8
    # The first reader judges the 1,000 measures and keeps their statuses, in batches.
    assert len(judging) == len(queries) + 2 + 1000 // BATCH
    assert "Measures: 5 stale" in response.content.decode()
