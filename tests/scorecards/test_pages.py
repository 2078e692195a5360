"""The scorecard page, the CSV downloads and the partner directory."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from strategy.models import Strategy
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PartnerFactory,
)
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db


def rows(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode())))


def add_measures(page, count, points=4):
    objective = ObjectiveFactory(strategy=page)
    for _ in range(count):
        measure = MeasureFactory(objective=objective)
        for quarter in range(points):
            DataPointFactory(measure=measure, period=str(2015 + quarter), value=10 + quarter)
        action = ActionFactory(objective=objective)
        action.partners.add(PartnerFactory())


def test_scorecard_page_shows_status_chart_and_numbers(client, page):
    add_measures(page, 1)

    html = client.get(reverse("scorecards:scorecard", args=[page.slug])).content.decode()

    assert "Off track" in html or "On track" in html or "Stale" in html
    assert html.count('class="chart-point"') == 4
    assert 'class="chart-target"' in html
    assert "values by period" in html


def test_scorecard_page_query_count_does_not_grow_with_measures(client, page):
    add_measures(page, 1)
    url = reverse("scorecards:scorecard", args=[page.slug])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add_measures(page, 8, points=10)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)


def test_scorecard_csv_has_a_header_and_one_row_per_value(client, page):
    add_measures(page, 2, points=3)
    response = client.get(reverse("scorecards:scorecard-csv", args=[page.slug]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{page.slug}-scorecard.csv"' in response["Content-Disposition"]
    data = rows(response)
    assert len(data) == 6
    assert {row["period"] for row in data} == {"2015", "2016", "2017"}


@pytest.mark.parametrize("formula", ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_that_spreadsheets_would_run_are_escaped(client, page, formula):
    measure = MeasureFactory(objective__strategy=page, name=formula)
    DataPointFactory(measure=measure, period="2025", value=-53, note=formula)

    (row,) = rows(client.get(reverse("scorecards:scorecard-csv", args=[page.slug])))

    assert row["measure"] == f"'{formula}"
    assert row["note"] == f"'{formula}"
    assert row["value"] == "-53", "a negative number is a value, not a formula"


def test_all_scorecards_csv_leaves_out_drafts(client):
    public = MeasureFactory(objective__strategy__title="Public page", name="Public measure")
    MeasureFactory(objective__strategy__status=Strategy.Status.DRAFT, name="Draft measure")

    data = rows(client.get(reverse("scorecards:all-csv")))

    assert [row["measure"] for row in data] == [public.name]


def test_all_scorecards_csv_streams_every_value_beside_its_own_measure(client):
    first_page, second_page = StrategyFactory(title="Alpha"), StrategyFactory(title="Beta")
    burglaries = MeasureFactory(objective__strategy=first_page, name="Burglaries", target_value=50)
    calls = MeasureFactory(objective=burglaries.objective, name="Calls", target_value=500)
    empty = MeasureFactory(objective__strategy=second_page, name="No data yet")
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    newer, older = f"{this_month:%Y-%m}", f"{last_month:%Y-%m}"
    # Created out of order, so the rows must come out ordered, not as inserted.
    for period, burglary_count, call_count in [(newer, 40, 900), (older, 70, 800)]:
        DataPointFactory(measure=calls, period=period, value=call_count, note=f"calls {period}")
        DataPointFactory(measure=burglaries, period=period, value=burglary_count)

    response = client.get(reverse("scorecards:all-csv"))

    assert response.streaming
    assert [
        (row["strategy"], row["measure"], row["period"], row["value"], row["status"])
        for row in rows(response)
    ] == [
        ("Alpha", "Burglaries", older, "70", "On track"),
        ("Alpha", "Burglaries", newer, "40", "On track"),
        ("Alpha", "Calls", older, "800", "Off track"),
        ("Alpha", "Calls", newer, "900", "Off track"),
        ("Beta", empty.name, "", "", "No data"),
    ]


def test_a_page_unpublished_while_the_file_is_read_leaves_the_other_measures_whole(client):
    gone = MeasureFactory(objective__strategy__title="Alpha", name="Alpha measure")
    kept = MeasureFactory(objective__strategy__title="Beta", name="Beta measure")
    for measure in (gone, kept):
        DataPointFactory(measure=measure, period="2026-Q1", value=10)
        DataPointFactory(measure=measure, period="2026-Q2", value=20)
    unpublished = []

    def unpublish_after_the_points_query(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not unpublished and sql.startswith("SELECT") and "scorecards_datapoint" in sql:
            unpublished.append(gone.objective.strategy_id)
            Strategy.objects.filter(pk=gone.objective.strategy_id).update(
                status=Strategy.Status.DRAFT
            )
        return result

    with connection.execute_wrapper(unpublish_after_the_points_query):
        data = rows(client.get(reverse("scorecards:all-csv")))

    assert unpublished
    assert [(row["measure"], row["period"], row["value"]) for row in data] == [
        ("Beta measure", "2026-Q1", "10"),
        ("Beta measure", "2026-Q2", "20"),
    ]


def test_all_scorecards_csv_takes_the_same_queries_at_any_size(client):
    add_measures(StrategyFactory(), 1, points=2)
    with CaptureQueriesContext(connection) as small:
        rows(client.get(reverse("scorecards:all-csv")))
    for _ in range(3):
        add_measures(StrategyFactory(), 4, points=6)
    with CaptureQueriesContext(connection) as large:
        data = rows(client.get(reverse("scorecards:all-csv")))

    assert len(data) == 2 + 3 * 4 * 6
    assert len(small) == len(large)


def test_draft_scorecard_is_404_for_the_public(client):
    draft = StrategyFactory(status=Strategy.Status.DRAFT)
    assert client.get(reverse("scorecards:scorecard", args=[draft.slug])).status_code == 404
    assert client.get(reverse("scorecards:scorecard-csv", args=[draft.slug])).status_code == 404


def test_partner_directory_lists_what_each_partner_leads_and_joins_across_pages(client):
    police = PartnerFactory(name="City Police Department")
    first = ActionFactory(
        objective__strategy__title="Page one", title="Map the market", lead=police
    )
    second = ActionFactory(objective__strategy__title="Page two", title="Hold the call-in")
    second.partners.add(police)
    ActionFactory(
        objective__strategy__status=Strategy.Status.DRAFT, title="Secret plan", lead=police
    )

    listing = client.get(reverse("scorecards:partner-list")).content.decode()
    detail = client.get(police.get_absolute_url()).content.decode()

    assert "1 action</td>" in listing  # leads one public action, joins one
    for text in ["Map the market", "Page one", "Hold the call-in", "Page two", "Leads", "Partner"]:
        assert text in detail
    assert "Secret plan" not in detail
    assert first.get_absolute_url() in detail


def test_partner_pages_query_counts_do_not_grow(client):
    police = PartnerFactory()
    ActionFactory(lead=police)
    urls = [reverse("scorecards:partner-list"), police.get_absolute_url()]
    with CaptureQueriesContext(connection) as small:
        for url in urls:
            client.get(url)
    for _ in range(6):
        action = ActionFactory(lead=police)
        action.partners.add(PartnerFactory(), police)
    with CaptureQueriesContext(connection) as large:
        for url in urls:
            client.get(url)
    assert len(small) == len(large)


def test_a_measure_on_its_way_to_a_later_target_says_where_it_should_be(client):
    page = StrategyFactory()
    this_year = timezone.localdate().year
    measure = MeasureFactory(
        objective__strategy=page,
        name="Burglaries in the target area",
        baseline_value=52,
        baseline_period=str(this_year - 2),
        target_value=25,
        target_period=str(this_year + 1),
    )
    DataPointFactory(measure=measure, period=f"{this_year}-Q1", value=36)

    expected = measure.expected_at_latest
    # From 52 at the end of two years ago to 25 by the end of next year, five of its
    # twelve quarters gone at the end of this year's first.
    assert Decimal("40.5") < expected < Decimal("41")
    for url in (page.get_absolute_url(), reverse("scorecards:scorecard", args=[page.slug])):
        html = client.get(url).content.decode()
        assert "On track" in html and "Off track" not in html
        # A count's figures, baseline, target and values alike, print as whole numbers.
        assert f"{expected:.0f} expected by the end of {this_year}-Q1" in html
