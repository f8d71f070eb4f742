"""The many-small-files rows end to end at toy counts: they run and report. They time nothing."""

from __future__ import annotations

import pytest

from devtools.benchreport import KiB, folder_targets
from tests.bench.conftest import Results, ToyBench

# e2e: the page's row drives Debian's Chromium.
pytestmark = [pytest.mark.harness_smoke, pytest.mark.integration, pytest.mark.e2e]

FOLDERS = [(3, 4 * KiB), (5, 1 * KiB)]


@pytest.fixture(scope="module")
def results(toy_bench: ToyBench) -> Results:
    return toy_bench(loopback=False, folders=FOLDERS)


def test_every_folder_went_up_through_each_path(results: Results) -> None:
    report, _, _ = results

    for count, size in FOLDERS:
        runs = [run for run in report.folders if (run.count, run.size) == (count, size)]
        assert sorted(run.path for run in runs) == ["cli", "page", "raw"]
        assert all(run.seconds > 0 for run in runs)


def test_the_table_has_a_row_per_folder_and_path_and_their_targets(results: Results) -> None:
    report, table, _ = results

    for path in ("raw", "cli", "page"):
        assert f"| 3 x 4 KiB | {path} |" in table
        assert f"| 5 x 1 KiB | {path} |" in table
    assert len(folder_targets(report)) == 4  # page and CLI, per folder
    for target in folder_targets(report):
        assert f"| {target.name} | {target.measured} |" in table
    assert report.uploads == []
    assert report.rates == []
