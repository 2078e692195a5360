"""What the demo shows on the top-level map and in the program library: roll-ups that differ
from box to box, and evidence ratings that every filter of the library narrows to."""

import datetime
from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demo.data import TOP_LEVEL_SLUG
from programs.forms import ProgramFilterForm
from programs.models import EvidenceRating, Program
from scorecards.models import DataPoint, Measure
from scorecards.rollups import rollups_for
from scorecards.status import Status
from strategy.models import Strategy

pytestmark = pytest.mark.django_db

# The day the demo's newest figures were entered (as in test_demo_scorecards).
DEMO_DAY = datetime.date(2026, 12, 3)


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


@pytest.fixture
def top_map_rollups(demo, monkeypatch):
    """The roll-up of each box of the top-level map as a visitor sees it, on ``DEMO_DAY``."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: DEMO_DAY)
    boxes = Strategy.objects.public().filter(map__slug=TOP_LEVEL_SLUG).select_related("zoom_map")
    rollups = rollups_for(boxes, visible=Strategy.objects.public())
    return {box.slug: rollups[box.pk].counts for box in boxes}


def program_count(client, query: str) -> int:
    response = client.get(f"{reverse('programs:list')}?{query}")
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_every_box_of_the_top_level_map_rolls_up_measures(top_map_rollups):
    assert len(top_map_rollups) == 7
    assert all(sum(counts.values()) for counts in top_map_rollups.values())


def test_the_top_level_map_has_boxes_on_track_at_risk_and_off_track(top_map_rollups):
    every = sum(top_map_rollups.values(), Counter())
    assert {Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.STALE, Status.NO_DATA} <= (
        set(every)
    )
    # The boxes differ: some all but free of trouble, some mostly off track.
    mostly_on_track = [
        slug
        for slug, counts in top_map_rollups.items()
        if counts[Status.ON_TRACK] > sum(counts.values()) / 2
    ]
    mostly_off_track = [
        slug
        for slug, counts in top_map_rollups.items()
        if counts[Status.OFF_TRACK] >= sum(counts.values()) / 2
    ]
    without_a_current_value = [
        slug
        for slug, counts in top_map_rollups.items()
        if set(counts) <= {Status.STALE, Status.NO_DATA}
    ]
    assert len(mostly_on_track) >= 2
    assert len(mostly_off_track) >= 2
    assert without_a_current_value == ["strengthen-community-coalitions"]


def test_most_demo_pages_have_measures_with_several_values(demo):
    measured = set(
        Measure.objects.filter(data_points__isnull=False)
        .values_list("objective__strategy__slug", flat=True)
        .distinct()
    )
    several = {
        measure.objective.strategy.slug
        for measure in Measure.objects.select_related("objective__strategy").prefetch_related(
            "data_points"
        )
        if len(measure.data_points.all()) >= 2
    }

    assert len(measured) >= 12
    assert several == measured
    assert len(measured) > Strategy.objects.count() * 3 / 4


def test_every_demo_measure_has_a_baseline_a_target_and_someone_to_report_it(demo):
    for measure in Measure.objects.select_related("objective__strategy__page_manager"):
        assert measure.baseline_value is not None and measure.baseline_period, measure
        assert measure.target_value is not None and measure.target_period, measure
        assert measure.responsible_person is not None, measure


def test_every_demo_value_passes_the_checks_a_person_entering_it_would_meet(demo, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: DEMO_DAY)
    points = DataPoint.objects.all()
    assert points.count() > 150

    for point in points:
        point.full_clean()  # refuses a period that has not begun


@pytest.mark.parametrize("rating", EvidenceRating.Rating.values)
def test_each_evidence_rating_filter_narrows_the_demo_library(client, demo, rating):
    every = Program.objects.count()

    found = program_count(client, f"rating={rating}")

    assert 1 <= found < every


def test_each_page_filter_of_the_library_narrows_the_demo_library(client, demo):
    every = Program.objects.count()
    options = ProgramFilterForm(user=AnonymousUser()).fields["strategy"].queryset
    assert options.count() >= 8

    for page in options:
        found = program_count(client, f"strategy={page.slug}")
        assert 1 <= found < every, page.slug


def test_a_demo_program_rated_differently_by_two_sources_shows_both(client, demo):
    response = client.get(reverse("programs:detail", args=["drug-market-intervention"]))

    html = response.content.decode()
    assert "Promising" in html and "Mixed evidence" in html


def test_loading_the_demo_costs_a_bounded_number_of_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(1500):
        call_command("load_demo", verbosity=0)
    with django_assert_max_num_queries(300):
        call_command("load_demo", verbosity=0)
