"""The demo's scorecards on several pages, so the dashboard's filters have something to narrow."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from base.periods import parse_period
from demo.data import FEATURED_SLUG
from scorecards.models import STATUS_COLUMNS, Action, DataPoint, Measure, status_from_columns
from scorecards.status import Status

pytestmark = pytest.mark.django_db

# The day the demo's newest figures were entered: every period they name had ended.
DEMO_DAY = datetime.date(2026, 12, 3)


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def shown(client, url, names) -> set[str]:
    """Which of ``names`` the dashboard page at ``url`` lists."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return {name for name in names if escape(name) in html}


def names_on(*slugs) -> set[str]:
    return set(
        Measure.objects.filter(objective__strategy__slug__in=slugs).values_list("name", flat=True)
    )


# The pages whose measures the demo's editor keeps: every page with a scorecard but the
# two the demo manager manages.
EDITORS_PAGES = [
    "reduce-opioid-overdose-deaths", "reduce-opioid-misuse-and-addiction",
    "disrupt-the-supply-of-illegal-drugs", "reduce-prescription-of-opioids",
    "promote-safer-prescribing-guidelines", "use-the-prescription-drug-monitoring-program",
    "expand-drug-take-back-programs", "increase-access-to-overdose-reversal-medications",
    "distribute-naloxone-through-pharmacies", "train-first-responders-to-administer-naloxone",
    "expand-access-to-medication-assisted-treatment", "strengthen-community-coalitions",
]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "pages"),
    [
        ("owner=manager", [FEATURED_SLUG, "reduce-non-medical-access-to-prescription-drugs"]),
        ("partner=interfaith-council", [FEATURED_SLUG]),
        ("sector=faith", [FEATURED_SLUG]),
        ("map=reduce-prescription-of-opioids",
         ["expand-drug-take-back-programs", "promote-safer-prescribing-guidelines",
          "use-the-prescription-drug-monitoring-program"]),
        ("map=increase-access-to-overdose-reversal-medications",
         ["distribute-naloxone-through-pharmacies",
          "train-first-responders-to-administer-naloxone"]),
        ("owner=editor", EDITORS_PAGES),
        ("partner=regional-pharmacists-association",
         ["expand-drug-take-back-programs", "distribute-naloxone-through-pharmacies",
          "reduce-prescription-of-opioids"]),
        ("sector=treatment",
         ["reduce-opioid-overdose-deaths", "distribute-naloxone-through-pharmacies",
          "expand-access-to-medication-assisted-treatment"]),
    ],
)  # fmt: skip
def test_each_dashboard_filter_narrows_the_demo_measures(client, demo, query, pages):
    every = set(Measure.objects.values_list("name", flat=True))
    url = reverse("dashboard:measures")
    assert shown(client, url, every) == every

    found = shown(client, f"{url}?{query}", every)

    assert found == names_on(*pages)
    assert found and found < every


@pytest.mark.parametrize(
    "query",
    ["partner=interfaith-council", "sector=public_health", "partner=city-police-department"],
)
def test_the_demo_actions_narrow_by_partner_and_sector(client, demo, query):
    every = set(Action.objects.values_list("title", flat=True))
    url = reverse("dashboard:actions")
    assert shown(client, url, every) == every

    found = shown(client, f"{url}?{query}", every)

    assert found and found < every


def test_no_demo_value_is_for_a_period_that_has_not_ended(demo):
    today = timezone.localdate()
    periods = set(DataPoint.objects.values_list("period", flat=True))

    not_ended = [period for period in periods if parse_period(period).end > today]

    assert periods and not_ended == []
    assert all(parse_period(period).end <= DEMO_DAY for period in periods)


def test_the_demo_measures_have_every_status_and_frequency_and_more_than_one_owner(demo):
    rows = Measure.objects.with_latest_value().values_list(
        "name", "frequency", "owner__username", *STATUS_COLUMNS
    )
    statuses = {row[0]: status_from_columns(row[3:], today=DEMO_DAY) for row in rows}

    assert {Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA} <= set(
        statuses.values()
    )
    assert statuses["Opioid overdose death rate"] is Status.OFF_TRACK
    assert {row[1] for row in rows} == {"monthly", "quarterly", "yearly"}
    assert {row[2] for row in rows} == {None, "editor"}, "unowned: the page manager's"


def test_the_off_track_death_rate_tells_the_story_behind_its_newest_value(client, demo):
    measure = Measure.objects.get(name="Opioid overdose death rate")
    newest = measure.data_points.order_by("period_start").last()
    assert newest.period == "2025"
    assert "xylazine" in newest.note
    assert not measure.data_points.exclude(pk=newest.pk).exclude(note="").exists()

    response = client.get(
        reverse("strategy:strategy-detail", args=["reduce-opioid-overdose-deaths"])
    )

    assert newest.note in response.content.decode()
