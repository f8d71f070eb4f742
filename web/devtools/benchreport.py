"""What `devtools.bench` measured: medians, ratios, targets, a Markdown table and a chart."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools.cpuuse import KIND_TITLES, KINDS

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
# browser ÷ raw targets: one form POST, one multipart upload (the app's default threshold: 32 MiB)
BROWSER_TARGETS = {32 * MiB: 0.85, 256 * MiB: 0.90}
BROWSER_PATHS = ("raw", "browser", "uppy")  # "uppy": stock Uppy 6 through the app's adapter
NETWORK_PATHS = ("raw", "direct", "browser", "uppy")
PAGE_PATHS = ("browser", "uppy")  # the paths in Chromium: long tasks are theirs
UPLINK_TARGET = (256 * MiB, 0.90)  # the page ÷ the emulated uplink, at this size
# page ÷ stock Uppy, throughput: over loopback at these sizes, and behind the first network
UPPY_TARGETS = {256 * MiB: 1.3, 1 * GiB: 1.3}
UPPY_NETWORK_TARGET = (256 * MiB, 1.5)


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
class BrowserRun:
    """One upload of the browser comparison (the upload page, "browser"; stock Uppy through the
    app's adapter, "uppy"; or boto3, "raw") or, with `network` set, of any path ("raw",
    "direct": the CLI, "browser", "uppy") behind that network."""

    round: int
    path: str
    size: int
    seconds: float  # in Chromium: from the file input's change event to the app's complete
    network: str = ""  # an emulated network's name; "" for loopback, unlimited
    long_task_ms: float = 0.0  # the page's main thread: long tasks (> 50 ms), in total
    longest_task_ms: float = 0.0
    long_tasks: int = 0
    # Of `seconds`, the page's wait for the app before the bytes (for multipart the resume
    # check, then the ticket) and after them (complete: the app verifies the object).
    ticket_seconds: float = 0.0
    complete_seconds: float = 0.0
    key: str = ""
    # CPU seconds used during the upload, by kind of process (`devtools.cpuuse.KINDS`)
    cpu: dict[str, float] = field(default_factory=dict)


@dataclass
class FolderRun:
    """A folder of `count` files of `size` bytes: raw boto3 ("raw"), the CLI or the page."""

    round: int
    path: str
    count: int
    size: int
    seconds: float

    @property
    def files_per_second(self) -> float:
        return self.count / self.seconds


FOLDER_TARGET = 0.5  # page and CLI files/s ÷ raw's


@dataclass(frozen=True)
class Network:
    """An emulated link (`devtools.netlink`). Mbit/s are 10**6 bits per second."""

    name: str
    latency_ms: float
    up_mbit: float
    down_mbit: float

    @property
    def up_bytes_per_second(self) -> float:
        return self.up_mbit * 1e6 / 8

    @property
    def down_bytes_per_second(self) -> float:
        return self.down_mbit * 1e6 / 8


NETWORKS = (
    Network("40 ms RTT, 100 Mbit/s up", latency_ms=40, up_mbit=100, down_mbit=100),
    Network("150 ms RTT, 20 Mbit/s up", latency_ms=150, up_mbit=20, down_mbit=50),
)


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
    browser: list[BrowserRun] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)  # the emulated ones measured
    networks_skipped: str = ""  # why the emulated networks were not measured
    folders: list[FolderRun] = field(default_factory=list)
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

    # --- Many small files ----------------------------------------------------------------------

    def folder_kinds(self) -> list[tuple[int, int]]:
        return sorted({(run.count, run.size) for run in self.folders})

    def folder_rate(self, path: str, kind: tuple[int, int]) -> float:
        """Files per second, from the median time."""
        runs = [r for r in self.folders if r.path == path and (r.count, r.size) == kind]
        return kind[0] / statistics.median(run.seconds for run in runs)

    def folder_ratio(self, path: str, kind: tuple[int, int]) -> float:
        """`path`'s files/s ÷ raw's: the median of each round's ratio."""
        seconds = {(r.round, r.path): r.seconds for r in self.folders if (r.count, r.size) == kind}
        rounds = sorted({r for r, p in seconds if p == path})
        return statistics.median(seconds[r, "raw"] / seconds[r, path] for r in rounds)

    # --- The browser comparison -----------------------------------------------------------------

    def browser_sizes(self, network: str = "") -> list[int]:
        return sorted({r.size for r in self.browser if r.network == network})

    def network_paths(self, network: str, size: int) -> list[str]:
        measured = {r.path for r in self.browser if r.network == network and r.size == size}
        return [path for path in NETWORK_PATHS if path in measured]

    def browser_median(self, path: str, size: int, attribute: str, network: str = "") -> float:
        runs = [
            r for r in self.browser if r.path == path and r.size == size and r.network == network
        ]
        return statistics.median(getattr(run, attribute) for run in runs)

    def browser_paths(self, size: int) -> list[str]:
        measured = {r.path for r in self.browser if not r.network and r.size == size}
        return [path for path in BROWSER_PATHS if path in measured]

    def browser_cpu(self, size: int, path: str | None = None) -> dict[str, float]:
        """CPU seconds by kind over loopback: medians of `path`'s runs (of any path's if None;
        empty where none was recorded)."""
        runs = [
            r
            for r in self.browser
            if not r.network and r.size == size and r.cpu and path in (None, r.path)
        ]
        if not runs:
            return {}
        return {kind: statistics.median(r.cpu.get(kind, 0.0) for r in runs) for kind in KINDS}

    def browser_ratio(self, size: int, path: str = "browser", over: str = "raw") -> float | None:
        """`path`'s throughput ÷ `over`'s over loopback (see round_ratio)."""
        return self.round_ratio(path, over, size, "")

    def network_ratio(self, network: Network, size: int, path: str) -> float | None:
        """path ÷ raw behind `network` (see round_ratio)."""
        return self.round_ratio(path, "raw", size, network.name)

    def round_ratio(self, path: str, over: str, size: int, network: str) -> float | None:
        """How many times as fast `path` is as `over`: the median of each round's ratio (see
        speed_ratio); None where the two were not measured in the same rounds."""
        seconds = {
            (r.round, r.path): r.seconds
            for r in self.browser
            if r.network == network and r.size == size
        }
        rounds = sorted({r for r, p in seconds if p == path and (r, over) in seconds})
        if not rounds:
            return None
        return statistics.median(seconds[r, over] / seconds[r, path] for r in rounds)

    def uplink_share(self, network: Network, size: int, path: str = "browser") -> float:
        """A path's throughput as a share of the emulated uplink, from the median time."""
        seconds = self.browser_median(path, size, "seconds", network.name)
        return size / seconds / network.up_bytes_per_second

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
    found = upload_targets(report) if report.uploads else []
    found += browser_targets(report)
    found += network_targets(report)
    found += uppy_targets(report)
    if report.rates:
        found += rate_targets(report)
    return found + folder_targets(report)


def folder_targets(report: Report) -> list[Target]:
    return [
        Target(
            f"{path} files/s ≥ {FOLDER_TARGET:.1f} x raw S3's, {count} x {label(size)}",
            f"{report.folder_ratio(path, (count, size)):.2f}",
            report.folder_ratio(path, (count, size)) >= FOLDER_TARGET,
        )
        for count, size in report.folder_kinds()
        for path in ("page", "cli")
    ]


def upload_targets(report: Report) -> list[Target]:
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
    return found


def rate_targets(report: Report) -> list[Target]:
    found = []
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


def browser_targets(report: Report) -> list[Target]:
    """At the sizes the targets name; in shorter runs, the smallest and largest size measured."""
    sizes = report.browser_sizes()
    if not sizes:
        return []
    wanted = {s: goal for s, goal in BROWSER_TARGETS.items() if s in sizes}
    if not wanted:
        goals = sorted(BROWSER_TARGETS.values())
        wanted = {sizes[0]: goals[0], sizes[-1]: goals[-1]}
    found = []
    for size, goal in sorted(wanted.items()):
        ratio = report.browser_ratio(size)
        if ratio is None:
            continue
        found.append(
            Target(
                f"browser ÷ raw S3 throughput ≥ {goal:.2f} at {label(size)}",
                f"{ratio:.2f}",
                ratio >= goal,
            )
        )
    return found


def uppy_targets(report: Report) -> list[Target]:
    """The page ÷ stock Uppy: over loopback at the sizes the targets name (in shorter runs, the
    largest measured), behind the first network at 256 MiB (or its largest size measured)."""
    found = []
    sizes = [s for s in report.browser_sizes() if "uppy" in report.browser_paths(s)]
    wanted = {s: goal for s, goal in UPPY_TARGETS.items() if s in sizes}
    if sizes and not wanted:
        wanted = {sizes[-1]: min(UPPY_TARGETS.values())}
    places = [("", size, goal, "") for size, goal in sorted(wanted.items())]
    if report.networks:
        network = report.networks[0]
        sizes = [s for s in report.browser_sizes(network.name)
                 if {"browser", "uppy"} <= set(report.network_paths(network.name, s))]  # fmt: skip
        size, goal = UPPY_NETWORK_TARGET
        if sizes:
            at = size if size in sizes else sizes[-1]
            places.append((network.name, at, goal, f", {network.name}"))
    for network_name, size, goal, where in places:
        ratio = report.round_ratio("browser", "uppy", size, network_name)
        if ratio is None:
            continue
        found.append(
            Target(
                f"page ÷ stock Uppy 6 throughput ≥ {goal:.1f} at {label(size)}{where}",
                f"{ratio:.2f}",
                ratio >= goal,
            )
        )
    return found


def network_targets(report: Report) -> list[Target]:
    """The page ÷ the uplink at 256 MiB on each network that measured it; on networks that did
    not, at the largest size the page went up."""
    found = []
    size, goal = UPLINK_TARGET
    for network in report.networks:
        sizes = [s for s in report.browser_sizes(network.name)
                 if "browser" in report.network_paths(network.name, s)]  # fmt: skip
        if not sizes:
            continue
        at = size if size in sizes else sizes[-1]
        share = report.uplink_share(network, at)
        found.append(
            Target(
                f"page ÷ uplink ≥ {goal:.2f} at {label(at)}, {network.name}",
                f"{share:.2f}",
                share >= goal,
            )
        )
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
        f"{report.machine}; gunicorn ({s['workers']} sync workers) and SeaweedFS on this "
        "machine, the clients too, over loopback or an emulated link. Medians of interleaved "
        f"rounds (ratios: median of each round's ratio). Client: {s['parallel']} parts at a "
        f"time, multipart above {label(s['threshold'])}. Other processes used "
        f"{report.other_load:.0%} of the machine's CPU while measuring.",
    ]
    if report.uploads:
        lines += upload_markdown(report)
    lines += browser_markdown(report)
    lines += network_markdown(report)
    lines += folders_markdown(report)
    if report.rates:
        lines += rate_markdown(report)
    lines += ["", "| Target | Measured | Result |", "|---|--:|---|"]
    for target in targets(report):
        lines.append(
            f"| {target.name} | {target.measured} | {'pass' if target.passed else 'MISS'} |"
        )
    return "\n".join(lines) + "\n"


def upload_markdown(report: Report) -> list[str]:
    lines = [
        "",
        f"Over loopback, {report.settings['repeat']} rounds:",
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
    return lines


def rate_markdown(report: Report) -> list[str]:
    s = report.settings
    lines = [
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
    lines.append(
        f"- the app's own share of a presign (its CPU minus the baseline's): {ours:.2f} ms"
    )
    return lines


def folders_markdown(report: Report) -> list[str]:
    if not report.folders:
        return []
    lines = [
        "",
        "Many small files: a folder picked at once on the upload page (Chromium), sent by the CLI "
        "(`upload_many`) and by raw boto3 (`put_object`, 6 threads) to the same bucket:",
        "",
        "| Folder | Path | Time (s) | Files/s | ÷ raw |",
        "|---|---|--:|--:|--:|",
    ]
    for kind in report.folder_kinds():
        count, size = kind
        for path in ("raw", "cli", "page"):
            rate = report.folder_rate(path, kind)
            lines.append(
                f"| {count} x {label(size)} | {path} | {count / rate:.2f} | {rate:.1f} "
                f"| {report.folder_ratio(path, kind):.2f} |"
            )
    return lines


def browser_markdown(report: Report) -> list[str]:
    if not report.browser_sizes():
        return []
    rounds = len({r.round for r in report.browser if not r.network})
    lines = [
        "",
        "The upload page in headless Chromium (logged in; files picked through its file input; "
        "timed from the pick to the row's Done, so the ticket, any part signing, the per-part "
        "MD5 and the complete call are in), interleaved with raw boto3 uploads of the same "
        "file and, as uppy, stock Uppy 6 (`@uppy/core` and `@uppy/aws-s3`, pinned) running the "
        "README's code with the app's adapter, timed from the pick to Uppy's upload resolving "
        f"after the app's complete; medians of {rounds} rounds. Long tasks: the page's main "
        "thread busy for over 50 ms at a stretch between pick and Done. Ticket and complete: "
        "of the time, the page's wait for the app before the bytes (multipart: resume check "
        "too) and after them.",
        "",
        "| Size | Path | Time (s) | MiB/s | ÷ raw | Ticket (s) | Complete (s) "
        "| Long tasks, total (ms) | Longest (ms) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for size in report.browser_sizes():
        for path in report.browser_paths(size):
            seconds = report.browser_median(path, size, "seconds")
            lines.append(
                f"| {label(size)} | {path} | {seconds:.3f} | {size / MiB / seconds:.1f} "
                f"| {_ratio(report.browser_ratio(size, path))} "
                f"| {_page_columns(report, path, size, '')} |"
            )
    lines += _versus_uppy(report, "")
    lines += cpu_markdown(report)
    return lines


def cpu_markdown(report: Report) -> list[str]:
    """Where the machine's CPU went during the loopback browser rows' uploads."""
    sizes = [s for s in report.browser_sizes() if report.browser_cpu(s)]
    if not sizes:
        return []
    cores = report.settings.get("cores", 2)
    titles = " | ".join(KIND_TITLES[kind] for kind in KINDS)
    lines = [
        "",
        "Where the CPU went during those uploads (CPU seconds, medians; the bench client is "
        "this process: raw's boto3 and Playwright's side; other tools: Playwright's driver; "
        f"idle: what was left of {cores} cores x the upload's time):",
        "",
        f"| Size | Path | Time (s) | {titles} | idle |",
        "|---|---|--:|" + "--:|" * (len(KINDS) + 1),
    ]
    for size in sizes:
        for path in report.browser_paths(size):
            seconds = report.browser_median(path, size, "seconds")
            used = report.browser_cpu(size, path)
            idle = max(0.0, cores * seconds - sum(used.values()))
            columns = " | ".join(f"{used[kind]:.1f}" for kind in KINDS)
            lines.append(f"| {label(size)} | {path} | {seconds:.3f} | {columns} | {idle:.1f} |")
    return lines


def _ratio(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}"


def _page_columns(report: Report, path: str, size: int, network: str) -> str:
    """Ticket and complete (the page's), long tasks (both paths in Chromium)."""
    columns = []
    for attribute, form in (
        ("ticket_seconds", ".3f"),
        ("complete_seconds", ".3f"),
        ("long_task_ms", ".0f"),
        ("longest_task_ms", ".0f"),
    ):
        timed = path == "browser" or (path in PAGE_PATHS and "task" in attribute)
        value = report.browser_median(path, size, attribute, network) if timed else None
        columns.append("n/a" if value is None else f"{value:{form}}")
    return " | ".join(columns)


def _versus_uppy(report: Report, network: str) -> list[str]:
    where = f" ({network})" if network else ""
    lines = []
    for size in report.browser_sizes(network):
        ratio = report.round_ratio("browser", "uppy", size, network)
        if ratio is not None:
            lines.append(f"- page ÷ stock Uppy 6{where}, {label(size)}: {ratio:.2f}")
    return ["", *lines] if lines else []


def network_markdown(report: Report) -> list[str]:
    if report.networks_skipped:
        return ["", f"Emulated networks: not measured ({report.networks_skipped})."]
    if not report.networks:
        return []
    rounds = len({r.round for r in report.browser if r.network})
    lines = [
        "",
        "Behind emulated links (a network namespace behind a veth pair: the kernel's tbf for "
        "the rates, relays adding half the round trip each way and one per new connection; "
        "no slow start or loss, so upper bounds), each path in turn, medians of "
        f"{rounds} rounds. raw: boto3; direct: the CLI; browser: the upload page; uppy: stock "
        "Uppy 6 with the app's adapter. ÷ uplink: "
        "the throughput as a share of the uplink's rate (the packets' headers take about 4.5 % "
        "of it, so a full link shows about 0.95); ÷ raw: as on loopback, on the same link.",
        "",
        "| Network | Size | Path | Time (s) | Mbit/s | ÷ uplink | ÷ raw | Ticket (s) "
        "| Complete (s) | Long tasks, total (ms) | Longest (ms) |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for network in report.networks:
        for size in report.browser_sizes(network.name):
            for path in report.network_paths(network.name, size):
                seconds = report.browser_median(path, size, "seconds", network.name)
                lines.append(
                    f"| {network.name} | {label(size)} | {path} | {seconds:.3f} "
                    f"| {size * 8 / seconds / 1e6:.1f} "
                    f"| {report.uplink_share(network, size, path):.2f} "
                    f"| {_ratio(report.network_ratio(network, size, path))} "
                    f"| {_page_columns(report, path, size, network.name)} |"
                )
    for network in report.networks:
        lines += _versus_uppy(report, network.name)
    return lines


def chart(report: Report, path: Path) -> None:
    """Loopback uploads and requests/s, the page against raw, the shares of each uplink:
    the panels of whatever was measured."""
    import matplotlib  # slow to import: only when charting

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {
        "raw": "#8c8c8c",
        "direct": "#2a7ab0",
        "proxy": "#d9822b",
        "browser": "#3a9e5c",
        "uppy": "#8e5ea2",
    }
    browser = bool(report.browser_sizes())
    columns = 2 * bool(report.uploads) + browser + bool(report.networks) or 1
    figure = plt.figure(figsize=(6 * columns, 8))
    grid = figure.add_gridspec(2, columns)
    column = 0
    if report.uploads:
        _upload_panels(report, figure, grid, colours)
        column = 2
    if browser:
        _browser_panel(report, figure.add_subplot(grid[:, column]), colours)
        column += 1
    if report.networks:
        _network_panel(report, figure.add_subplot(grid[:, column]), colours)
    figure.suptitle(f"Direct uploads vs raw S3: {report.date}, {report.machine}")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _upload_panels(report: Report, figure: Any, grid: Any, colours: dict[str, str]) -> None:
    sizes = report.sizes
    panels = [
        (
            figure.add_subplot(grid[0, 0]),
            "Throughput, MiB/s (higher is better)",
            PATHS,
            lambda p, s: report.throughput(p, s) / MiB,
        ),
        (
            figure.add_subplot(grid[0, 1]),
            "Bytes the app server received per upload (log; raw: none)",
            PATHS[1:],
            lambda p, s: report.median(p, s, "app_bytes_received"),
        ),
        (
            figure.add_subplot(grid[1, 0]),
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
    if not report.rates:
        return
    axis = figure.add_subplot(grid[1, 1])
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


def _browser_panel(report: Report, axis: Any, colours: dict[str, str]) -> None:
    sizes = report.browser_sizes()
    width = 0.8 / len(BROWSER_PATHS)
    for index, path in enumerate(BROWSER_PATHS):
        offset = (index - (len(BROWSER_PATHS) - 1) / 2) * width
        measured = [(i, s) for i, s in enumerate(sizes) if path in report.browser_paths(s)]
        xs = [i + offset for i, _ in measured]
        values = [s / MiB / report.browser_median(path, s, "seconds") for _, s in measured]
        if xs:
            axis.bar(xs, values, width, label=path, color=colours[path])
    for i, size in enumerate(sizes):
        axis.annotate(
            f"÷ raw {_ratio(report.browser_ratio(size))}\n"
            f"long tasks {report.browser_median('browser', size, 'long_task_ms'):.0f} ms",
            (i, size / MiB / report.browser_median("browser", size, "seconds")),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    axis.set_xticks(range(len(sizes)), [label(s) for s in sizes])
    axis.set_title("Upload page and stock Uppy in Chromium vs raw S3, MiB/s (loopback)")
    axis.margins(y=0.25)
    axis.legend()


def _network_panel(report: Report, axis: Any, colours: dict[str, str]) -> None:
    groups = [(n, s) for n in report.networks for s in report.browser_sizes(n.name)]
    bar = 0.8 / len(NETWORK_PATHS)
    for index, path in enumerate(NETWORK_PATHS):
        xs, shares = [], []
        for x, (network, size) in enumerate(groups):
            if path in report.network_paths(network.name, size):
                xs.append(x + (index - (len(NETWORK_PATHS) - 1) / 2) * bar)
                shares.append(report.uplink_share(network, size, path))
        if xs:
            axis.bar(xs, shares, bar, label=path, color=colours[path])
    axis.axhline(1.0, color="#8c8c8c", linestyle="--", linewidth=1)
    axis.set_xticks(
        range(len(groups)),
        [f"{label(s)}\n{n.up_mbit:g} Mbit/s\n{n.latency_ms:g} ms" for n, s in groups],
        fontsize=8,
    )
    axis.set_ylim(0, 1.1)
    axis.set_title("Behind emulated links: share of the uplink (higher is better)")
    axis.legend(fontsize=8)
