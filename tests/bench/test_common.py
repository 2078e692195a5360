"""The helpers the benchmark and the load drill share (bench/common.py)."""

import os
import socket
import subprocess
import sys

import pytest

from bench.common import (
    free_port,
    median_and_p95,
    percentile,
    start_app_server,
    stop_app_server,
    wait_until_up,
    worker_pids,
)


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [
        (list(range(1, 21)), 0.95, 19),
        (list(range(1, 101)), 0.95, 95),
        (list(range(1, 41)), 0.95, 38),
        (list(range(1, 11)), 0.5, 5),
        (list(range(1, 11)), 1, 10),
        ([7.5], 0.95, 7.5),
        ([3, 1, 2], 0.5, 2),
        ([30, 10, 20, 50, 40], 0.95, 50),
    ],
)
def test_percentile_is_the_nearest_rank(values, share, expected):
    assert percentile(values, share) == expected


@pytest.mark.parametrize("share", [0, -0.5, 1.5])
def test_percentile_refuses_a_share_outside_zero_to_one(share):
    with pytest.raises(ValueError, match="share"):
        percentile([1, 2, 3], share)


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.95)


def test_median_and_p95_of_forty_timings():
    assert median_and_p95([float(n) for n in range(40, 0, -1)]) == (20.5, 38.0)


def test_free_port_can_be_bound_and_listened_on():
    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen()
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass


def test_an_app_server_is_started_waited_for_and_stopped():
    port = free_port()
    process = start_app_server(
        "http.server", str(port), "--bind", "127.0.0.1", environment={"PATH": "/usr/bin:/bin"}
    )
    try:
        assert wait_until_up(process, f"http://127.0.0.1:{port}/", seconds=20)
    finally:
        stop_app_server(process, seconds=5)
    assert process.returncode is not None


def test_waiting_for_a_server_that_exits_ends_at_once():
    process = start_app_server("bench.no_such_server", environment={})
    assert not wait_until_up(process, f"http://127.0.0.1:{free_port()}/", seconds=20)
    assert process.poll() not in (None, 0)


def test_waiting_ends_when_the_server_never_becomes_ready():
    port = free_port()
    process = start_app_server("http.server", str(port), "--bind", "127.0.0.1", environment={})
    try:
        up = wait_until_up(process, f"http://127.0.0.1:{port}/", seconds=1, ready=lambda: False)
        assert not up
        assert process.poll() is None
    finally:
        stop_app_server(process, seconds=5)


def test_worker_pids_are_the_live_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in worker_pids(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert child.pid not in worker_pids(os.getpid())
