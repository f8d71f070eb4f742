"""`make bench`: the direct path against raw S3 and the classic proxy, on this machine.

    python -m devtools.bench [--quick] [--sizes 1MiB,64MiB,1GiB] [--repeat 5] [--seconds 10]

Starts SeaweedFS and the app under gunicorn (`devtools.stack`), then, interleaved, several times:

- raw: boto3 straight to the same SeaweedFS (one put_object up to the multipart threshold, else
  upload_file with our client's part size and concurrency): the ceiling;
- direct: our client library doing the whole flow (ticket → S3 → complete);
- proxy: the file posted as a form to a Django view that saves it with django-storages;
- browser: the upload page in headless Chromium, logged in, the file picked through its input
  (`devtools.benchbrowser`), interleaved with raw uploads of the same file and with stock Uppy 6
  (uppy: the README's Uppy code and the app's adapter, from pinned npm packages);
- then raw, direct, the page and Uppy again, each behind the same emulated real-world links (a
  network namespace behind a rate-limited veth and delaying relays: `devtools.benchnet`), as
  shares of the link's uplink. Skipped, saying why, where namespaces cannot be made (not root,
  no iproute2).

For each upload it records, from the gunicorn workers: CPU seconds, peak RSS (the kernel's
high-water mark, reset before each run) and bytes received (counted by `devtools.meter`). Then
it measures POST /api/uploads, a view that inserts one row (Django's own cost of recording
something) and a trivial JSON view under concurrent clients. Medians go to a
Markdown table and a chart in .artifacts/bench/ (`devtools.benchreport`), with each target's
pass or miss.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import re
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

import psutil
from boto3.s3.transfer import TransferConfig

from devtools import benchbrowser, benchfolders, benchnet, netlink
from devtools.benchreport import (
    BROWSER_PATHS,
    NETWORK_PATHS,
    NETWORKS,
    PAGE_PATHS,
    PATHS,
    VIEWS,
    GiB,
    KiB,
    MiB,
    Network,
    RateRun,
    Report,
    UploadRun,
    chart,
    label,
    markdown,
    percentile,
    targets,
)
from devtools.cpuuse import CpuUse
from devtools.stack import BUCKET, Stack
from direct_to_s3.parts import DEFAULT_MULTIPART_THRESHOLD, part_size_for
from upload_client.client import LocalFile, MultipartForm, UploadClient, UploadFailed

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / ".artifacts" / "bench"
DEFAULT_SIZES = (MiB, 64 * MiB, GiB)
QUICK_SIZES = (MiB, 64 * MiB, 128 * MiB)
BROWSER_SIZES = (32 * MiB, 256 * MiB, GiB)
QUICK_BROWSER_SIZES = (32 * MiB, 256 * MiB)
# Under emulated networks: one form POST, then multipart uploads of a few seconds to a minute
# each; 256 MiB (the page's ÷ uplink target) only where it takes 22 s, not 110 s (20 Mbit/s).
NETWORK_SIZES = {
    NETWORKS[0]: (32 * MiB, 128 * MiB, 256 * MiB),
    NETWORKS[1]: (32 * MiB, 128 * MiB),
}
QUICK_NETWORK_SIZES = (8 * MiB, 72 * MiB)
# Many small files (count, size): a folder of photos, a folder of small documents.
DEFAULT_FOLDERS = [(200, 200 * KiB), (2000, 20 * KiB)]
NETWORK_ROUNDS = 3  # at most: a 128 MiB upload at 20 Mbit/s takes almost a minute
THRESHOLD = DEFAULT_MULTIPART_THRESHOLD  # the app's default UPLOAD_MULTIPART_THRESHOLD
PARALLEL = 4  # the client's default
PASSWORD = "bench-password-not-a-secret"  # noqa: S105 (throw-away local users)
MP4_HEADER = b"\x00\x00\x00\x18ftypisom"  # the app checks a file's first bytes on complete
Log = Callable[[str], None]


# --- Measuring ---------------------------------------------------------------------------------


class AppProbe:
    """CPU, peak RSS and bytes received of the gunicorn workers between start() and stop()."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def start(self) -> None:
        self.workers = self.stack.worker_processes()
        for worker in self.workers:
            # "5" resets the kernel's peak-RSS mark (VmHWM) to the current RSS.
            Path(f"/proc/{worker.pid}/clear_refs").write_text("5")
        self.cpu = {w.pid: sum(w.cpu_times()[:2]) for w in self.workers}
        self.meters = self.stack.meters()

    def stop(self) -> tuple[float, int, int, int]:
        """(CPU seconds, the largest worker's peak RSS, bytes received, requests)."""
        cpu = sum(sum(w.cpu_times()[:2]) - self.cpu[w.pid] for w in self.workers)
        peak = max(_peak_rss(w.pid) for w in self.workers)
        received = requests = 0
        for pid, (count, size) in self.stack.meters().items():
            before = self.meters.get(pid, (0, 0))
            requests += count - before[0]
            received += size - before[1]
        return cpu, peak, received, requests


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * KiB
    raise RuntimeError(f"/proc/{pid}/status has no VmHWM")


class OtherLoad:
    """CPU that the rest of the machine (other sessions' tests, …) used during measurements."""

    def __init__(self) -> None:
        self.other_cpu = 0.0
        self.capacity = 0.0

    @contextlib.contextmanager
    def measure(self) -> Iterator[CpuUse]:
        """Where the CPU went in the block: the `CpuUse` yielded is filled in when it ends."""
        with CpuUse() as use:
            yield use
        self.other_cpu += use.seconds["others"]
        self.capacity += use.wall * (psutil.cpu_count() or 1)

    @property
    def share(self) -> float:
        return self.other_cpu / self.capacity if self.capacity else 0.0


# --- The three ways up -------------------------------------------------------------------------


def make_file(directory: Path, size: int, name: str | None = None) -> LocalFile:
    path = directory / (name or f"bench-{label(size)}.mp4")
    with open(path, "wb") as handle:
        handle.write(MP4_HEADER[:size])
        left = size - min(size, len(MP4_HEADER))
        while left:
            chunk = os.urandom(min(left, 4 * MiB))  # random: nothing to compress or dedupe
            handle.write(chunk)
            left -= len(chunk)
    return LocalFile.at(path, "video/mp4")


def raw_upload(s3: Any, file: LocalFile, threshold: int, parallel: int) -> str:
    """boto3 straight to S3: one put_object up to `threshold`, else in parts, `parallel` at a
    time, of our client's size."""
    key = f"media/bench-raw/{uuid.uuid4()}/{file.name}"
    if file.size <= threshold:
        with open(file.path, "rb") as handle:
            s3.put_object(Bucket=BUCKET, Key=key, Body=handle, ContentType=file.content_type)
        return key
    config = TransferConfig(
        multipart_threshold=threshold + 1,
        multipart_chunksize=part_size_for(file.size),
        max_concurrency=parallel,
        use_threads=True,
    )
    s3.upload_file(
        str(file.path), BUCKET, key, ExtraArgs={"ContentType": file.content_type}, Config=config
    )
    return key


def direct_upload(client: UploadClient, file: LocalFile) -> str:
    # The flow itself: ticket → S3 → complete. (By default the client first looks for an
    # unfinished upload of the same file to resume: one more GET per file.)
    upload = client.upload(
        file.path, visibility="public", content_type=file.content_type, resume=False
    )
    if upload["status"] != "complete":
        raise UploadFailed(f"direct upload ended {upload['status']}: {upload['error']}")
    return upload["key"]


class Uploaders:
    def __init__(self, stack: Stack, client: UploadClient, threshold: int, parallel: int) -> None:
        self.stack = stack
        self.client = client
        self.threshold = threshold
        self.parallel = parallel
        # No SHA-256 of whole bodies, as boto3 does over HTTPS (over plain HTTP it would).
        self.s3 = stack.s3_client(payload_signing_enabled=False)

    def raw(self, file: LocalFile) -> str:
        return raw_upload(self.s3, file, self.threshold, self.parallel)

    def direct(self, file: LocalFile) -> str:
        return direct_upload(self.client, file)

    def proxy(self, file: LocalFile) -> str:
        form = MultipartForm({}, file)
        response = self.client.session.post(
            f"{self.stack.base_url}/bench/proxy-upload",
            data=form,
            headers={
                "Content-Type": form.content_type,
                "X-CSRFToken": self.client.session.cookies["csrftoken"],
                "Referer": f"{self.stack.base_url}/",
            },
            timeout=600,
        )
        if response.status_code != 201:
            raise UploadFailed(f"proxy upload: HTTP {response.status_code} {response.text[:200]}")
        return response.json()["key"]

    def check_and_delete(self, key: str, size: int) -> None:
        stored = self.s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"]
        if stored != size:
            raise UploadFailed(f"{key} holds {stored} bytes, not {size}")
        self.s3.delete_object(Bucket=BUCKET, Key=key)


def warm_up(stack: Stack, uploaders: Uploaders, tiny: LocalFile) -> None:
    """Until every worker has served each kind of request, so no run pays for a first one."""

    def one(_: int) -> None:  # four requests
        uploaders.client.session.get(f"{stack.base_url}/bench/ping", timeout=30)
        uploaders.check_and_delete(uploaders.direct(tiny), tiny.size)
        uploaders.check_and_delete(uploaders.proxy(tiny), tiny.size)

    before = stack.meters()
    with ThreadPoolExecutor(2 * stack.workers) as pool:
        for _ in range(20):
            list(pool.map(one, range(4 * stack.workers)))
            served = stack.meters()
            pids = [w.pid for w in stack.worker_processes()]
            if all(served.get(p, (0, 0))[0] - before.get(p, (0, 0))[0] >= 12 for p in pids):
                return


def measure_uploads(
    stack: Stack,
    report: Report,
    load: OtherLoad,
    files: dict[int, LocalFile],
    tiny: LocalFile,
    log: Log,
) -> None:
    settings = report.settings
    client = UploadClient(stack.base_url, parallel=settings["parallel"])
    client.login("bench", PASSWORD)
    uploaders = Uploaders(stack, client, settings["threshold"], settings["parallel"])
    warm = UploadClient(stack.base_url)
    warm.login("bench-warm", PASSWORD)  # its pending tickets stay out of the measured account
    warmers = Uploaders(stack, warm, settings["threshold"], settings["parallel"])
    probe = AppProbe(stack)
    warm_up(stack, warmers, tiny)
    sizes = sorted(files)
    for round_ in range(settings["repeat"]):
        for index, size in enumerate(sizes):
            shift = (round_ + index) % len(PATHS)
            for path in PATHS[shift:] + PATHS[:shift]:  # each path goes first in turn
                send = getattr(uploaders, path)
                with load.measure():
                    probe.start()
                    started = time.perf_counter()
                    key = send(files[size])
                    seconds = time.perf_counter() - started
                    cpu, peak, received, requests = probe.stop()
                uploaders.check_and_delete(key, size)
                report.uploads.append(
                    UploadRun(round_, path, size, seconds, cpu, peak, received, requests)
                )
                log(
                    f"  {round_ + 1}/{settings['repeat']} {label(size):>7} {path:<6} "
                    f"{seconds:7.3f} s {size / MiB / seconds:7.1f} MiB/s   app: {cpu:5.2f} s CPU, "
                    f"{peak / MiB:4.0f} MiB peak RSS, {received:,} B in {requests} requests"
                )
                if path == "proxy":
                    # The worker that took the file keeps its grown memory: start afresh.
                    stack.restart_workers()
                    warm_up(stack, warmers, tiny)


def measure_browser(
    stack: Stack,
    report: Report,
    load: OtherLoad,
    files: dict[int, LocalFile],
    paths: tuple[str, ...],
    log: Log,
) -> None:
    settings = report.settings
    # The raw uploads go through the same client, part size and concurrency as in the table above.
    client = UploadClient(stack.base_url)
    uploaders = Uploaders(stack, client, settings["threshold"], settings["parallel"])
    report.browser += benchbrowser.measure(
        stack=stack,
        raw=uploaders.raw,
        check_and_delete=uploaders.check_and_delete,
        measuring=load.measure,
        files=files,
        paths=paths,
        repeat=settings["repeat"],
        username="bench-browser",
        password=PASSWORD,
        log=log,
    )


def measure_networks(
    stack: Stack,
    report: Report,
    load: OtherLoad,
    files: dict[Network, dict[int, LocalFile]],
    paths: tuple[str, ...],
    log: Log,
) -> None:
    settings = report.settings
    uploaders = Uploaders(stack, UploadClient(stack.base_url), 0, 0)  # for checking and deleting
    report.networks = list(files)
    report.browser += benchnet.measure(
        stack=stack,
        files=files,
        paths=paths,
        repeat=settings["network_repeat"],
        threshold=settings["threshold"],
        parallel=settings["parallel"],
        check_and_delete=uploaders.check_and_delete,
        measuring=load.measure,
        users={"direct": "bench-net", "browser": "bench-browser"},
        password=PASSWORD,
        log=log,
    )


# --- Requests per second -----------------------------------------------------------------------


def http_request(stack: Stack, client: UploadClient, method: str, path: str, body: Any) -> bytes:
    """One raw HTTP/1.1 request carrying the client's session, as bytes to send again and again."""
    cookies = "; ".join(f"{name}={value}" for name, value in client.session.cookies.items())
    payload = json.dumps(body).encode() if body is not None else b""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{stack.port}",
        f"Cookie: {cookies}",
        f"X-CSRFToken: {client.session.cookies['csrftoken']}",
        f"Referer: {stack.base_url}/",
        "Accept: application/json",
        "Connection: close",  # gunicorn's sync workers close after each response anyway
    ]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def hammer(port: int, requests: list[bytes], seconds: float) -> tuple[list[float], int]:
    """One client per request, each sending it in a loop for `seconds`: latencies, errors.

    Bare asyncio sockets rather than an HTTP library: the clients share the machine with the
    server, and the less CPU they take, the more the numbers are the server's.
    """
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(request: bytes) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                answer = await reader.read()  # to the end: the server closes
                writer.close()
            except OSError:
                errors += 1
                continue
            if answer.startswith(b"HTTP/1.1 2"):
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1

    await asyncio.gather(*(client(request) for request in requests))
    return latencies, errors


def measure_rates(stack: Stack, report: Report, load: OtherLoad, log: Log) -> None:
    settings = report.settings
    names = [f"bench-presign-{n}" for n in range(settings["clients"])]
    clients = login_all(stack, names)  # one account each: nobody's quota query grows alone
    ticket = {"filename": "photo.png", "content_type": "image/png", "size": MiB}
    requests = {
        "presign": [http_request(stack, c, "POST", "/api/uploads", ticket) for c in clients],
        "insert": [http_request(stack, c, "POST", "/bench/insert", ticket) for c in clients],
        "trivial": [http_request(stack, c, "GET", "/bench/ping", None) for c in clients],
    }
    probe = AppProbe(stack)
    for round_ in range(settings["repeat"]):
        shift = round_ % len(VIEWS)
        for view in VIEWS[shift:] + VIEWS[:shift]:  # each view goes first in turn
            # Each run starts with accounts holding no uploads (the quota check reads them all)
            # and no log entries: both tables start as small.
            stack.django(
                "from django.contrib.admin.models import LogEntry\n"
                "from direct_to_s3.models import Upload\n"
                "LogEntry.objects.filter(user__username__in=names).delete()\n"
                "result = Upload.objects.filter(owner__username__in=names).delete()[0]",
                names=names,
            )
            asyncio.run(hammer(stack.port, requests[view], 1.0))  # warm-up, not counted
            with load.measure():
                probe.start()
                started = time.perf_counter()
                latencies, errors = asyncio.run(
                    hammer(stack.port, requests[view], settings["seconds"])
                )
                elapsed = time.perf_counter() - started
                cpu, _, _, served = probe.stop()
            latencies.sort()
            run = RateRun(
                view=view,
                requests=len(latencies),
                errors=errors,
                seconds=elapsed,
                p50_ms=1000 * percentile(latencies, 50),
                p99_ms=1000 * percentile(latencies, 99),
                app_cpu_ms=1000 * cpu / max(served, 1),
            )
            report.rates.append(run)
            log(
                f"  {round_ + 1}/{settings['repeat']} {view:<8} {run.per_second:6.0f} req/s  "
                f"p50 {run.p50_ms:5.1f} ms  p99 {run.p99_ms:5.1f} ms  "
                f"app CPU {run.app_cpu_ms:.2f} ms/request  errors {run.errors}"
            )


def login_all(stack: Stack, usernames: list[str]) -> list[UploadClient]:
    def login(name: str) -> UploadClient:
        client = UploadClient(stack.base_url)
        client.login(name, PASSWORD)
        return client

    with ThreadPoolExecutor(stack.workers) as pool:
        return list(pool.map(login, usernames))


# --- Entry point -------------------------------------------------------------------------------


def run(
    *,
    sizes: list[int],
    repeat: int,
    seconds: float,
    clients: int = 16,
    workers: int | None = None,
    parallel: int = PARALLEL,
    threshold: int = THRESHOLD,
    browser_sizes: list[int] | None = None,
    browser_paths: tuple[str, ...] = BROWSER_PATHS,
    network_sizes: dict[Network, list[int]] | None = None,
    network_paths: tuple[str, ...] = NETWORK_PATHS,
    network_repeat: int | None = None,
    loopback: bool = True,
    folders: list[tuple[int, int]] | None = None,
    out_dir: Path = OUT_DIR,
    log: Log = print,
) -> tuple[Report, str]:
    """Start the stack, measure, stop it; write results.{md,json,png} to out_dir.

    No browser_sizes: no browser rows on loopback. No network_sizes: no emulated networks (nor
    where namespaces cannot be made: the report says why). `loopback=False` measures only the
    emulated networks (no loopback uploads, browser rows or requests/s). No folders ((count,
    size) pairs): no many-small-files rows.
    """
    sizes = sorted(sizes) if loopback else []
    browser_sizes = sorted(browser_sizes or []) if loopback else []
    network_sizes = {n: sorted(s) for n, s in (network_sizes or {}).items() if s}
    skipped = netlink.unavailable() if network_sizes else None
    if skipped:
        log(f"Emulated networks skipped: {skipped}")
        network_sizes = {}
    network_repeat = network_repeat or min(repeat, NETWORK_ROUNDS)
    env = {} if threshold == THRESHOLD else {"UPLOAD_MULTIPART_THRESHOLD": str(threshold)}
    load = OtherLoad()
    with (
        tempfile.TemporaryDirectory(prefix="bench-files-") as folder,
        Stack(workers=workers, env=env, log=log) as stack,
    ):
        presigners = [f"bench-presign-{n}" for n in range(clients)]
        users = ["bench", "bench-warm", "bench-browser", "bench-net", "bench-folders", *presigners]
        stack.create_users(users, PASSWORD)
        report = Report(
            date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            machine=machine(),
            settings={
                "sizes": sizes,
                "repeat": repeat,
                "seconds": seconds,
                "clients": clients,
                "workers": stack.workers,
                "cores": psutil.cpu_count() or 1,
                "parallel": parallel,
                "threshold": threshold,
                "browser_sizes": browser_sizes,
                "browser_paths": list(browser_paths),
                "network_sizes": {n.name: s for n, s in network_sizes.items()},
                "network_paths": list(network_paths),
                "network_repeat": network_repeat,
                "folders": folders or [],
            },
        )
        log("Writing the test files…")
        files: dict[int, LocalFile] = {}
        for size in sorted(
            {*sizes, *browser_sizes, *(s for n in network_sizes.values() for s in n)}
        ):
            files[size] = make_file(Path(folder), size)
        tiny = make_file(Path(folder), KiB, "warm-up.mp4")
        if sizes:
            listed = ", ".join(label(s) for s in sizes)
            log(f"Uploads: {listed} x {', '.join(PATHS)}, {repeat} rounds")
            measure_uploads(stack, report, load, {s: files[s] for s in sizes}, tiny, log)
        if browser_sizes:
            listed = ", ".join(label(s) for s in browser_sizes)
            log(f"Browser: {listed} x {', '.join(browser_paths)}, {repeat} rounds")
            measure_browser(
                stack, report, load, {s: files[s] for s in browser_sizes}, browser_paths, log
            )
        if network_sizes:
            for network, chosen in network_sizes.items():
                log(
                    f"{network.name}: {', '.join(label(s) for s in chosen)} x "
                    f"{', '.join(network_paths)}, {network_repeat} rounds"
                )
            measure_networks(
                stack,
                report,
                load,
                {n: {s: files[s] for s in chosen} for n, chosen in network_sizes.items()},
                network_paths,
                log,
            )
        if folders:
            log(
                f"Many small files: {', '.join(f'{c} x {label(z)}' for c, z in folders)} x "
                f"{', '.join(benchfolders.PATHS)}, {repeat} rounds"
            )
            report.folders = benchfolders.measure(
                stack=stack,
                folders={
                    (count, size): benchfolders.make_folder(Path(folder), count, size, make_file)
                    for count, size in folders
                },
                repeat=repeat,
                measuring=load.measure,
                username="bench-folders",
                password=PASSWORD,
                log=log,
            )
        if loopback:
            log(f"Requests/s: {clients} clients, {seconds:g} s per run, {repeat} rounds")
            measure_rates(stack, report, load, log)
    report.other_load = load.share
    report.networks_skipped = skipped or ""
    table = markdown(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.md").write_text(table)
    results = {**asdict(report), "targets": [asdict(t) for t in targets(report)]}
    (out_dir / "results.json").write_text(json.dumps(results, indent=2))
    if report.uploads or report.browser_sizes() or report.networks:  # a folders-only run has none
        chart(report, out_dir / "results.png")
    return report, table


def machine() -> str:
    cores = psutil.cpu_count(logical=True)
    memory = psutil.virtual_memory().total / GiB
    return f"{cores} cores, {memory:.0f} GiB RAM"


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*(B|KiB|MiB|GiB)?\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 512KiB, 64MiB, 1GiB)")
    factor = {"b": 1, "kib": KiB, "mib": MiB, "gib": GiB}[(match.group(2) or "b").lower()]
    return int(match.group(1)) * factor


def parse_folders(text: str) -> list[tuple[int, int]]:
    if text == "none":
        return []
    folders = []
    for spec in text.split(","):
        count, _, size = spec.partition("x")
        folders.append((int(count), parse_size(size)))
    return folders


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.bench", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI-sized: 1, 64 and 128 MiB, one round, 3 s rates, smaller browser sizes",
    )
    parser.add_argument(
        "--sizes",
        type=lambda text: [parse_size(s) for s in text.split(",")],
        help="file sizes, e.g. 1MiB,64MiB,1GiB (the default)",
    )
    parser.add_argument("--repeat", type=int, help="interleaved rounds (default 5, quick 1)")
    parser.add_argument(
        "--seconds", type=float, help="length of each requests/s run (default 10, quick 3)"
    )
    parser.add_argument(
        "--clients", type=int, default=16, help="concurrent clients for requests/s (default 16)"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 x cores + 1)")
    parser.add_argument(
        "--browser-sizes",
        type=lambda text: [parse_size(s) for s in text.split(",")],
        help="upload page in Chromium vs raw: file sizes (default 32MiB,256MiB,1GiB; "
        "quick 32MiB,256MiB)",
    )
    parser.add_argument(
        "--network-sizes",
        type=lambda text: [parse_size(s) for s in text.split(",")],
        help="under emulated networks: file sizes, every network (default 32MiB,128MiB,256MiB "
        "at 100 Mbit/s, 32MiB,128MiB at 20 Mbit/s; quick 8MiB,72MiB)",
    )
    parser.add_argument(
        "--no-networks", action="store_true", help="no emulated networks (no root needed)"
    )
    parser.add_argument(
        "--networks-only",
        action="store_true",
        help="only the emulated networks: no loopback uploads, browser rows or requests/s",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="no browser rows (no Chromium needed)"
    )
    parser.add_argument("--no-uppy", action="store_true", help="no stock Uppy rows (no npm needed)")
    parser.add_argument(
        "--folders",
        type=parse_folders,
        help="many small files: COUNTxSIZE folders, e.g. 200x200KiB,2000x20KiB (the default); "
        "none: no such rows",
    )
    parser.add_argument(
        "--only-folders",
        action="store_true",
        help="only the many-small-files rows (no single-file, browser or requests/s rows)",
    )
    parser.add_argument(
        "--out", type=Path, default=OUT_DIR, help="results folder (default .artifacts/bench)"
    )
    return parser.parse_args(argv)


def network_sizes(args: argparse.Namespace) -> dict[Network, list[int]]:
    if args.network_sizes:
        return {network: args.network_sizes for network in NETWORKS}
    if args.quick:
        return {network: list(QUICK_NETWORK_SIZES) for network in NETWORKS}
    return {network: list(sizes) for network, sizes in NETWORK_SIZES.items()}


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """A `kill` stops the servers too, as Ctrl-C does."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with stop_on_sigterm():
        try:
            only = args.only_folders
            _, table = run(
                sizes=sorted(args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)),
                repeat=args.repeat or (1 if args.quick else 5),
                seconds=args.seconds or (3.0 if args.quick else 10.0),
                clients=args.clients,
                workers=args.workers,
                browser_sizes=[]
                if args.no_browser
                else args.browser_sizes
                or list(QUICK_BROWSER_SIZES if args.quick else BROWSER_SIZES),
                network_sizes={} if args.no_networks or only else network_sizes(args),
                browser_paths=tuple(p for p in BROWSER_PATHS if p != "uppy" or not args.no_uppy),
                network_paths=tuple(
                    path
                    for path in NETWORK_PATHS
                    if not (args.no_browser and path in PAGE_PATHS)
                    and not (args.no_uppy and path == "uppy")
                ),
                loopback=not (args.networks_only or only),
                folders=[]
                if args.networks_only
                else DEFAULT_FOLDERS
                if args.folders is None
                else args.folders,
                out_dir=args.out,
            )
        except KeyboardInterrupt:
            return 130
        except (RuntimeError, UploadFailed) as error:
            print(f"bench: {error}", file=sys.stderr)
            return 1
    print()
    print(table)
    print(f"Written to {args.out}/results.md, results.json and results.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
