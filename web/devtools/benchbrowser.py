"""The upload page in headless Chromium, for `devtools.bench`: the path people actually use.

Debian's Chromium (Playwright cannot download its own browser here), launched as tests/e2e
launches it, logs in through the real form and picks each file through the page's file input
(`set_input_files`: the file stays on disk, as when a person picks it). Each upload is timed
inside the page, from the input's change event to the uploader's `direct_to_s3:upload-complete`
(the row then says Done), and interleaved with a raw boto3 upload of the same file to the same
bucket. A PerformanceObserver injected before the page's scripts records the main thread's long
tasks (over 50 ms: hashing parts, …) in that window: does the page stay responsive?

Stock Uppy 6 (`devtools.uppy_bundle`: the README's "Using Uppy" code with the app's adapter,
bundled from the pinned npm packages) takes the same turns as "uppy", on a page of the app's
origin under the site's Content-Security-Policy, timed from the pick to `uppy.upload()`
resolving, which waits for the app's complete.

`chromium(command=…)` launches it through a wrapper, e.g. inside an emulated link's network
namespace (`devtools.benchnet`), where the same page crosses the same link as the CLI and boto3.

Playwright runs in a thread of its own (`in_thread`): its sync API leaves an event loop marked as
running in the thread that uses it, which `asyncio.run` (the requests/s part of the bench) would
refuse.
"""

from __future__ import annotations

import os
import shlex
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from devtools import uppy_bundle
from devtools.benchreport import PAGE_PATHS, BrowserRun, MiB, Network, label
from devtools.cpuuse import CpuUse, Measuring
from devtools.stack import Stack
from upload_client.client import LocalFile, UploadFailed

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; the browser tests launch it the same way
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Runs before the page's own scripts. `finished` resolves when the upload is done or failed.
RECORDER = """(() => {
  const bench = { longTasks: [], states: {}, picked: null, done: null, key: null, failed: null };
  bench.finished = new Promise((resolve) => { bench.finish = resolve; });
  window.__bench = bench;
  bench.observing = PerformanceObserver.supportedEntryTypes.includes("longtask");
  if (bench.observing) {
    new PerformanceObserver((list) => {
      for (const task of list.getEntries()) bench.longTasks.push([task.startTime, task.duration]);
    }).observe({ type: "longtask", buffered: true });
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-input]")) bench.picked = performance.now();
  }, true);
  document.addEventListener("direct_to_s3:upload-complete", (event) => {
    bench.done = performance.now();
    bench.key = event.detail.upload.key;
    bench.finish("done");
  });
  document.addEventListener("direct_to_s3:state", (event) => {
    bench.states[event.detail.state] = performance.now();
    if (event.detail.state !== "failed") return;
    const error = document.querySelector("[data-queue] > li[data-state=failed] [data-error]");
    bench.failed = (error && error.textContent.trim()) || "failed";
    bench.finish("failed");
  });
})();"""
UPPY_PAGE = "/bench-uppy/"
UPPY_HTML = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Uppy</title>
<script type="module" src="{UPPY_PAGE}uploads.js"></script></head>
<body><input type="file" data-input aria-label="File"></body></html>"""
# After the README's code: the picked file goes to Uppy as a public file, and its outcome to the
# recorder the way the upload page reports its own.
UPPY_HARNESS = """
window.uppy = uppy;
document.querySelector("[data-input]").addEventListener("change", async (event) => {
  const [file] = event.target.files;
  uppy.addFile({ name: file.name, type: file.type, data: file, meta: { visibility: "public" } });
  const result = await uppy.upload();
  const bench = window.__bench;
  if (result.successful.length === 1) {
    const upload = result.successful[0].response.body;
    document.dispatchEvent(new CustomEvent("direct_to_s3:upload-complete", { detail: { upload } }));
  } else {
    bench.failed = String(result.failed.map((failed) => failed.error)[0] || "failed");
    bench.finish("failed");
  }
});
"""
WAIT = """ms => Promise.race([
  window.__bench.finished,
  new Promise((resolve) => setTimeout(() => resolve("timeout"), ms)),
])"""
Log = Callable[[str], None]
T = TypeVar("T")
P = ParamSpec("P")


class BrowserUploader:
    """One logged-in Chromium context; each upload on a fresh page of it."""

    path = "browser"

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.base_url = base_url

    def log_in(self, username: str, password: str) -> None:
        page = self.context.new_page()
        page.goto(f"{self.base_url}/")  # a logged-out visitor is sent to the login form
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{self.base_url}/")
        page.close()

    def upload(self, file: LocalFile, network: Network | None = None) -> BrowserRun:
        """Pick `file` on the upload page; (seconds, long tasks, CPU by process, stored key)
        in a BrowserRun.

        `network`: the emulated link the browser runs behind (for the timeout and the row)."""
        rate = network.up_bytes_per_second if network else 20 * MiB  # slow enough for any box
        timeout_ms = int(60_000 + 3000 * file.size / rate)
        page = self.context.new_page()
        try:
            self._open(page)
            # The page's own loading is over: what the long tasks show is the upload's.
            page.wait_for_load_state("networkidle")
            with CpuUse() as use:  # from the pick to Done, as the time
                page.locator("[data-input]").set_input_files(file.path)
                outcome = page.evaluate(WAIT, timeout_ms)
            run = self._outcome(page, file, outcome, timeout_ms)
            run.network = network.name if network else ""
            run.cpu = use.seconds
            return run
        finally:
            page.close()

    def _open(self, page: Page) -> None:
        page.goto(f"{self.base_url}/")
        page.locator("[data-uploader][data-ready]").wait_for(state="attached")
        page.locator("input[name=visibility][value=public]").check()

    def _outcome(self, page: Page, file: LocalFile, outcome: str, timeout_ms: int) -> BrowserRun:
        bench = page.evaluate(
            "() => { const { finished, finish, ...rest } = window.__bench; return rest; }"
        )
        if outcome != "done":
            reason = bench["failed"] or f"no Done after {timeout_ms / 1000:.0f} s"
            raise UploadFailed(f"{self.path} upload of {label(file.size)}: {reason}")
        if not bench["observing"]:
            raise RuntimeError("this Chromium reports no long tasks (PerformanceObserver)")
        picked, done = bench["picked"], bench["done"]
        tasks = [duration for start, duration in bench["longTasks"] if picked <= start <= done]
        return BrowserRun(
            round=0,
            path=self.path,
            size=file.size,
            seconds=(done - picked) / 1000,
            **self._waits(page, bench),
            long_task_ms=sum(tasks),
            longest_task_ms=max(tasks, default=0.0),
            long_tasks=len(tasks),
            key=bench["key"],
        )

    def _waits(self, page: Page, bench: dict[str, Any]) -> dict[str, float]:
        """The page's wait for the app before the bytes and after them."""
        page.locator("[data-queue] > li[data-state=done]").wait_for(state="attached")
        picked, done = bench["picked"], bench["done"]
        uploading, verifying = bench["states"]["uploading"], bench["states"]["verifying"]
        return {
            "ticket_seconds": (uploading - picked) / 1000,
            "complete_seconds": (done - verifying) / 1000,
        }


class UppyUploader(BrowserUploader):
    """Stock Uppy 6 on a page of the app's origin, in the same logged-in context."""

    path = "uppy"

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        super().__init__(context, base_url)
        policy = context.request.get(f"{base_url}/").headers["content-security-policy"]
        script = uppy_bundle.bundle(UPPY_HARNESS)

        def serve(route: Route) -> None:
            if route.request.url.endswith("uploads.js"):
                route.fulfill(body=script, content_type="text/javascript")
            else:
                headers = {"Content-Security-Policy": policy}
                route.fulfill(body=UPPY_HTML, content_type="text/html", headers=headers)

        self.serve = serve
        # A routed page has no network address of its own: Chromium's Local Network Access
        # would keep it from reaching S3 on loopback unless allowed.
        context.grant_permissions(["local-network-access"])

    def _open(self, page: Page) -> None:
        """The page is served by a route while it loads, then the route is removed: while any
        route is set, Playwright intercepts every request of the page, bodies and all, which
        made uploads several times slower."""
        pattern = f"{self.base_url}{UPPY_PAGE}**"
        page.route(pattern, self.serve)
        page.goto(f"{self.base_url}{UPPY_PAGE}")
        page.wait_for_function("() => window.uppy !== undefined")
        page.unroute(pattern)

    def _waits(self, page: Page, bench: dict[str, Any]) -> dict[str, float]:
        return {}  # Uppy reports no moments in between


@contextmanager
def chromium(command: Sequence[str] = ()) -> Iterator[Browser]:
    """Chromium, run through `command` (e.g. `ip netns exec NAME`) if given."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        raise RuntimeError(
            f"the browser rows need Debian's Chromium at {CHROMIUM} (`make chromium` as root), "
            "or pass --no-browser"
        )
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as folder, sync_playwright() as pw:
        executable = CHROMIUM
        if command:
            executable = Path(folder) / "chromium"
            wrapped = shlex.join([*command, str(CHROMIUM)])
            executable.write_text(f'#!/bin/sh\nexec {wrapped} "$@"\n')
            executable.chmod(0o700)
        browser = pw.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def logged_in(
    browser: Browser,
    base_url: str,
    username: str,
    password: str,
    warm: LocalFile,
    check_and_delete: Callable[[str, int], None],
    paths: Sequence[str] = PAGE_PATHS,
) -> Iterator[dict[str, BrowserUploader]]:
    """`paths`' uploaders ("browser", "uppy") in one logged-in context, each having uploaded
    `warm` once: first-visit costs are not counted."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_init_script(RECORDER)
    try:
        BrowserUploader(context, base_url).log_in(username, password)
        kinds = {"browser": BrowserUploader, "uppy": UppyUploader}
        uploaders = {path: kinds[path](context, base_url) for path in paths}
        for uploader in uploaders.values():
            check_and_delete(uploader.upload(warm).key, warm.size)
        yield uploaders
    finally:
        context.close()


def in_thread(function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`function(*args, **kwargs)` in a thread of its own (see the module's docstring).

    Interrupted (Ctrl-C, SIGTERM), the caller does not wait for the thread: it goes on to stop
    the servers and links, which ends the thread's work soon after.
    """
    pool = ThreadPoolExecutor(1, thread_name_prefix="bench-browser")
    try:
        return pool.submit(function, *args, **kwargs).result()
    finally:
        pool.shutdown(wait=False)


def threaded(function: Callable[P, T]) -> Callable[P, T]:
    """`function`, each call of it run `in_thread`."""

    @wraps(function)
    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        return in_thread(function, *args, **kwargs)

    return call


@threaded
def measure(
    *,
    stack: Stack,
    raw: Callable[[LocalFile], str],
    check_and_delete: Callable[[str, int], None],
    measuring: Measuring,
    files: dict[int, LocalFile],
    paths: tuple[str, ...],
    repeat: int,
    username: str,
    password: str,
    log: Log,
) -> list[BrowserRun]:
    """Uploads of `files` up each of `paths` ("raw" and `PAGE_PATHS`) over loopback,
    interleaved, in a thread of its own."""
    runs: list[BrowserRun] = []
    warm = tiny_file(files[min(files)])
    in_chromium = [path for path in paths if path in PAGE_PATHS]
    with (
        chromium() as browser,
        logged_in(
            browser, stack.base_url, username, password, warm, check_and_delete, in_chromium
        ) as uploaders,
    ):

        def send(path: str, file: LocalFile) -> BrowserRun:
            with measuring() as use:
                if path in uploaders:
                    run = uploaders[path].upload(file)
                else:
                    started = time.perf_counter()
                    key = raw(file)
                    run = BrowserRun(0, "raw", file.size, time.perf_counter() - started, key=key)
            run.cpu = run.cpu or use.seconds  # the page's own: from the pick to Done
            check_and_delete(run.key, file.size)
            return run

        for round_ in range(repeat):
            for index, size in enumerate(sorted(files)):
                for path in turns(paths, round_ + index):
                    run = send(path, files[size])
                    run.round = round_
                    runs.append(run)
                    log(line(run, repeat))
    return runs


def turns(paths: tuple[str, ...], shift: int) -> Iterator[str]:
    """`paths` in order, starting from the `shift`th: each path goes first in turn."""
    shift %= len(paths)
    yield from paths[shift:] + paths[:shift]


def tiny_file(like: LocalFile) -> LocalFile:
    """The first 4 KiB of `like`, beside it: a warm-up upload."""
    path = like.path.with_name(f"warm-{uuid.uuid4().hex[:8]}.mp4")
    with open(like.path, "rb") as source, open(path, "wb") as target:
        target.write(source.read(4096))
    return LocalFile.at(path, "video/mp4")


def line(run: BrowserRun, rounds: int, network: Network | None = None) -> str:
    speed = f"{run.size / MiB / run.seconds:7.1f} MiB/s"
    if network is not None:
        share = run.size / run.seconds / network.up_bytes_per_second
        speed = f"{run.size * 8 / run.seconds / 1e6:6.1f} Mbit/s ({share:.0%} of the uplink)"
    tasks = (
        f"   long tasks {run.long_task_ms:5.0f} ms (longest {run.longest_task_ms:.0f} ms)"
        if run.path in PAGE_PATHS
        else ""
    )
    where = f" @ {network.name}" if network else ""
    return (
        f"  {run.round + 1}/{rounds} {label(run.size):>7} {run.path:<7}{where} "
        f"{run.seconds:7.3f} s {speed}{tasks}"
    )
