"""Briefing books, timed: the demo's worked page, the demo's whole map, and a zoom map of the
benchmark site (bench/site.py: 49 strategies on each of its 40 zoom maps at 2,000).

``time_books(strategies=2000, empty_database=...)`` loads the demo into an
empty database and times the worked page's PDF (the first build of a process
apart: it parses the style sheets and loads the fonts) and the top-level
map's whole book; then empties the database, builds the benchmark site and
times the book of its first zoom map. Each as the job builds it: the pages
read, the HTML rendered, WeasyPrint's layout and the PDF written.

    python bench/books.py                      # SQLite, in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/strategy python bench/books.py
    python bench/run.py --only "strategy page"  # runs it too (skip with --no-books)

Timings drift on shared machines; repeat a run before comparing two.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PAGE_TARGET_SECONDS = 2
DEMO_MAP_TARGET_SECONDS = 20
# The worked page of the demo: "Drug Market Intervention" is its promising program.
DEMO_PAGE = "coordinate-improve-efforts-to-reduce-illegal-sales-of-opioids"
BENCH_ZOOM_MAP = "zoom-0"


def _timed(build) -> tuple[float, bytes]:
    started = time.perf_counter()
    pdf = build()
    return time.perf_counter() - started, pdf


def time_books(*, strategies: int, empty_database, runs: int = 3) -> dict:
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command

    from bench.site import build_site
    from books.services import map_book_pdf, page_book_pdf
    from demo.data import TOP_LEVEL_SLUG
    from strategy.models import Strategy, StrategyMap

    public = AnonymousUser()
    empty_database()
    call_command("load_demo", verbosity=0)
    page = Strategy.objects.get(slug=DEMO_PAGE)
    page_times = [_timed(lambda: page_book_pdf(page, public))[0] for _ in range(runs + 1)]
    top = StrategyMap.objects.get(slug=TOP_LEVEL_SLUG)
    map_seconds, map_pdf = _timed(lambda: map_book_pdf(top, public))

    empty_database()
    build_site(strategies)
    zoom = StrategyMap.objects.get(slug=BENCH_ZOOM_MAP)
    zoom_pages = Strategy.objects.public().filter(map=zoom).count()
    zoom_seconds, zoom_pdf = _timed(lambda: map_book_pdf(zoom, public))
    return {
        "page": {
            "slug": DEMO_PAGE,
            "first_seconds": page_times[0],
            "median_seconds": statistics.median(page_times[1:]),
            "target_seconds": PAGE_TARGET_SECONDS,
        },
        "demo_map": {
            "slug": TOP_LEVEL_SLUG,
            "seconds": map_seconds,
            "kb": len(map_pdf) // 1024,
            "target_seconds": DEMO_MAP_TARGET_SECONDS,
        },
        "zoom_map": {
            "slug": BENCH_ZOOM_MAP,
            "strategies": zoom_pages,
            "site_strategies": strategies,
            "seconds": zoom_seconds,
            "kb": len(zoom_pdf) // 1024,
        },
    }


def report_lines(result: dict) -> list[str]:
    def against(seconds: float, target: float) -> str:
        return f"{seconds:.2f} s (target < {target} s: {'met' if seconds < target else 'NOT met'})"

    page, demo, zoom = result["page"], result["demo_map"], result["zoom_map"]
    return [
        "briefing books:",
        f"  the demo's worked page: {against(page['median_seconds'], page['target_seconds'])}; "
        f"{page['first_seconds']:.2f} s as a process's first",
        f"  the demo's whole map ({demo['kb']} KB): "
        f"{against(demo['seconds'], demo['target_seconds'])}",
        f"  {zoom['slug']} of the {zoom['site_strategies']:,}-strategy site "
        f"({zoom['strategies']} public pages, {zoom['kb']} KB): "
        f"{zoom['seconds']:.2f} s",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strategies", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3, help="timed builds of the page")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from bench.common import scratch_database
    from bench.run import empty_database

    with scratch_database("books"):
        result = time_books(
            strategies=args.strategies, empty_database=empty_database, runs=args.runs
        )
    print("\n".join(report_lines(result)))


if __name__ == "__main__":
    main()
