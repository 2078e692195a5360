"""The dashboard: every measure and action, counted by status, filtered, sorted, as CSV."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard import selectors
from scorecards import judged as judged_module
from scorecards.judged import judge_again
from scorecards.models import Action, Measure
from strategy.models import Strategy
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    PartnerFactory,
)
from tests.strategy.factories import (
    BandFactory,
    PageManagerFactory,
    StrategyFactory,
    StrategyMapFactory,
)

pytestmark = pytest.mark.django_db

MEASURES = reverse("dashboard:measures")
ACTIONS = reverse("dashboard:actions")
MEASURES_CSV = reverse("dashboard:measures-csv")
ACTIONS_CSV = reverse("dashboard:actions-csv")


def measure(value, *, period=None, **fields):
    """A measure (lower is better, target 60, tolerance 3) with one value, this year's unless
    ``period`` says otherwise; no value when ``value`` is None."""
    made = MeasureFactory(**fields)
    if value is not None:
        period = period or str(timezone.localdate().year)
        DataPointFactory(measure=made, period=period, value=value)
    return made


def on_track(**fields):
    return measure(50, **fields)


def at_risk(**fields):
    return measure(62, **fields)


def off_track(**fields):
    return measure(100, **fields)


def stale(**fields):
    return measure(50, period="2015", **fields)


def no_data(**fields):
    return measure(None, **fields)


def page_html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def csv_rows(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def each_in(html: str, row) -> bool:
    return f'href="{row.get_absolute_url()}"' in html


def test_off_track_lists_only_the_off_track_measures(client):
    made = [on_track(), at_risk(), off_track(), off_track(), stale(), no_data()]

    html = page_html(client, f"{MEASURES}?status=off-track")

    assert [row for row in made if each_in(html, row)] == made[2:4]


@pytest.mark.parametrize(
    "status, index",
    [("on-track", 0), ("at-risk", 1), ("stale", 3), ("no-data", 4)],
)
def test_each_status_filter_lists_its_measures_alone(client, status, index):
    made = [on_track(), at_risk(), off_track(), stale(), no_data()]

    html = page_html(client, f"{MEASURES}?status={status}")

    assert [row for row in made if each_in(html, row)] == [made[index]]


def test_the_counts_cover_every_measure_whatever_the_status_chosen(client):
    on_track()
    off_track()
    off_track()
    no_data()

    html = page_html(client, f"{MEASURES}?status=off-track")

    assert '<span class="dashboard-count-number">4</span> in all' in html
    assert '<span class="dashboard-count-number">1</span> On track' in html
    assert '<span class="dashboard-count-number">2</span> Off track' in html
    assert '<span class="dashboard-count-number">1</span> No data' in html
    assert '<span class="dashboard-count-number">0</span> At risk' in html


def test_a_long_list_is_paged_and_the_counts_still_cover_all_of_it(client, monkeypatch):
    monkeypatch.setattr(selectors, "PER_PAGE", 3)
    page = StrategyFactory()
    made = [off_track(objective__strategy=page, order=n) for n in range(4)]
    made += [on_track(objective__strategy=page, order=4 + n) for n in range(3)]

    first = page_html(client, f"{MEASURES}?status=off-track")
    second = page_html(client, f"{MEASURES}?status=off-track&page=2")

    assert [row for row in made if each_in(first, row)] == made[:3]
    assert [row for row in made if each_in(second, row)] == made[3:4]
    assert '<span class="dashboard-count-number">4</span> Off track' in second
    assert '<span class="dashboard-count-number">3</span> On track' in second
    assert "Measures, 4–4 of 4" in second
    assert 'href="?status=off-track&amp;page=1"' in second


@pytest.mark.parametrize("number, shown", [("99", "4–4"), ("last", "1–3"), ("0", "4–4")])
def test_a_page_number_past_the_end_shows_the_last_page_and_not_a_number_the_first(
    client, monkeypatch, number, shown
):
    monkeypatch.setattr(selectors, "PER_PAGE", 3)
    page = StrategyFactory()
    for order in range(4):
        off_track(objective__strategy=page, order=order)
        ActionFactory(objective__strategy=page, order=order)

    assert f"Measures, {shown} of 4" in page_html(client, f"{MEASURES}?page={number}")
    assert f"Actions, {shown} of 4" in page_html(client, f"{ACTIONS}?page={number}")


def test_drafts_are_hidden_from_the_public_and_shown_to_staff_as_not_public(client, owner):
    draft_measure = off_track(objective__strategy__status=Strategy.Status.DRAFT)
    draft_action = ActionFactory(objective=draft_measure.objective)
    public_measure = off_track()

    html = page_html(client, MEASURES)
    actions = page_html(client, ACTIONS)
    assert not each_in(html, draft_measure) and each_in(html, public_measure)
    assert not each_in(actions, draft_action)
    assert [row["measure"] for row in csv_rows(client, MEASURES_CSV)] == [public_measure.name]

    client.force_login(owner)
    html = page_html(client, MEASURES)
    assert each_in(html, draft_measure)
    assert "not public" in html


def test_a_map_filter_takes_in_its_zoom_maps(client):
    top_page = StrategyFactory()
    zoom = StrategyMapFactory(parent=top_page.map, zooms_into=top_page)
    deeper = StrategyMapFactory(parent=zoom)
    on_map = off_track(objective__strategy=top_page)
    on_zoom = off_track(objective__strategy__band=BandFactory(map=zoom))
    on_deeper = off_track(objective__strategy__band=BandFactory(map=deeper))
    elsewhere = off_track()

    html = page_html(client, f"{MEASURES}?map={zoom.slug}")
    wider = page_html(client, f"{MEASURES}?map={top_page.map.slug}")

    assert [row for row in (on_map, on_zoom, on_deeper, elsewhere) if each_in(html, row)] == [
        on_zoom,
        on_deeper,
    ]
    assert [row for row in (on_map, on_zoom, on_deeper, elsewhere) if each_in(wider, row)] == [
        on_map,
        on_zoom,
        on_deeper,
    ]


def test_a_partner_filter_lists_its_actions_and_the_measures_of_their_objectives(client):
    partner = PartnerFactory()
    led = ActionFactory(lead=partner)
    joined = ActionFactory()
    joined.partners.add(partner)
    other = ActionFactory()
    its_measure = off_track(objective=led.objective)
    joined_measure = off_track(objective=joined.objective)
    other_measure = off_track(objective=other.objective)

    actions = page_html(client, f"{ACTIONS}?partner={partner.slug}")
    measures = page_html(client, f"{MEASURES}?partner={partner.slug}")

    assert [row for row in (led, joined, other) if each_in(actions, row)] == [led, joined]
    assert [
        row for row in (its_measure, joined_measure, other_measure) if each_in(measures, row)
    ] == [its_measure, joined_measure]


def test_a_sector_filter_lists_the_work_of_its_partners(client):
    faith = PartnerFactory(sector="faith")
    led = ActionFactory(lead=faith)
    joined = ActionFactory()
    joined.partners.add(PartnerFactory(sector="faith"))
    police = ActionFactory()

    html = page_html(client, f"{ACTIONS}?sector=faith")

    assert [row for row in (led, joined, police) if each_in(html, row)] == [led, joined]


def test_an_owner_is_the_measures_owner_or_else_the_pages_manager(client):
    manager, owner = PageManagerFactory(), PageManagerFactory()
    page = StrategyFactory(page_manager=manager)
    unowned = off_track(objective__strategy=page)
    owned_by_other = off_track(objective__strategy=page, owner=owner)
    elsewhere = off_track()
    action_unnamed = ActionFactory(objective=unowned.objective)
    action_named = ActionFactory(objective=unowned.objective, responsible=owner)

    html = page_html(client, f"{MEASURES}?owner={manager.username}")
    theirs = page_html(client, f"{MEASURES}?owner={owner.username}")
    actions = page_html(client, f"{ACTIONS}?owner={owner.username}")

    made = (unowned, owned_by_other, elsewhere)
    assert [row for row in made if each_in(html, row)] == [unowned]
    assert [row for row in made if each_in(theirs, row)] == [owned_by_other]
    assert [row for row in (action_unnamed, action_named) if each_in(actions, row)] == [
        action_named
    ]


def test_filters_combine(client):
    partner = PartnerFactory()
    action = ActionFactory(lead=partner)
    wanted = off_track(objective=action.objective)
    same_objective_on_track = on_track(objective=action.objective)
    other_off_track = off_track()

    html = page_html(client, f"{MEASURES}?status=off-track&partner={partner.slug}")

    made = (wanted, same_objective_on_track, other_off_track)
    assert [row for row in made if each_in(html, row)] == [wanted]
    assert 'Remove<span class="visually-hidden"> the filter Status: Off track' in html
    assert f'href="?partner={partner.slug}">Remove' in html, "removes the status alone"


def test_an_unknown_filter_value_is_reported_and_left_out(client):
    made = [off_track(), on_track()]

    html = page_html(client, f"{MEASURES}?map=nowhere&status=off-track")

    assert "Select a valid choice. nowhere is not one of the available choices." in html
    assert "left out" in html
    assert [row for row in made if each_in(html, row)] == made[:1], "the status still applies"
    response = client.get(f"{MEASURES_CSV}?status=sideways")
    assert response.status_code == 400
    assert "Status: Select a valid choice. sideways" in response.content.decode()


def test_an_unknown_sort_says_so_and_leaves_the_list_in_page_order(client):
    later = off_track(objective__strategy__title="Zeta page", name="Alpha calls")
    earlier = on_track(objective__strategy__title="Alpha page", name="Beta calls")

    html = page_html(client, f"{MEASURES}?sort=bogus")

    assert "Sort by “bogus” is not a column of the list. The list is in page order." in html
    assert "A filter named something the site does not have" not in html
    assert html.index(earlier.name) < html.index(later.name)
    assert 'aria-sort="ascending"><a href="?sort=-page">Strategy page' in html
    filtered = page_html(client, f"{MEASURES}?sort=bogus&status=off-track")
    assert [row for row in (later, earlier) if each_in(filtered, row)] == [later]
    actions = page_html(client, f"{ACTIONS}?sort=-bogus")
    assert "Sort by “-bogus” is not a column of the list." in actions
    both = page_html(client, f"{MEASURES}?sort=bogus&map=nowhere")
    assert "A filter named something the site does not have" in both
    assert "Sort by “bogus” is not a column" in both
    response = client.get(f"{MEASURES_CSV}?sort=bogus")
    assert response.status_code == 400
    assert response.content.decode() == "Sort by “bogus” is not a column of the list."


def test_columns_sort_both_ways_with_aria_sort(client):
    first = off_track(name="Alpha calls")
    second = on_track(name="Beta calls")

    ascending = page_html(client, f"{MEASURES}?sort=measure")
    descending = page_html(client, f"{MEASURES}?sort=-measure")
    by_status = page_html(client, f"{MEASURES}?sort=status")

    assert ascending.index(first.name) < ascending.index(second.name)
    assert descending.index(second.name) < descending.index(first.name)
    assert by_status.index(second.name) < by_status.index(first.name), "on track first"
    assert 'aria-sort="ascending"><a href="?sort=-measure">Measure' in ascending
    assert 'aria-sort="descending"><a href="?sort=measure">Measure' in descending
    assert 'aria-sort="ascending"><a href="?sort=-page">Strategy page' in page_html(
        client, MEASURES
    ), "the page order is the sort when none is chosen"


def test_actions_count_and_filter_overdue(client):
    today = timezone.localdate()
    late = ActionFactory(status=Action.Status.IN_PROGRESS, due_date=today - datetime.timedelta(1))
    done_late = ActionFactory(status=Action.Status.DONE, due_date=today - datetime.timedelta(1))
    ahead = ActionFactory(status=Action.Status.PLANNED, due_date=today + datetime.timedelta(30))

    html = page_html(client, f"{ACTIONS}?status=overdue")

    assert [row for row in (late, done_late, ahead) if each_in(html, row)] == [late]
    assert '<span class="dashboard-count-number">1</span> Overdue' in html
    assert '<span class="dashboard-count-number">1</span> Done' in html
    assert '<span class="dashboard-count-number">3</span> in all' in html
    assert "overdue</span>" in html


def test_the_csv_keeps_the_filters_and_the_sort(client):
    on_track(name="Alpha calls")
    off_track(name="Beta calls")
    off_track(name="Gamma calls")

    rows = csv_rows(client, f"{MEASURES_CSV}?status=off-track&sort=-measure")

    assert [(row["measure"], row["status"]) for row in rows] == [
        ("Gamma calls", "Off track"),
        ("Beta calls", "Off track"),
    ]
    assert rows[0]["url"].endswith(f"#measure-{Measure.objects.get(name='Gamma calls').pk}")


def test_the_page_prints_latest_values_and_targets_at_each_measures_precision(client):
    rate = MeasureFactory(name="Death rate", baseline_value="32.4", target_value=20)
    DataPointFactory(measure=rate, period="2024", value="33.8")
    counted = MeasureFactory(name="Burglaries", baseline_value=52, target_value=30)
    DataPointFactory(measure=counted, period="2024", value=28)

    html = page_html(client, f"{MEASURES}?sort=measure")

    assert "33.8 <span" in html and "33.80" not in html
    assert '"Target">20.0</td>' in html  # the target, to the rate's tenths
    assert "28 <span" in html and '"Target">30</td>' in html


def test_the_csv_prints_every_figure_at_its_measures_precision(client):
    counted = MeasureFactory(name="Counted", baseline_value=52, target_value=30)
    DataPointFactory(measure=counted, period="2024", value=28)
    tenths = MeasureFactory(name="Tenths", baseline_value=10, target_value=20)
    DataPointFactory(measure=tenths, period="2023", value="12.5")
    DataPointFactory(measure=tenths, period="2024", value=13)
    # Neither latest value, baseline nor target says it has hundredths: an older value does.
    hundredths = MeasureFactory(name="Hundredths", baseline_value=4, target_value=2)
    DataPointFactory(measure=hundredths, period="2023", value="3.25")
    DataPointFactory(measure=hundredths, period="2024", value=3)
    no_values = MeasureFactory(name="No values", baseline_value="7.5", target_value=None)

    rows = csv_rows(client, f"{MEASURES_CSV}?sort=measure")

    figures = [
        (row["measure"], row["latest_value"], row["baseline"], row["target"]) for row in rows
    ]
    assert figures == [
        ("Counted", "28", "52", "30"),
        ("Hundredths", "3.00", "4.00", "2.00"),
        ("No values", "", "7.5", ""),
        ("Tenths", "13.0", "10.0", "20.0"),
    ]
    for made in (counted, tenths, hundredths, no_values):
        made.refresh_from_db()
    assert [made.precision for made in (counted, tenths, hundredths, no_values)] == [0, 1, 2, 1]


def test_the_actions_csv_keeps_the_filters(client):
    partner = PartnerFactory(name="=Interfaith Council")
    led = ActionFactory(lead=partner, title="Hold the call-in")
    ActionFactory(title="Another action")

    rows = csv_rows(client, f"{ACTIONS_CSV}?partner={partner.slug}")

    assert [(row["action"], row["lead"]) for row in rows] == [
        ("Hold the call-in", "'=Interfaith Council")
    ]
    assert rows[0]["url"].endswith(f"#action-{led.pk}")


def test_the_download_link_and_the_tabs_keep_the_filters(client):
    partner = PartnerFactory()
    ActionFactory(lead=partner)

    html = page_html(client, f"{MEASURES}?status=off-track&partner={partner.slug}&page=1")

    assert f'href="{MEASURES_CSV}?status=off-track&amp;partner={partner.slug}"' in html
    assert f'href="{ACTIONS}?partner={partner.slug}"' in html, "the status is the measures' own"


def test_the_main_navigation_links_to_the_dashboard(client):
    html = page_html(client, reverse("strategy:home"))
    assert f'href="{MEASURES}">Dashboard</a>' in html


def fill(size: int):
    """``size`` pages, each with measures of several statuses and actions with partners."""
    for _ in range(size):
        page = StrategyFactory()
        partner = PartnerFactory()
        action = ActionFactory(
            objective__strategy=page, lead=partner, responsible=page.page_manager
        )
        action.partners.add(PartnerFactory(sector="faith"))
        ActionFactory(
            objective=action.objective, start_date=None, due_date=datetime.date(2020, 1, 1)
        )
        off_track(objective=action.objective, owner=PageManagerFactory())
        on_track(objective=action.objective)
        no_data(objective=action.objective)
    return partner, page.page_manager, page.map


@pytest.mark.parametrize(
    "address",
    [
        MEASURES,
        f"{MEASURES}?status=off-track&sort=-status",
        f"{MEASURES}?sort=owner&sector=faith",
        f"{ACTIONS}",
        f"{ACTIONS}?status=overdue&sort=-lead",
    ],
)
def test_the_query_count_is_the_same_at_two_sizes(client, settings, address):
    settings.PAGE_CACHE_SECONDS = 0
    counts = []
    for size in (1, 30):
        partner, manager, zoom = fill(size)
        # The statuses of the measures just written are judged by the first reader
        # (tests/scorecards/test_judged_status.py counts that); these are the reads.
        judge_again(today=timezone.localdate())
        for url in (
            address,
            f"{address}{'&' if '?' in address else '?'}partner={partner.slug}"
            f"&owner={manager.username}&map={zoom.slug}",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    # At most: the filters' choices (three, then kept for the content version), the measures
    # left to judge, the counts, the number of rows, the page's ids, its rows and their
    # precisions.
    assert max(counts) <= 9


@pytest.mark.parametrize(
    "address, expected",
    [
        (f"{MEASURES_CSV}?sort=-latest", 7),
        (f"{ACTIONS_CSV}?status=overdue&sort=lead", 5),
    ],
)
def test_the_downloads_query_count_is_the_same_at_two_sizes(client, settings, address, expected):
    settings.PAGE_CACHE_SECONDS = 0
    counts = []
    for size in (1, 30):
        fill(size)
        judge_again(today=timezone.localdate())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts.append(len(queries))
    assert counts == [expected, expected]


def test_the_statuses_are_judged_once_for_every_filter_and_sort(client, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0
    on_track()
    off_track()
    judged = []
    judge = judged_module.status_from_columns
    monkeypatch.setattr(
        judged_module, "status_from_columns", lambda *a, **k: judged.append(1) or judge(*a, **k)
    )

    page_html(client, MEASURES)
    assert len(judged) == 2
    html = page_html(client, f"{MEASURES}?status=off-track&sort=-measure")

    assert len(judged) == 2, "the statuses kept are read back, not judged"
    assert '<span class="dashboard-count-number">1</span> Off track' in html


def test_a_new_value_changes_the_status_kept_at_once(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    made = off_track()
    assert each_in(page_html(client, f"{MEASURES}?status=off-track"), made)

    DataPointFactory(measure=made, period=f"{timezone.localdate().year}-01", value=50)

    assert not each_in(page_html(client, f"{MEASURES}?status=off-track"), made)
    assert each_in(page_html(client, f"{MEASURES}?status=on-track"), made)


def test_a_measure_the_kept_statuses_lack_is_judged_on_its_own(client, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0
    on_track()
    page_html(client, MEASURES)
    # As if it were added while the others were judged: the version the statuses were
    # kept at stays the site's.
    monkeypatch.setattr("base.page_cache.content_changed", lambda: None)
    monkeypatch.setattr("base.page_cache.version_moved_on", lambda **kwargs: None)
    late = off_track()

    html = page_html(client, f"{MEASURES}?status=off-track")

    assert each_in(html, late)


def test_the_links_leave_out_what_the_list_refused_so_the_download_matches_it(client):
    off_track(name="Alpha calls")

    html = page_html(client, f"{MEASURES}?status=off-track&owner=nobody&sort=bogus")

    assert f'href="{MEASURES_CSV}?status=off-track"' in html
    assert "owner=nobody" not in html
    assert "sort=bogus" not in html
    assert client.get(f"{MEASURES_CSV}?status=off-track").status_code == 200
