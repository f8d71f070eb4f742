"""What the report says of the upload page against stock Uppy, from runs made up here."""

from __future__ import annotations

from devtools.benchreport import BrowserRun, GiB, MiB, Network, Report, markdown, targets

LINK = Network("40 ms RTT, 100 Mbit/s up", latency_ms=40, up_mbit=100, down_mbit=100)


def report(runs: list[BrowserRun], networks: list[Network] | None = None) -> Report:
    return Report(
        date="today",
        machine="here",
        settings={"workers": 2, "parallel": 4, "threshold": 32 * MiB},
        browser=runs,
        networks=networks or [],
    )


def rounds(size: int, page: list[float], uppy: list[float], network: str = "") -> list[BrowserRun]:
    """Raw, the page and Uppy in each round, with the page's and Uppy's seconds given."""
    runs = []
    for round_, (page_seconds, uppy_seconds) in enumerate(zip(page, uppy, strict=True)):
        runs += [
            BrowserRun(round_, "raw", size, 1.0, network),
            BrowserRun(round_, "browser", size, page_seconds, network),
            BrowserRun(round_, "uppy", size, uppy_seconds, network),
        ]
    return runs


def test_page_over_uppy_is_the_median_of_each_rounds_ratio() -> None:
    measured = report(rounds(256 * MiB, page=[1.0, 2.0, 1.0], uppy=[1.5, 2.0, 3.0]))

    assert measured.round_ratio("browser", "uppy", 256 * MiB, "") == 1.5


def test_the_loopback_targets_are_at_256_mib_and_1_gib() -> None:
    runs = rounds(32 * MiB, [1.0], [1.0])
    runs += rounds(256 * MiB, [1.0], [1.4]) + rounds(GiB, [1.0], [1.2])

    found = {t.name: (t.measured, t.passed) for t in targets(report(runs)) if "Uppy" in t.name}

    assert found == {
        "page ÷ stock Uppy 6 throughput ≥ 1.3 at 256 MiB": ("1.40", True),
        "page ÷ stock Uppy 6 throughput ≥ 1.3 at 1 GiB": ("1.20", False),
    }


def test_a_shorter_run_is_held_to_the_target_at_its_largest_size() -> None:
    runs = rounds(8 * MiB, [1.0], [1.0]) + rounds(72 * MiB, [1.0], [2.0])

    names = [t.name for t in targets(report(runs)) if "Uppy" in t.name]

    assert names == ["page ÷ stock Uppy 6 throughput ≥ 1.3 at 72 MiB"]


def test_behind_the_first_network_the_target_is_at_256_mib() -> None:
    runs = rounds(32 * MiB, [1.0], [1.0], LINK.name) + rounds(256 * MiB, [1.0], [1.6], LINK.name)

    (target,) = [t for t in targets(report(runs, [LINK])) if "Uppy" in t.name]

    assert (target.name, target.measured, target.passed) == (
        f"page ÷ stock Uppy 6 throughput ≥ 1.5 at 256 MiB, {LINK.name}",
        "1.60",
        True,
    )


def test_the_tables_show_uppy_rows_and_the_ratio_per_size() -> None:
    runs = rounds(256 * MiB, [1.0], [1.25]) + rounds(256 * MiB, [2.0], [3.0], LINK.name)

    table = markdown(report(runs, [LINK]))

    assert "| 256 MiB | uppy | 1.250 | 204.8 | 0.80 | n/a | n/a | 0 | 0 |" in table
    assert "- page ÷ stock Uppy 6, 256 MiB: 1.25" in table
    assert f"- page ÷ stock Uppy 6 ({LINK.name}), 256 MiB: 1.50" in table


def test_a_run_without_uppy_has_no_uppy_target_or_ratio() -> None:
    runs = [BrowserRun(0, "raw", 256 * MiB, 1.0), BrowserRun(0, "browser", 256 * MiB, 2.0)]

    measured = report(runs)

    assert not [t for t in targets(measured) if "Uppy" in t.name]
    assert "Uppy 6," not in markdown(measured)
