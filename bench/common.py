"""What the benchmark and the drill share: a free loopback port, the app server's
process (started, waited for, its workers, stopped) and latency percentiles.

No Django at import: the scripts import it before they set Django up, and the
tests import it without a database.
"""

import contextlib
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def scratch_database(name: str) -> Iterator[None]:
    """A database of the benchmark's own, made empty by migrations and destroyed after:
    a file in a temporary folder on SQLite (as the site uses, not one in memory); on
    PostgreSQL a name with the process's id, so that a test run on the same server, or
    another benchmark, is left alone. Django must be set up."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    folder = tempfile.TemporaryDirectory()
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(folder.name) / f"{name}.sqlite3")
    else:
        test["NAME"] = f"test_{connection.settings_dict['NAME']}_{name}_{os.getpid()}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        folder.cleanup()


def free_port() -> int:
    """A loopback port that no one listens on now, chosen by the system."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value that ``share`` of the values do not exceed.

    ``percentile(values, 0.95)`` is the 95th percentile; ``values`` need not be sorted.
    """
    if not values:
        raise ValueError("no values")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}")
    return sorted(values)[math.ceil(len(values) * share) - 1]


def median_and_p95(values: Sequence[float]) -> tuple[float, float]:
    """The median and the 95th percentile, as the benchmark and the drill report latencies."""
    return statistics.median(values), percentile(values, 0.95)


def start_app_server(
    module: str, *arguments: str, environment: dict[str, str], output: IO | int = subprocess.DEVNULL
) -> subprocess.Popen:
    """Run ``python -m module arguments`` (granian, gunicorn) from the project's root.

    Its standard output and error both go to ``output`` (a file open for writing,
    or nowhere by default).
    """
    return subprocess.Popen(  # noqa: S603 - this interpreter and fixed arguments, no shell
        [sys.executable, "-m", module, *arguments],
        cwd=ROOT,
        env=environment,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def answers(url: str, *, headers: dict[str, str] | None = None, timeout: float = 5) -> bool:
    """Whether ``url`` answers 200 (after any redirect)."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - http on loopback
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status == 200
    except OSError:  # refused, reset, timed out, or an error status
        return False


def wait_until_up(
    process: subprocess.Popen,
    url: str,
    *,
    seconds: float,
    headers: dict[str, str] | None = None,
    ready: Callable[[], bool] = lambda: True,
) -> bool:
    """Wait until the server answers 200 at ``url`` and ``ready()`` holds.

    False when ``seconds`` pass first or the process exits; the caller tells
    the two apart with ``process.poll()``.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if answers(url, headers=headers) and ready():
            return True
        time.sleep(0.2)
    return False


def worker_pids(master: int) -> set[int]:
    """An app server's live workers: its master's children that are not zombies."""
    pids = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == master and state != "Z":
            pids.add(int(entry))
    return pids


def stop_app_server(process: subprocess.Popen, *, seconds: float) -> None:
    """SIGTERM, so that the workers finish their requests; SIGKILL after ``seconds``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
