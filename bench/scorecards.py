"""Render times of the pages that carry scorecards, at coalition scale.

Builds, in a throwaway test database, a map of 200 strategies with 5 measures
of 40 quarterly values each (40,000 data points), then renders the map, a
strategy page, its scorecard page and the site-wide CSV through Django's test
client and prints the median and 95th percentile over many runs, with the
query count of each page.

    python bench/scorecards.py            # SQLite in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/strategy python bench/scorecards.py

Timings drift on shared machines; compare runs made side by side.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402

from scorecards.models import DataPoint, Measure, Objective  # noqa: E402
from scorecards.periods import parse_period  # noqa: E402
from strategy.models import Band, Strategy, StrategyMap  # noqa: E402

STRATEGIES, MEASURES, POINTS = 200, 5, 40
WARM_UP, RUNS = 3, 30


def build_site() -> Strategy:
    top = StrategyMap.objects.create(title="Bench map", slug="bench-map")
    bands = Band.objects.bulk_create(Band(map=top, title=f"Band {i}", order=i) for i in range(5))
    strategies = Strategy.objects.bulk_create(
        Strategy(
            title=f"Strategy {i}",
            slug=f"strategy-{i}",
            map=top,
            band=bands[i % len(bands)],
            position=i,
            status=Strategy.Status.PUBLISHED,
        )
        for i in range(STRATEGIES)
    )
    objectives = Objective.objects.bulk_create(
        Objective(strategy=strategy, title="Objective") for strategy in strategies
    )
    measures = Measure.objects.bulk_create(
        Measure(objective=objective, name=f"Measure {n}", target_value=50, baseline_value=80)
        for objective in objectives
        for n in range(MEASURES)
    )
    periods = [parse_period(f"{2017 + q // 4}-Q{q % 4 + 1}") for q in range(POINTS)]
    DataPoint.objects.bulk_create(
        (
            DataPoint(measure=measure, period=p.label, period_start=p.start, value=90 - q)
            for measure in measures
            for q, p in enumerate(periods)
        ),
        batch_size=5000,
    )
    return strategies[0]


def measure(client: Client, url: str) -> tuple[float, float, int]:
    for _ in range(WARM_UP):
        client.get(url)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries)


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        started = time.perf_counter()
        page = build_site()
        print(
            f"Built {STRATEGIES} strategies, {STRATEGIES * MEASURES} measures, "
            f"{STRATEGIES * MEASURES * POINTS} data points in "
            f"{time.perf_counter() - started:.1f} s on {connection.vendor}."
        )
        client = Client()
        pages = {
            "map (200 strategies)": reverse("strategy:home"),
            "strategy page": page.get_absolute_url(),
            "scorecard page": reverse("scorecards:scorecard", args=[page.slug]),
            "all scorecards CSV": reverse("scorecards:all-csv"),
        }
        print(f"{'page':<24} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for name, url in pages.items():
            p50, p95, queries = measure(client, url)
            print(f"{name:<24} {p50:8.1f} {p95:8.1f} {queries:8d}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
