"""Where no emulated link can be made (not root, no iproute2), the benchmark says why in its
report and skips those rows, rather than failing. It times nothing."""

from __future__ import annotations

import pytest

from devtools import netlink
from devtools.benchreport import NETWORKS, KiB
from tests.bench.conftest import ToyBench

pytestmark = [pytest.mark.harness_smoke, pytest.mark.integration]


def test_the_report_says_why_the_networks_were_not_measured(
    toy_bench: ToyBench, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(netlink, "unavailable", lambda: "network namespaces need root")
    said: list[str] = []

    report, table, _ = toy_bench(
        workers=1,
        network_sizes={network: [64 * KiB] for network in NETWORKS},
        loopback=False,
        log=said.append,
    )

    assert "Emulated networks skipped: network namespaces need root" in said
    assert "Emulated networks: not measured (network namespaces need root)." in table
    assert report.browser == []
