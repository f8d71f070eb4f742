"""What the report says about the emulated networks, from runs made up here."""

from __future__ import annotations

from typing import Any

from devtools.benchreport import BrowserRun, MiB, Network, Report, markdown, targets

LINK = Network("20 ms RTT, 80 Mbit/s up", latency_ms=20, up_mbit=80, down_mbit=80)


def report(**fields: Any) -> Report:
    return Report(
        date="today",
        machine="here",
        settings={"workers": 2, "parallel": 4, "threshold": 64 * MiB},
        **fields,
    )


def test_a_skipped_measurement_says_why() -> None:
    table = markdown(report(networks_skipped="network namespaces need root"))

    assert "Emulated networks: not measured (network namespaces need root)." in table


def test_each_path_is_a_share_of_the_uplink() -> None:
    ten_mib = 10 * MiB * 8 / 80e6  # seconds at the full uplink
    runs = [
        BrowserRun(0, "raw", 10 * MiB, ten_mib, LINK.name),
        BrowserRun(0, "direct", 10 * MiB, ten_mib * 2, LINK.name),
    ]
    measured = report(browser=runs, networks=[LINK])

    assert measured.uplink_share(LINK, 10 * MiB, "raw") == 1.0
    assert measured.uplink_share(LINK, 10 * MiB, "direct") == 0.5
    assert "| 20 ms RTT, 80 Mbit/s up | 10 MiB | direct | " in markdown(measured)


def test_the_page_target_is_at_256_mib_where_the_page_went_up_that_size() -> None:
    runs = [
        BrowserRun(0, "browser", size, size * 8 / 80e6 / share, LINK.name)
        for size, share in ((32 * MiB, 0.5), (256 * MiB, 0.95))
    ]

    (target,) = targets(report(browser=runs, networks=[LINK]))

    assert target.name == f"page ÷ uplink ≥ 0.90 at 256 MiB, {LINK.name}"
    assert target.measured == "0.95"
    assert target.passed


def test_without_256_mib_the_page_target_is_at_the_largest_size() -> None:
    runs = [BrowserRun(0, "browser", 8 * MiB, 8 * MiB * 8 / 80e6 / 0.6, LINK.name)]

    (target,) = targets(report(browser=runs, networks=[LINK]))

    assert target.name == f"page ÷ uplink ≥ 0.90 at 8 MiB, {LINK.name}"
    assert not target.passed


def test_a_path_is_also_compared_with_raw_on_the_same_link() -> None:
    runs = [
        BrowserRun(0, "raw", 10 * MiB, 1.0, LINK.name),
        BrowserRun(0, "browser", 10 * MiB, 4.0, LINK.name),
    ]
    measured = report(browser=runs, networks=[LINK])

    assert measured.network_ratio(LINK, 10 * MiB, "browser") == 0.25
    assert measured.network_ratio(LINK, 10 * MiB, "raw") == 1.0
