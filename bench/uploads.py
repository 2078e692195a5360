"""Uploading a large CSV of measure data, timed through the admin's own views.

``time_upload(rows=100_000)`` builds a strategy page with 80 monthly measures,
20,000 values already stored and a first revision, writes a file of ``rows`` rows
under the 2 MB limit (a fifth of them for stored periods: half of those with
a new value, half the same; the rest new), and times the two requests a page
manager makes: posting the file (the preview page) and confirming it (the
whole file written, one revision of the page). It checks that the preview
sorted the rows as the file calls for and that the confirmation stored every
row in one revision, and raises ``UploadCheckFailed`` if not.

    python bench/uploads.py                      # SQLite, in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/strategy python bench/uploads.py
    python bench/uploads.py --rows 10000 --profile apply --sort tottime   # cProfile it

Timings drift on shared machines; repeat a run before comparing two.
"""

import argparse
import cProfile
import datetime
import os
import pstats
import sys
import time
from pathlib import Path

# The targets for a 100,000-row file, well inside nginx's 60 s wait for an answer.
PREVIEW_TARGET_SECONDS = 5
APPLY_TARGET_SECONDS = 10
# Monthly figures (a value's period must be of its measure's frequency): 100,000 rows
# are 1,250 months, from 1900 on, for each of 80 measures.
MEASURES = 80
STORED_PER_MEASURE = 250
FIRST_YEAR = 1900


class UploadCheckFailed(Exception):
    """The upload did not preview or store what the file calls for."""


def _measure_name(number: int) -> str:
    # Short district codes keep 100,000 rows under the 2 MB limit.
    return f"D{number:02}"


def _value(measure: int, month: int) -> int:
    return (measure * 37 + month * 11) % 997


def _month(month: int) -> tuple[str, datetime.date]:
    """The label and first day of the ``month``-th month from January of ``FIRST_YEAR``."""
    year, index = divmod(month, 12)
    start = datetime.date(FIRST_YEAR + year, index + 1, 1)
    return start.strftime("%Y-%m"), start


def build_page():
    """A page manager and their page: ``MEASURES`` measures with monthly values stored."""
    import reversion
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts import roles
    from base.periods import Frequency
    from base.revisions import recorded_change
    from scorecards.models import DataPoint, Measure, Objective
    from strategy.models import Band, Strategy, StrategyMap

    manager = get_user_model().objects.create(
        username="uploader", first_name="Dana", last_name="Uploader", is_staff=True
    )
    manager.groups.add(Group.objects.get(name=roles.PAGE_MANAGERS))
    top = StrategyMap.objects.create(title="Upload map", slug="upload-map")
    band = Band.objects.create(map=top, title="Community outcomes")
    with recorded_change(user=manager, comment="Created"):
        page = Strategy.objects.create(
            title="Calls for service by district",
            slug="calls-by-district",
            map=top,
            band=band,
            status=Strategy.Status.PUBLISHED,
            page_manager=manager,
        )
        objectives = [
            Objective.objects.create(strategy=page, title=f"Fewer calls, part {n + 1}", order=n)
            for n in range(2)
        ]
        measures = Measure.objects.bulk_create(
            Measure(
                objective=objectives[n % 2],
                name=_measure_name(n + 1),
                unit="calls",
                polarity=Measure.Polarity.LOWER_IS_BETTER,
                frequency=Frequency.MONTHLY,
                order=n,
            )
            for n in range(MEASURES)
        )
        DataPoint.objects.bulk_create(
            (
                DataPoint(
                    measure=measure,
                    period=_month(month)[0],
                    period_start=_month(month)[1],
                    value=_value(n, month),
                )
                for n, measure in enumerate(measures)
                for month in range(STORED_PER_MEASURE)
            ),
            batch_size=2000,
        )
        reversion.add_to_revision(page)
    return manager, page


def upload_file(rows: int) -> tuple[bytes, dict[str, int]]:
    """The CSV, and how many of its rows add, change and keep a value."""
    months = -(-rows // MEASURES)
    lines = ["measure,period,value"]
    expected = {"added": 0, "changed": 0, "unchanged": 0}
    for month in range(months):
        period, _ = _month(month)
        for n in range(MEASURES):
            if len(lines) > rows:
                break
            value = _value(n, month)
            if month >= STORED_PER_MEASURE:
                expected["added"] += 1
            elif month % 2:
                value += 1
                expected["changed"] += 1
            else:
                expected["unchanged"] += 1
            lines.append(f"{_measure_name(n + 1)},{period},{value}")
    return ("\n".join(lines) + "\n").encode(), expected


def time_upload(
    *, rows: int = 100_000, profile: str | None = None, sort: str = "cumulative"
) -> dict:
    """Post a ``rows``-row file to the upload page, then confirm it; the seconds of each.

    Runs in the current database (a fresh one). ``profile`` ("preview" or
    "apply") prints a cProfile of that request, sorted by ``sort``.
    """
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from reversion.models import Revision, Version

    from scorecards.models import DataPoint
    from scorecards.uploads import MAX_UPLOAD_BYTES

    manager, page = build_page()
    data, expected = upload_file(rows)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadCheckFailed(f"The {rows:,}-row file is {len(data):,} bytes, over the limit.")
    client = Client()
    client.force_login(manager)
    upload_url = reverse("admin:strategy_strategy_upload_data", args=[page.pk])
    confirm_url = reverse("admin:strategy_strategy_upload_data_confirm", args=[page.pk])
    revisions_before = Revision.objects.count()

    def request(name, url, payload):
        profiler = cProfile.Profile() if profile == name else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        response = client.post(url, payload)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        if profiler:
            pstats.Stats(profiler).sort_stats(sort).print_stats(45)
        return response, seconds

    file = _named_file(data)
    preview, preview_seconds = request("preview", upload_url, {"file": file})
    shown = preview.context and preview.context.get("preview")
    if preview.status_code != 200 or shown is None or shown.errors:
        raise UploadCheckFailed(f"The preview failed: {preview.status_code}")
    counts = {kind: len(getattr(shown, kind)) for kind in ("added", "changed", "unchanged")}
    if counts != expected:
        raise UploadCheckFailed(f"The preview counted {counts}, the file holds {expected}.")
    token = preview.context["confirm_form"].initial["token"]
    applied, apply_seconds = request("apply", confirm_url, {"token": token})
    if applied.status_code != 302:
        raise UploadCheckFailed(f"The confirmation answered {applied.status_code}.")
    stored = DataPoint.objects.filter(measure__objective__strategy=page).count()
    wanted = MEASURES * STORED_PER_MEASURE + expected["added"]
    if stored != wanted:
        raise UploadCheckFailed(f"{stored:,} values stored, {wanted:,} expected.")
    if Revision.objects.count() != revisions_before + 1:
        raise UploadCheckFailed("The upload did not record exactly one revision.")
    revision = Revision.objects.latest("pk")
    versions = Version.objects.filter(revision=revision).count()
    return {
        "rows": rows,
        "file_bytes": len(data),
        **counts,
        "preview_seconds": round(preview_seconds, 3),
        "apply_seconds": round(apply_seconds, 3),
        "preview_target_seconds": PREVIEW_TARGET_SECONDS,
        "apply_target_seconds": APPLY_TARGET_SECONDS,
        "versions_in_revision": versions,
        "database": connection.vendor,
    }


def _named_file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("calls-by-district.csv", data, "text/csv")


def report_lines(result: dict) -> list[str]:
    """The result against the targets, as lines to print."""

    def against(seconds: float, target: float) -> str:
        return f"{seconds:.2f} s (target < {target} s: {'met' if seconds < target else 'NOT met'})"

    return [
        f"upload of {result['rows']:,} rows ({result['file_bytes'] / 1024 / 1024:.2f} MB; "
        f"{result['added']:,} added, {result['changed']:,} changed, "
        f"{result['unchanged']:,} unchanged):",
        f"  preview {against(result['preview_seconds'], result['preview_target_seconds'])}",
        f"  apply   {against(result['apply_seconds'], result['apply_target_seconds'])}, "
        f"one revision of {result['versions_in_revision']:,} versions",
    ]


# Command line --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", choices=["preview", "apply"], help="cProfile a request")
    parser.add_argument("--sort", default="cumulative", help="profile order (e.g. tottime)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Measured as served: no query log, no debug pages.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from bench.common import scratch_database

    with scratch_database("uploads"):
        result = time_upload(rows=args.rows, profile=args.profile, sort=args.sort)
    print("\n".join(report_lines(result)))


if __name__ == "__main__":
    main()
