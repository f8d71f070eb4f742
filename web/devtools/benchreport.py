"""What `devtools.bench` measured: medians, ratios, targets, a Markdown table and a chart."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KiB, MiB, GiB = 1024, 1024**2, 1024**3
PATHS = ("raw", "direct", "proxy")
VIEWS = ("trivial", "insert", "presign")  # measured for requests/s, in this order in round 1
VIEW_TITLES = {
    "presign": "POST /api/uploads (presign)",
    "insert": "POST /bench/insert (one row, the baseline)",
    "trivial": "GET /bench/ping (trivial JSON)",
}
PRESIGN_CPU_MS = 2.0  # app CPU per presign, the target
TARGET_FROM = 64 * MiB  # direct ÷ raw is a target from this size up


@dataclass
class UploadRun:
    round: int
    path: str
    size: int
    seconds: float
    app_cpu_seconds: float
    app_peak_rss: int
    app_bytes_received: int
    app_requests: int


@dataclass
class RateRun:
    view: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    app_cpu_ms: float  # per request, all workers

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


@dataclass
class Target:
    name: str
    measured: str
    passed: bool


@dataclass
class Report:
    date: str
    machine: str
    settings: dict[str, Any]
    uploads: list[UploadRun] = field(default_factory=list)
    rates: list[RateRun] = field(default_factory=list)
    other_load: float = 0.0  # share of the machine's CPU used by others while measuring

    @property
    def sizes(self) -> list[int]:
        return sorted({run.size for run in self.uploads})

    def median(self, path: str, size: int, attribute: str) -> float:
        runs = [r for r in self.uploads if r.path == path and r.size == size]
        return statistics.median(getattr(run, attribute) for run in runs)

    def throughput(self, path: str, size: int) -> float:
        """Bytes per second, from the median time."""
        return size / self.median(path, size, "seconds")

    def speed_ratio(self, path: str, other: str, size: int) -> float:
        """How many times as fast `path` is as `other`: the median of each round's ratio.

        Paired by round, since the paths of one round run back to back: the machine's
        slower and faster spells cancel out.
        """
        seconds = {(r.round, r.path): r.seconds for r in self.uploads if r.size == size}
        rounds = sorted({r for r, p in seconds if p == path})
        return statistics.median(seconds[r, other] / seconds[r, path] for r in rounds)

    def rate(self, view: str, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.rates if run.view == view)

    def errors(self, view: str) -> int:
        return sum(run.errors for run in self.rates if run.view == view)


def label(size: int) -> str:
    for unit, factor in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} B"


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def targets(report: Report) -> list[Target]:
    sizes = report.sizes
    smallest, largest = sizes[0], sizes[-1]
    found = []
    for size in [s for s in sizes if s >= TARGET_FROM] or [largest]:
        ratio = report.speed_ratio("direct", "raw", size)
        found.append(
            Target(
                f"direct ÷ raw S3 throughput ≥ 0.95 at {label(size)}", f"{ratio:.2f}", ratio >= 0.95
            )
        )
    speedup = report.speed_ratio("direct", "proxy", largest)
    found.append(
        Target(
            f"direct ≥ 2x as fast as the proxy at {label(largest)}", f"{speedup:.2f}x", speedup >= 2
        )
    )
    most = max(report.median("direct", size, "app_bytes_received") for size in sizes)
    found.append(
        Target(
            "app bytes received per direct upload < 4 KiB, every size",
            f"≤ {most:,.0f} B",
            most < 4 * KiB,
        )
    )
    growth = _growth(report, "direct", smallest, largest)
    found.append(
        Target(
            f"app peak RSS flat (±10 %), direct, {label(smallest)} → {label(largest)} "
            "(the proxy's for comparison)",
            f"{growth:+.1%} (proxy {_growth(report, 'proxy', smallest, largest):+.0%})",
            abs(growth) <= 0.10,
        )
    )
    cpu = report.rate("presign", "app_cpu_ms")
    found.append(
        Target(
            f"app CPU per presign ≤ {PRESIGN_CPU_MS:.1f} ms", f"{cpu:.2f} ms", cpu <= PRESIGN_CPU_MS
        )
    )
    share = report.rate("presign", "per_second") / report.rate("trivial", "per_second")
    found.append(
        Target("presign ≥ 50 % of the trivial view's requests/s", f"{share:.0%}", share >= 0.5)
    )
    baseline = report.rate("presign", "per_second") / report.rate("insert", "per_second")
    found.append(
        Target(
            "presign ≥ 75 % of the insert-one-row view's requests/s",
            f"{baseline:.0%}",
            baseline >= 0.75,
        )
    )
    p99 = report.rate("presign", "p99_ms")
    clients = report.settings["clients"]
    found.append(Target(f"presign p99 < 50 ms at {clients} clients", f"{p99:.1f} ms", p99 < 50))
    return found


def _growth(report: Report, path: str, smallest: int, largest: int) -> float:
    return (
        report.median(path, largest, "app_peak_rss") / report.median(path, smallest, "app_peak_rss")
        - 1
    )


def markdown(report: Report) -> str:
    s = report.settings
    lines = [
        f"### Benchmark, {report.date}",
        "",
        f"{report.machine}; client, gunicorn ({s['workers']} sync workers) and SeaweedFS all on "
        f"this machine, over loopback. Medians of {s['repeat']} interleaved rounds (ratios: "
        f"median of each round's ratio). Client: "
        f"{s['parallel']} parts at a time, multipart above {label(s['threshold'])}. Other "
        f"processes used {report.other_load:.0%} of the machine's CPU while measuring.",
        "",
        "| Size | Path | Time (s) | MiB/s | ÷ raw | App CPU (s) | App peak RSS (MiB) "
        "| App bytes received | App requests |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for size in report.sizes:
        for path in PATHS:
            lines.append(
                f"| {label(size)} | {path} | {report.median(path, size, 'seconds'):.3f} "
                f"| {report.throughput(path, size) / MiB:.1f} "
                f"| {report.speed_ratio(path, 'raw', size):.2f} "
                f"| {report.median(path, size, 'app_cpu_seconds'):.2f} "
                f"| {report.median(path, size, 'app_peak_rss') / MiB:.0f} "
                f"| {report.median(path, size, 'app_bytes_received'):,.0f} "
                f"| {report.median(path, size, 'app_requests'):.0f} |"
            )
    lines += ["", "| Size | direct ÷ raw (throughput) | direct ÷ proxy (speed) |", "|---|--:|--:|"]
    for size in report.sizes:
        lines.append(
            f"| {label(size)} | {report.speed_ratio('direct', 'raw', size):.2f} "
            f"| {report.speed_ratio('direct', 'proxy', size):.2f}x |"
        )
    lines += [
        "",
        f"{s['clients']} concurrent clients, {s['seconds']:g} s per run, a new connection per "
        "request:",
        "",
        "| View | Requests/s | p50 (ms) | p99 (ms) | App CPU per request (ms) | Errors |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for view in reversed(VIEWS):
        title = VIEW_TITLES[view]
        lines.append(
            f"| {title} | {report.rate(view, 'per_second'):.0f} "
            f"| {report.rate(view, 'p50_ms'):.1f} | {report.rate(view, 'p99_ms'):.1f} "
            f"| {report.rate(view, 'app_cpu_ms'):.2f} | {report.errors(view)} |"
        )
    lines.append("")
    for view, words in (("trivial", "trivial view"), ("insert", "insert-one-row baseline")):
        share = report.rate("presign", "per_second") / report.rate(view, "per_second")
        cost = report.rate("presign", "app_cpu_ms") / report.rate(view, "app_cpu_ms")
        lines.append(
            f"- presign ÷ {words}, requests/s: {share:.2f} (a presign costs the app server "
            f"{cost:.1f}x its CPU)"
        )
    ours = report.rate("presign", "app_cpu_ms") - report.rate("insert", "app_cpu_ms")
    lines += [
        f"- the app's own share of a presign (its CPU minus the baseline's): {ours:.2f} ms",
        "",
        "| Target | Measured | Result |",
        "|---|--:|---|",
    ]
    for target in targets(report):
        lines.append(
            f"| {target.name} | {target.measured} | {'pass' if target.passed else 'MISS'} |"
        )
    return "\n".join(lines) + "\n"


def chart(report: Report, path: Path) -> None:
    import matplotlib  # slow to import: only when charting

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = report.sizes
    colours = {"raw": "#8c8c8c", "direct": "#2a7ab0", "proxy": "#d9822b"}
    figure, axes = plt.subplots(2, 2, figsize=(12, 8))
    panels = [
        (
            axes[0][0],
            "Throughput, MiB/s (higher is better)",
            PATHS,
            lambda p, s: report.throughput(p, s) / MiB,
        ),
        (
            axes[0][1],
            "Bytes the app server received per upload (log; raw: none)",
            PATHS[1:],
            lambda p, s: report.median(p, s, "app_bytes_received"),
        ),
        (
            axes[1][0],
            "App server peak RSS, largest worker, MiB",
            PATHS,
            lambda p, s: report.median(p, s, "app_peak_rss") / MiB,
        ),
    ]
    width = 0.27
    for axis, title, paths, value in panels:
        for p in paths:
            offset = PATHS.index(p) - 1
            xs = [i + offset * width for i in range(len(sizes))]
            axis.bar(xs, [value(p, s) for s in sizes], width, label=p, color=colours[p])
        axis.set_xticks(range(len(sizes)), [label(s) for s in sizes])
        axis.set_title(title)
        if "(log" in title:
            axis.set_yscale("log")
        axis.legend()
    axis = axes[1][1]
    views = list(VIEWS)
    axis.bar(
        views,
        [report.rate(v, "per_second") for v in views],
        color=[colours["raw"], colours["proxy"], colours["direct"]],
    )
    for i, view in enumerate(views):
        axis.annotate(
            f"p50 {report.rate(view, 'p50_ms'):.1f} ms\np99 {report.rate(view, 'p99_ms'):.1f} ms",
            (i, report.rate(view, "per_second")),
            ha="center",
            va="bottom",
        )
    axis.set_title(f"Requests/s at {report.settings['clients']} clients")
    axis.margins(y=0.3)
    figure.suptitle(f"Direct uploads vs raw S3 vs proxy: {report.date}, {report.machine}")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
