"""The benchmark's emulated networks end to end at toy sizes: raw boto3, the CLI, the upload
page and stock Uppy each crossed the link and stored their file, and the report shows them. It
times nothing."""

from __future__ import annotations

import pytest

from devtools import netlink
from devtools.benchreport import NETWORK_PATHS, KiB, MiB, Network, label, targets
from tests.bench.conftest import Results, ToyBench

WHY_NOT = netlink.unavailable()
# e2e: the page's rows drive Debian's Chromium, in the namespace.
pytestmark = [
    pytest.mark.harness_smoke,
    pytest.mark.integration,
    pytest.mark.e2e,
    pytest.mark.skipif(WHY_NOT is not None, reason=f"no emulated links here: {WHY_NOT}"),
]

NETWORKS = (
    Network("smoke, 4 ms RTT", latency_ms=4, up_mbit=200, down_mbit=200),
    Network("smoke, 20 ms RTT", latency_ms=20, up_mbit=100, down_mbit=100),
)
SIZES = [64 * KiB, 9 * MiB]  # one form POST, one multipart upload of two parts


@pytest.fixture(scope="module")
def results(toy_bench: ToyBench) -> Results:
    return toy_bench(
        threshold=1 * MiB, network_sizes={network: SIZES for network in NETWORKS}, loopback=False
    )


def test_each_path_sent_each_file_behind_each_network(results: Results) -> None:
    report, _, _ = results

    sent = sorted((run.network, run.size, run.path) for run in report.browser)
    assert sent == sorted(
        (network.name, size, path)
        for network in NETWORKS
        for size in SIZES
        for path in NETWORK_PATHS
    )
    assert all(run.seconds > 0 for run in report.browser)
    assert all(run.key.startswith("media/") for run in report.browser)


def test_only_the_emulated_networks_were_measured(results: Results) -> None:
    report, _, _ = results

    assert report.uploads == []
    assert report.rates == []
    assert report.networks == list(NETWORKS)


def test_the_table_has_a_row_per_network_size_and_path_and_the_page_targets(
    results: Results,
) -> None:
    report, table, out = results

    for network in NETWORKS:
        for size in SIZES:
            for path in NETWORK_PATHS:
                assert f"| {network.name} | {label(size)} | {path} |" in table
    names = [target.name for target in targets(report)]
    assert names == [
        *(f"page ÷ uplink ≥ 0.90 at 9 MiB, {network.name}" for network in NETWORKS),
        f"page ÷ stock Uppy 6 throughput ≥ 1.5 at 9 MiB, {NETWORKS[0].name}",
    ]
    assert (out / "results.md").read_text() == table
    assert (out / "results.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
