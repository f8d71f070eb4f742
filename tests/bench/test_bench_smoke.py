"""The benchmark harness end to end at toy sizes: it runs and reports. It times nothing."""

from __future__ import annotations

import json

import pytest

from devtools.benchreport import BROWSER_PATHS, PATHS, KiB, MiB, label, targets
from devtools.cpuuse import KINDS
from tests.bench.conftest import Results, ToyBench

# e2e: the browser rows drive Debian's Chromium.
pytestmark = [pytest.mark.harness_smoke, pytest.mark.integration, pytest.mark.e2e]

SIZES = [64 * KiB, 9 * MiB]  # one form POST, one multipart upload of two parts


@pytest.fixture(scope="module")
def results(toy_bench: ToyBench) -> Results:
    return toy_bench(sizes=SIZES, clients=4, threshold=1 * MiB, browser_sizes=SIZES)


def test_writes_the_table_the_json_and_a_png_chart(results: Results) -> None:
    _, table, out = results

    assert (out / "results.md").read_text() == table
    assert json.loads((out / "results.json").read_text())["targets"]
    assert (out / "results.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_table_has_a_row_per_size_and_path_and_every_target(results: Results) -> None:
    report, table, _ = results

    for size in SIZES:
        for path in PATHS:
            assert f"| {label(size)} | {path} |" in table
    for size in SIZES:
        for path in BROWSER_PATHS:
            assert f"| {label(size)} | {path} |" in table
        assert f"- page ÷ stock Uppy 6, {label(size)}: " in table
    assert "| POST /api/uploads (presign) |" in table
    assert "| POST /bench/insert (one row, the baseline) |" in table
    assert "| GET /bench/ping (trivial JSON) |" in table
    for target in targets(report):
        assert (
            f"| {target.name} | {target.measured} | {'pass' if target.passed else 'MISS'} |"
            in table
        )
    # 6, the browser path 2, page ÷ Uppy 1, the presign baseline and CPU 2
    assert len(targets(report)) == 11


def test_every_upload_arrived_through_its_own_path(results: Results) -> None:
    report, _, _ = results

    for size in SIZES:
        runs = {run.path: run for run in report.uploads if run.size == size}
        assert set(runs) == set(PATHS)
        assert all(run.seconds > 0 for run in runs.values())
        assert runs["raw"].app_requests == 0
        assert 2 <= runs["direct"].app_requests <= 6
        assert 0 < runs["direct"].app_bytes_received < 16 * KiB
        assert runs["proxy"].app_requests == 1
        assert runs["proxy"].app_bytes_received > size
        assert all(run.app_peak_rss > 10 * MiB for run in runs.values())


def test_every_view_answered_without_errors(results: Results) -> None:
    report, _, _ = results

    for view in ("presign", "insert", "trivial"):
        assert report.rate(view, "requests") > 0
        assert report.errors(view) == 0
        assert 0 < report.rate(view, "p50_ms") <= report.rate(view, "p99_ms")


def test_the_upload_page_stock_uppy_and_raw_s3_took_each_file_in_turn(results: Results) -> None:
    report, _, _ = results

    loopback = [run for run in report.browser if not run.network]
    assert sorted((run.size, run.path) for run in loopback) == sorted(
        (size, path) for size in SIZES for path in BROWSER_PATHS
    )
    for run in loopback:
        assert run.seconds > 0
        assert run.long_task_ms >= run.longest_task_ms >= 0
        if run.path == "browser":
            assert 0 < run.ticket_seconds + run.complete_seconds < run.seconds
    assert all(run.key.startswith("media/") for run in loopback if run.path != "raw")


def test_the_cpu_of_each_browser_upload_is_told_by_kind_of_process(results: Results) -> None:
    report, table, _ = results

    for run in report.browser:
        assert set(run.cpu) == set(KINDS)
        if run.path != "raw":
            assert run.cpu["chromium"] > 0
    assert "Where the CPU went during those uploads" in table
