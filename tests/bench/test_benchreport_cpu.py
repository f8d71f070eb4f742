"""What the report says of where the CPU went during the browser rows, from runs made up here."""

from __future__ import annotations

from devtools.benchreport import BrowserRun, MiB, Report, markdown
from devtools.cpuuse import KINDS


def used(**seconds: float) -> dict[str, float]:
    return {kind: seconds.get(kind, 0.0) for kind in KINDS}


def report(runs: list[BrowserRun]) -> Report:
    return Report(
        date="today",
        machine="here",
        settings={"workers": 2, "parallel": 4, "threshold": 32 * MiB, "cores": 2},
        browser=runs,
    )


def test_each_kind_is_the_median_of_the_paths_runs_and_idle_is_what_was_left() -> None:
    runs = [
        BrowserRun(r, "browser", 8 * MiB, 2.0, cpu=used(chromium=c, s3=1.0))
        for r, c in enumerate([1.0, 2.0, 2.5])
    ]

    table = markdown(report(runs))

    assert "| 8 MiB | browser | 2.000 | 2.0 | 1.0 | 0.0 | 0.0 | 0.0 | 0.0 | 1.0 |" in table


def test_runs_without_cpu_figures_add_no_table() -> None:
    table = markdown(report([BrowserRun(0, "browser", 8 * MiB, 2.0)]))

    assert "Where the CPU went" not in table
