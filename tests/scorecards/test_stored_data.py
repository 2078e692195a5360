"""Stored data is never trusted at render time: a measure whose data cannot be judged says so."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from base.periods import year_window
from scorecards.models import DataPoint, Measure
from scorecards.values import VALUE_LIMIT
from tests.scorecards.factories import (
    DataPointFactory,
    MeasureFactory,
    measure_with_its_newest_point_in_the_year_9999,
    write_raw,
)
from tests.strategy.factories import BandFactory, StrategyFactory, TopLevelMapFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoomed_page():
    """A page on a zoom map beneath a page of the top-level map."""
    above = StrategyFactory(band=BandFactory(map=TopLevelMapFactory()), title="Reduce Access")
    zoom_band = BandFactory(map__parent=above.map, map__zooms_into=above)
    return StrategyFactory(band=zoom_band, title="Drug Market Intervention")


def judging_urls(page) -> list[str]:
    """The pages and API answers that show how the page's measures are doing."""
    return [
        reverse("strategy:home"),
        page.map.get_absolute_url(),
        page.get_absolute_url(),
        reverse("scorecards:scorecard", args=[page.slug]),
        reverse("embed:scorecard", args=[page.slug]),
        reverse("api:strategy-detail", args=[page.slug]),
        reverse("api:strategy-scorecard", args=[page.slug]),
    ]


def public_urls(page) -> list[str]:
    return [
        *judging_urls(page),
        reverse("api:map-detail", args=[page.map.slug]),
        reverse("scorecards:scorecard-csv", args=[page.slug]),
    ]


def assert_every_page_is_up_and_cannot_judge(client, page):
    for url in public_urls(page):
        assert client.get(url).status_code == 200, url
    for url in judging_urls(page):
        content = client.get(url).content.decode()
        assert "1 cannot judge" in content or "Cannot judge" in content, url


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_a_period_in_the_year_9999_stored_without_validation_leaves_every_page_up(
    client, zoomed_page
):
    measure = MeasureFactory(objective__strategy=zoomed_page, name="Burglaries")
    point = DataPointFactory(measure=measure, period="2024", value=1)
    write_raw(DataPoint, point.pk, period="9999-12-31", period_start="9999-12-31")

    assert_every_page_is_up_and_cannot_judge(client, zoomed_page)
    [row] = csv_rows(client.get(reverse("scorecards:all-csv")))
    assert (row["measure"], row["status"], row["period"]) == (
        "Burglaries",
        "Cannot judge",
        "9999-12-31",
    )


def test_a_target_period_in_the_year_9999_stored_without_validation_leaves_every_page_up(
    client, zoomed_page
):
    measure = MeasureFactory(
        objective__strategy=zoomed_page, baseline_value=100, target_value=10, name="Burglaries"
    )
    DataPointFactory(measure=measure, period=str(timezone.localdate().year), value=50)
    write_raw(Measure, measure.pk, target_period="9999")

    assert_every_page_is_up_and_cannot_judge(client, zoomed_page)
    [row] = csv_rows(client.get(reverse("scorecards:all-csv")))
    assert row["status"] == "Cannot judge"


@pytest.mark.parametrize("period", ["last year", "0000", "1899-12", "2024-13"])
def test_a_period_that_cannot_be_read_is_shown_as_cannot_judge(client, zoomed_page, period):
    measure = MeasureFactory(objective__strategy=zoomed_page)
    point = DataPointFactory(measure=measure, period="2024", value=1)
    write_raw(DataPoint, point.pk, period=period)

    assert_every_page_is_up_and_cannot_judge(client, zoomed_page)
    html = client.get(reverse("scorecards:scorecard", args=[zoomed_page.slug])).content.decode()
    assert '<span class="status-badge status-cannot_judge">Cannot judge</span>' in html


# Values no check lets through, written with SQL. PostgreSQL's numeric(14, 2)
# holds NaN but refuses more digits; SQLite keeps anything.
UNREADABLE_VALUES = ["NaN"] if connection.vendor == "postgresql" else ["NaN", 1e30, "Infinity"]


@pytest.mark.parametrize("value", UNREADABLE_VALUES)
def test_a_value_that_is_not_a_number_stored_with_sql_is_shown_as_cannot_judge(
    client, zoomed_page, value
):
    measure = MeasureFactory(objective__strategy=zoomed_page, name="Burglaries")
    point = DataPointFactory(measure=measure, period=str(timezone.localdate().year), value=1)
    write_raw(DataPoint, point.pk, value=value)

    assert_every_page_is_up_and_cannot_judge(client, zoomed_page)
    scorecard = client.get(reverse("api:strategy-scorecard", args=[zoomed_page.slug])).json()
    [objective] = scorecard["objectives"]
    [measure] = objective["measures"]
    assert measure["latest"] is None
    stored = measure["data_points"][0]["value"]
    assert (stored is None) == (value in ("NaN", "Infinity"))  # JSON has neither


@pytest.mark.parametrize("value", UNREADABLE_VALUES)
@pytest.mark.parametrize("column", ["baseline_value", "target_value"])
def test_a_baseline_or_target_stored_with_sql_that_is_not_a_number_leaves_every_page_up(
    client, zoomed_page, column, value
):
    measure = MeasureFactory(
        objective__strategy=zoomed_page, baseline_value=100, target_value=10, name="Burglaries"
    )
    DataPointFactory(measure=measure, period=str(timezone.localdate().year), value=50)
    write_raw(Measure, measure.pk, **{column: value})

    assert_every_page_is_up_and_cannot_judge(client, zoomed_page)
    assert client.get(reverse("strategy:search"), {"q": "Burglaries"}).status_code == 200
    [row] = csv_rows(client.get(reverse("scorecards:all-csv")))
    assert row["status"] == "Cannot judge"


def test_the_whole_site_csv_lists_every_row_past_one_that_cannot_be_read(client, zoomed_page):
    measure = MeasureFactory(objective__strategy=zoomed_page, name="Burglaries")
    unreadable = DataPointFactory(measure=measure, period="2023", value=1)
    DataPointFactory(measure=measure, period="2024", value=2)
    DataPointFactory(measure=measure, period="2025", value=3)
    write_raw(DataPoint, unreadable.pk, value="NaN")

    rows = csv_rows(client.get(reverse("scorecards:all-csv")))

    assert [row["period"] for row in rows] == ["2023", "2024", "2025"]


def test_the_map_counts_a_measure_that_cannot_be_judged_apart_from_the_others(client, zoomed_page):
    this_year = str(timezone.localdate().year)
    for value in (40, 45):
        measure = MeasureFactory(objective__strategy=zoomed_page, target_value=50)
        point = DataPointFactory(measure=measure, period=this_year, value=value)
    write_raw(DataPoint, point.pk, period="9999-12-31", period_start="9999-12-31")

    html = client.get(reverse("strategy:home")).content.decode()

    assert "Measures: 1 on track, 1 cannot judge" in html


@pytest.fixture
def newest_point_in_the_year_9999(zoomed_page):
    return measure_with_its_newest_point_in_the_year_9999(objective__strategy=zoomed_page)


def test_a_point_that_cannot_be_judged_is_left_out_of_the_card_and_says_why(
    client, zoomed_page, newest_point_in_the_year_9999
):
    for url in (
        zoomed_page.get_absolute_url(),
        reverse("scorecards:scorecard", args=[zoomed_page.slug]),
    ):
        html = client.get(url).content.decode()

        assert '<span class="status-badge status-cannot_judge">Cannot judge</span>' in html
        assert "Latest</dt><dd>52 (2025-Q3)</dd>" in html, url
        assert "Trend: improving" in html
        assert "Since baseline</dt><dd>+30.0 %</dd>" in html
        assert (
            "A stored value or period is outside the ranges the site accepts "
            f"(periods {year_window()}; values under {VALUE_LIMIT:,})."
        ) in html
        assert "9999" not in html


def test_a_point_that_cannot_be_judged_is_left_out_of_the_chart(
    client, zoomed_page, newest_point_in_the_year_9999
):
    html = client.get(zoomed_page.get_absolute_url()).content.decode()
    chart = html[html.index('<svg class="measure-chart"') : html.index("</svg>")]

    assert chart.count('<circle class="chart-point"') == 3
    assert ">2025-Q1</text>" in chart
    assert ">2025-Q3</text>" in chart
    assert "3 values from 2025-Q1 to 2025-Q3, latest 52;" in chart


def test_a_measure_that_can_be_judged_gives_no_reason(client, zoomed_page):
    measure = MeasureFactory(objective__strategy=zoomed_page)
    DataPointFactory(measure=measure, period="2025-Q1", value=50)

    html = client.get(zoomed_page.get_absolute_url()).content.decode()

    assert "outside the ranges the site accepts" not in html
