"""Where no emulated link can be made (not root, no iproute2), the benchmark says why in its
report and skips those rows, rather than failing. It times nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import bench, netlink
from devtools.benchreport import NETWORKS, KiB

pytestmark = [pytest.mark.harness_smoke, pytest.mark.integration]


def test_the_report_says_why_the_networks_were_not_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(netlink, "unavailable", lambda: "network namespaces need root")
    said: list[str] = []

    report, table = bench.run(
        sizes=[],
        repeat=1,
        seconds=0.5,
        clients=1,
        workers=1,
        network_sizes={network: [64 * KiB] for network in NETWORKS},
        loopback=False,
        out_dir=tmp_path,
        log=said.append,
    )

    assert "Emulated networks skipped: network namespaces need root" in said
    assert "Emulated networks: not measured (network namespaces need root)." in table
    assert report.browser == []
