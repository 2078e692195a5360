"""The speed of the site at state-wide scale, measured side by side in one run.

    python bench/run.py                 # SQLite (a file in a temporary folder)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/strategy python bench/run.py
    python bench/run.py --only dashboard --only "top-level map"   # time these pages alone

In a fresh database it builds a small site (10 strategies) and counts every
public page's queries, then builds the benchmark site (2,000 strategies, see
bench/site.py) with bulk inserts and:

- counts the queries again: a page whose count grows with the site fails the run;
- renders each page through Django's test client with no cache, and reports
  the median and 95th percentile; then the strategy page with its shared
  content cached (the page cache off), for a signed-in reviewer, and from the
  page cache; then the pages that read every measure's status (the top-level
  map, the dashboard) just after a new value, when the reader judges that one
  measure again (``scorecards.judged``), with the page cache off;
- on PostgreSQL, EXPLAINs every query of the hottest pages and reports any
  sequential scan of a large table;
- serves the site as production does (granian with deploy/granian.env, 2
  workers, HTTPS as nginx passes it) and loads it with wrk: the strategy
  page against a constant page of the same size from the same server, three
  times: without any cache, with the page cache off (the strategy page's
  shared content cached) and with the page cache on (Redis when it answers on
  127.0.0.1:6379); and the resident memory of the workers afterwards;
- with the page cache on, loads the strategy page and the same page of the
  MediaWiki the site replaces (../shared/peers/mediawiki/setup.sh, on
  127.0.0.1:8081) in turns with the same wrk, and prints the ratio; or says
  that the peer was not running;
- times importing a generated 500-page MediaWiki dump into an empty site;
- times previewing and applying a 100,000-row CSV upload through the admin
  (bench/uploads.py) against its targets;
- times briefing books (bench/books.py): the demo's worked page, the demo's
  whole map, and a 49-page zoom map of the benchmark site.

It prints a table and writes bench/results.json. Timings drift on shared
machines; the ratios, measured side by side, are the figures to compare.
"""

import argparse
import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Measured as served: no query log, no debug pages.
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.roles import REVIEWERS  # noqa: E402
from bench.common import (  # noqa: E402
    ROOT,
    free_port,
    median_and_p95,
    start_app_server,
    stop_app_server,
    wait_until_up,
    worker_pids,
)
from bench.site import build_site  # noqa: E402
from programs.models import Program  # noqa: E402
from scorecards.judged import judge_again  # noqa: E402
from scorecards.models import DataPoint, Partner  # noqa: E402
from strategy.models import Strategy  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
REDIS_URL = "redis://127.0.0.1:6379/14"
SERVER_SETTINGS = ROOT / "deploy" / "granian.env"
# The peer the site replaces, and the load both get: MediaWiki's own copy of the
# page from its HTML file cache against ours from the page cache.
PEER_URL = (
    "http://127.0.0.1:8081/mediawiki/index.php/"
    "Coordinate_%26_Improve_Efforts_to_Reduce_Illegal_Sales_of_Opioids"
)
PEER_LOAD = {"threads": 2, "connections": 16, "seconds": 8}
# Tables that grow with the site; a sequential scan of one is a missing index.
LARGE_TABLES = {
    "strategy_strategy",
    "strategy_strategyprogram",
    "strategy_strategyresource",
    "strategy_strategylink",
    "scorecards_objective",
    "scorecards_measure",
    "scorecards_datapoint",
    "scorecards_action",
    "reviews_review",
    "reviews_expertassignment",
    "programs_resource",
}
# Search, as visitors use it (public/search.py): a word found in every kind of result,
# a quoted phrase, a misspelt word (nothing matches it; on PostgreSQL the nearest
# indexed word's results are shown) and a person's name.
SEARCHES = {
    "search": "naloxone",
    "search, a phrase": '"drug market"',
    "search, misspelt": "naloxne",
    "search, a person": "Expert Reviewer 1",
}
TIMED_PAGES = [
    "strategy page",
    "zoom map",
    "top-level map",
    "program list",
    *SEARCHES,
    "scorecard page",
    "all scorecards CSV",
    "dashboard",
    "dashboard, off track",
    "dashboard actions",
]
# Each load run: which caches the server uses (base/page_cache.py).
LOADS = {
    "without any cache": {"pages": False, "fragments": False},
    "page cache off": {"pages": False, "fragments": True},
    "page cache on": {"pages": True, "fragments": True},
}
# Pages that read every measure's status: timed again just after a new value, as the
# first reader after each write meets them (the page cache off).
AFTER_A_VALUE_PAGES = ["top-level map", "dashboard", "dashboard, off track"]
EXPLAINED_PAGES = [
    "strategy page",
    "zoom map",
    "top-level map",
    "program list",
    *SEARCHES,
    "dashboard",
    "dashboard, off track",
]


def public_pages() -> dict[str, str]:
    """Every public page, as URLs on the site now in the database."""
    page = (
        Strategy.objects.public()
        .filter(map__parent__isnull=False)
        .order_by("map_id", "position")
        .first()
    )
    program = Program.objects.order_by("pk").first()
    partner = Partner.objects.order_by("pk").first()
    return {
        "strategy page": page.get_absolute_url(),
        "zoom map": page.map.get_absolute_url(),
        "top-level map": reverse("strategy:home"),
        "program list": reverse("programs:list"),
        "program page": program.get_absolute_url(),
        **{
            name: f"{reverse('strategy:search')}?{urlencode({'q': q})}"
            for name, q in SEARCHES.items()
        },
        "scorecard page": reverse("scorecards:scorecard", args=[page.slug]),
        "scorecard CSV": reverse("scorecards:scorecard-csv", args=[page.slug]),
        "all scorecards CSV": reverse("scorecards:all-csv"),
        "history": reverse("strategy:strategy-history", args=[page.slug]),
        "partner list": reverse("scorecards:partner-list"),
        "partner page": reverse("scorecards:partner-detail", args=[partner.slug]),
        "API strategy": reverse("api:strategy-detail", args=[page.slug]),
        "API strategies": reverse("api:strategy-list"),
        "embedded scorecard": reverse("embed:scorecard", args=[page.slug]),
        # Every measure judged, counted and paged; then the off-track ones alone.
        "dashboard": reverse("dashboard:measures"),
        "dashboard, off track": f"{reverse('dashboard:measures')}?status=off-track",
        "dashboard actions": reverse("dashboard:actions"),
        "dashboard CSV": reverse("dashboard:measures-csv"),
    }


def reviewer():
    """A member of the Reviewers group, who gets the review form on every page."""
    user = get_user_model().objects.create_user("bench-reviewer")
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


def fetch(client: Client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return b"".join(response.streaming_content) if response.streaming else response.content


def query_counts(client: Client) -> dict[str, list[str]]:
    """The SQL of every public page, rendered whole (no cache)."""
    queries = {}
    with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=0):
        for name, url in public_pages().items():
            fetch(client, url)  # warm the per-process caches (content types, templates)
            with CaptureQueriesContext(connection) as captured:
                fetch(client, url)
            queries[name] = [query["sql"] for query in captured.captured_queries]
    return queries


def render_times(client: Client, url: str, runs: int) -> dict:
    for _ in range(3):
        fetch(client, url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch(client, url)
        timings.append((time.perf_counter() - started) * 1000)
    p50, p95 = median_and_p95(timings)
    return {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "runs": runs}


def sequential_scans(sql_by_page: dict[str, list[str]], names: list[str]) -> dict[str, list[str]]:
    """Large tables read by a sequential scan, per page (PostgreSQL's EXPLAIN)."""
    found = {}
    with connection.cursor() as cursor:
        for name in names:
            tables = set()
            for sql in sql_by_page[name]:
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                tables |= set(re.findall(r"Seq Scan on (\w+)", plan)) & LARGE_TABLES
            found[name] = sorted(tables)
    return found


def strategy_page_timings(client: Client, url: str, runs: int, results: dict) -> None:
    """The strategy page with its shared content cached (anonymous, then a signed-in
    reviewer), and from the page cache."""
    with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=3600):
        results["render"]["strategy page (page cache off)"] = render_times(client, url, runs)
        client.force_login(reviewer())
        results["render"]["strategy page (signed-in reviewer)"] = render_times(client, url, runs)
        client.logout()
    with override_settings(PAGE_CACHE_SECONDS=3600):
        results["render"]["strategy page (cached)"] = render_times(client, url, runs)


def after_a_value_timings(client: Client, pages: dict, names: list[str], runs: int, results):
    """The pages that read every measure's status, each run just after a value changed:
    the reader judges that measure again (``scorecards.judged``). The page cache off."""
    changed = list(
        DataPoint.objects.filter(measure__objective__strategy__in=Strategy.objects.public())
        .order_by("?")
        .values_list("pk", flat=True)[:runs]
    )
    with override_settings(PAGE_CACHE_SECONDS=0):
        for name in names:
            timings = []
            for point in changed:
                DataPoint.objects.filter(pk=point).update(value=F("value") + 1)
                started = time.perf_counter()
                fetch(client, pages[name])
                timings.append((time.perf_counter() - started) * 1000)
            p50, p95 = median_and_p95(timings)
            results["render"][f"{name} (after a new value)"] = {
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "runs": len(timings),
            }


def empty_database() -> None:
    """What `migrate` leaves in a new database: content types, permissions and the roles."""
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    # The flush removes the role groups that migrations created and extended.
    importlib.import_module("reviews.migrations.0002_roles").create_roles(apps, None)
    importlib.import_module(
        "reviews.migrations.0006_page_managers_add_partners"
    ).give_page_managers_add(apps, None)


def fresh_site(strategies: int) -> tuple[dict, float]:
    """Empty the database and build a site; returns its sizes and the seconds it took."""
    empty_database()
    started = time.perf_counter()
    sizes = build_site(strategies)
    # As the first reader after the load would: every new measure's status judged and kept.
    judge_again(today=timezone.localdate())
    if connection.vendor == "postgresql":
        # As autovacuum would soon after a bulk load: statistics, and the visibility
        # map that index-only scans need.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return sizes, time.perf_counter() - started


# The app server and wrk


def database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = quote(database["USER"] or "")
    password = f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{user}{password}@{database['HOST'] or 'localhost'}{port}/{database['NAME']}"


def redis_answers() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def server_settings() -> dict[str, str]:
    """The production app server's settings (deploy/granian.env)."""
    settings = {}
    for line in SERVER_SETTINGS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip()
    return settings


class AppServer:
    """granian as production runs it, with two workers on a free loopback port."""

    def __init__(self, *, constant_page: Path, caches: dict[str, bool], use_redis: bool):
        self.port = free_port()
        environment = {
            **os.environ,
            **server_settings(),
            "GRANIAN_HOST": "127.0.0.1",
            "GRANIAN_PORT": str(self.port),
            "GRANIAN_WORKERS": "2",
            "GRANIAN_LOG_LEVEL": "warning",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "false",
            # Behind nginx in production: HTTPS comes as X-Forwarded-Proto, which
            # every request here sends, plain HTTP is redirected and HSTS sent.
            "DJANGO_SECURE_SSL_REDIRECT": "true",
            "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
            "DJANGO_SECURE_HSTS_SECONDS": "31536000",
            "DATABASE_URL": database_url(),
            "CACHE_URL": REDIS_URL if use_redis else "locmem://",
            "DJANGO_PAGE_CACHE_SECONDS": "3600" if caches["pages"] else "0",
            "DJANGO_FRAGMENT_CACHE_SECONDS": "3600" if caches["fragments"] else "0",
            "BENCH_CONSTANT_PAGE": str(constant_page),
        }
        if use_redis:
            redis.Redis.from_url(REDIS_URL).flushdb()
        self.process = start_app_server(
            "granian", "config.wsgi:application", environment=environment
        )
        if not wait_until_up(self.process, self.url("/healthz"), seconds=60, headers=HTTPS):
            self.stop()
            raise SystemExit("the app server did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in sorted(worker_pids(self.process.pid)):
            status = Path(f"/proc/{pid}/status").read_text()
            kilobytes = int(re.search(r"VmRSS:\s+(\d+) kB", status)[1])
            sizes.append(round(kilobytes / 1024, 1))
        return sizes

    def stop(self) -> None:
        stop_app_server(self.process, seconds=30)


HTTPS = {"X-Forwarded-Proto": "https"}


def wrk(url: str, seconds: int, *, threads: int = 1, connections: int = 4, https=True) -> dict:
    headers = ["--header", "X-Forwarded-Proto: https"] if https else []
    output = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            shutil.which("wrk"),
            "--threads",
            str(threads),
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            *headers,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors[1]} error responses under load")
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
    }


def peer_answers() -> bool:
    try:
        with urllib.request.urlopen(PEER_URL, timeout=5) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def against_the_peer(page_url: str, rounds: int) -> dict:
    """Our cached page and MediaWiki's, loaded in turns with the same wrk; the ratio per round."""
    load = {key: PEER_LOAD[key] for key in ("threads", "connections")}
    wrk(PEER_URL, 2, https=False, **load)  # MediaWiki fills its file cache
    results = []
    for _ in range(rounds):
        peer = wrk(PEER_URL, PEER_LOAD["seconds"], https=False, **load)["requests_per_second"]
        ours = wrk(page_url, PEER_LOAD["seconds"], **load)["requests_per_second"]
        results.append({"ours_rps": ours, "peer_rps": peer, "ratio": round(ours / peer, 1)})
    return {
        "rounds": results,
        "median_ratio": statistics.median(result["ratio"] for result in results),
    }


def throughput(page_path: str, page_html: bytes, seconds: int, peer_rounds: int) -> dict:
    use_redis = redis_answers()
    peer_running = peer_rounds > 0 and peer_answers()
    with tempfile.NamedTemporaryFile(suffix=".html") as constant:
        constant.write(page_html)
        constant.flush()
        results = {"cache": "redis" if use_redis else "locmem (one per worker)"}
        for label, caches in LOADS.items():
            server = AppServer(
                constant_page=Path(constant.name), caches=caches, use_redis=use_redis
            )
            try:
                wrk(server.url(page_path), 2)  # warm up both workers
                page = wrk(server.url(page_path), seconds)
                baseline = wrk(server.url("/bench/constant/"), seconds)
                results[label] = {
                    "strategy_page_rps": page["requests_per_second"],
                    "constant_page_rps": baseline["requests_per_second"],
                    "ratio": round(
                        page["requests_per_second"] / baseline["requests_per_second"], 3
                    ),
                    "requests": page["requests"] + baseline["requests"],
                    "worker_rss_mb": server.worker_rss_mb(),
                }
                if caches["pages"] and peer_running:
                    results["mediawiki"] = against_the_peer(server.url(page_path), peer_rounds)
            finally:
                server.stop()
        results["requests_served"] = sum(results[label]["requests"] for label in LOADS)
    if not peer_running:
        results["mediawiki"] = None
    return results


# The run


def print_report(results: dict) -> None:
    print()
    print(f"{'page':<36} {'p50 ms':>8} {'p95 ms':>8} {'queries@small':>14} {'queries@large':>14}")
    for name, counts in results["query_counts"].items():
        timing = results["render"].get(name, {})
        print(
            f"{name:<36} {timing.get('p50_ms', ''):>8} {timing.get('p95_ms', ''):>8} "
            f"{counts['small']:>14} {counts['large']:>14}"
        )
    for name in (
        "strategy page (page cache off)",
        "strategy page (signed-in reviewer)",
        "strategy page (cached)",
        *(f"{name} (after a new value)" for name in AFTER_A_VALUE_PAGES),
    ):
        if name not in results["render"]:
            continue
        timing = results["render"][name]
        print(f"{name:<36} {timing['p50_ms']:>8} {timing['p95_ms']:>8}")
    load = results.get("throughput")
    if load:
        print()
        print(f"granian (deploy/granian.env), 2 workers, wrk; page cache in {load['cache']}:")
        for label in LOADS:
            row = load[label]
            print(
                f"  strategy page, {label:<17} {row['strategy_page_rps']:>6.0f} req/s   "
                f"constant page {row['constant_page_rps']:>8.0f} req/s   "
                f"ratio {row['ratio']:.0%}   worker RSS {row['worker_rss_mb']} MB "
                f"after {row['requests']} requests"
            )
        print(f"  requests served in all: {load['requests_served']}")
        print()
        peer = load["mediawiki"]
        if peer is None:
            print(f"MediaWiki was not running at {PEER_URL}: no ratio to it")
            print("  (../shared/peers/mediawiki/setup.sh, run as root, starts it)")
        else:
            print(
                "against MediaWiki's file cache, the same page cached on each, "
                "wrk -t{threads} -c{connections} -d{seconds}s in turns:".format(**PEER_LOAD)
            )
            for result in peer["rounds"]:
                print(
                    f"  ours {result['ours_rps']:>7.0f} req/s   MediaWiki "
                    f"{result['peer_rps']:>5.0f} req/s   {result['ratio']:.1f}x"
                )
            print(f"  ratio to MediaWiki: {peer['median_ratio']:.1f}x (the median round)")
    if "sequential_scans" in results:
        print()
        for name, tables in results["sequential_scans"].items():
            found = f"sequential scan of {', '.join(tables)}" if tables else "no sequential scan"
            print(f"EXPLAIN {name}: {found}")
    print()
    print(f"built the site in {results['build_seconds']:.1f} s: {results['sizes']}")
    if "wiki_import" in results:
        wiki = results["wiki_import"]
        print(f"imported a {wiki['pages']}-page MediaWiki dump in {wiki['seconds']:.1f} s")
    if "upload" in results:
        from bench.uploads import report_lines

        print("\n".join(report_lines(results["upload"])))
    if "books" in results:
        from bench.books import report_lines as book_lines

        print("\n".join(book_lines(results["books"])))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strategies", type=int, default=2000)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--runs", type=int, default=40, help="timed renders per page")
    parser.add_argument("--load-seconds", type=int, default=10, help="wrk run per page")
    parser.add_argument("--no-load", action="store_true", help="skip the app server and wrk")
    parser.add_argument(
        "--peer-rounds", type=int, default=3, help="turns of ours and MediaWiki's page (0: none)"
    )
    parser.add_argument("--no-import", action="store_true", help="skip the MediaWiki import")
    parser.add_argument("--no-upload", action="store_true", help="skip the 100,000-row upload")
    parser.add_argument("--no-books", action="store_true", help="skip the briefing books")
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="count every page's queries, then time and EXPLAIN search alone (no load, "
        "import or upload)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=TIMED_PAGES,
        metavar="PAGE",
        help="count every page's queries, then time and EXPLAIN this page alone (repeat for "
        f"more; no load, import or upload). One of: {', '.join(TIMED_PAGES)}",
    )
    options = parser.parse_args()
    if options.search_only:
        options.only = list(SEARCHES)
    if options.only:
        options.no_load = options.no_import = options.no_upload = options.no_books = True
    if not options.no_load and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk), or pass --no-load.")

    folder = tempfile.TemporaryDirectory()
    if connection.vendor == "sqlite":
        # A file, not memory, so that the app server's workers read the same database.
        connection.settings_dict["TEST"]["NAME"] = str(Path(folder.name) / "bench.sqlite3")
    else:
        # Its own name, never the test suite's: a run never meets another's database.
        name = connection.settings_dict["NAME"]
        connection.settings_dict["TEST"]["NAME"] = f"test_{name}_bench_{os.getpid()}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    results = {"database": connection.vendor}
    try:
        client = Client()
        fresh_site(options.small)
        small = query_counts(client)
        results["sizes"], results["build_seconds"] = fresh_site(options.strategies)
        large = query_counts(client)
        results["query_counts"] = {
            name: {"small": len(small[name]), "large": len(large[name])} for name in small
        }
        pages = public_pages()
        timed = options.only or TIMED_PAGES
        with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=0):
            results["render"] = {
                name: render_times(client, pages[name], options.runs if "CSV" not in name else 5)
                for name in timed
            }
        if "strategy page" in timed:
            strategy_page_timings(client, pages["strategy page"], options.runs, results)
        after_a_value = [name for name in AFTER_A_VALUE_PAGES if name in timed]
        after_a_value_timings(client, pages, after_a_value, options.runs, results)
        if connection.vendor == "postgresql":
            explained = [name for name in EXPLAINED_PAGES if name in timed]
            results["sequential_scans"] = sequential_scans(large, explained)
        if not options.no_load:
            html = fetch(client, pages["strategy page"])
            results["throughput"] = throughput(
                pages["strategy page"], html, options.load_seconds, options.peer_rounds
            )
        if not options.no_import:
            from bench.wiki_generator import time_import

            empty_database()
            results["wiki_import"] = time_import(pages=500)
        if not options.no_upload:
            from bench.uploads import time_upload

            empty_database()
            results["upload"] = time_upload(rows=100_000)
        if not options.no_books:
            from bench.books import time_books

            results["books"] = time_books(
                strategies=options.strategies, empty_database=empty_database
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        folder.cleanup()
    print_report(results)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    grown = [name for name, c in results["query_counts"].items() if c["small"] != c["large"]]
    if grown:
        print(f"query counts grow with the site: {', '.join(grown)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
