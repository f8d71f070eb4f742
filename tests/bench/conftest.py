from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from devtools import bench


class Results(NamedTuple):
    report: bench.Report
    table: str
    out: Path


ToyBench = Callable[..., Results]


@pytest.fixture(scope="module")
def toy_bench(tmp_path_factory: pytest.TempPathFactory) -> ToyBench:
    """`bench.run` at toy size, quietly, into a folder of its own: one round, half a second per
    view, one client, two workers, no loopback sizes. The keywords say what to measure, and may
    change any of those."""

    def run(**options: Any) -> Results:
        toy = {"sizes": [], "repeat": 1, "seconds": 0.5, "clients": 1, "workers": 2}
        out = tmp_path_factory.mktemp("bench")
        report, table = bench.run(**{**toy, "log": lambda message: None, **options}, out_dir=out)
        return Results(report, table, out)

    return run
