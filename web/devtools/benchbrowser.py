"""The upload page in headless Chromium, for `devtools.bench`: the path people actually use.

Debian's Chromium (Playwright cannot download its own browser here), launched as tests/e2e
launches it, logs in through the real form and picks each file through the page's file input
(`set_input_files`: the file stays on disk, as when a person picks it). Each upload is timed
inside the page, from the input's change event to the uploader's `direct_to_s3:upload-complete`
(the row then says Done), and interleaved with a raw boto3 upload of the same file to the same
bucket. A PerformanceObserver injected before the page's scripts records the main thread's long
tasks (over 50 ms: hashing parts, …) in that window: does the page stay responsive?

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
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from devtools.benchreport import BrowserRun, MiB, Network, label
from devtools.stack import Stack
from upload_client.client import LocalFile, UploadFailed

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [  # as tests/e2e/conftest.py launches it
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
WAIT = """ms => Promise.race([
  window.__bench.finished,
  new Promise((resolve) => setTimeout(() => resolve("timeout"), ms)),
])"""
Log = Callable[[str], None]
T = TypeVar("T")


class BrowserUploader:
    """One logged-in Chromium context; each upload on a fresh page of it."""

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
        """Pick `file` on the upload page; (seconds, long tasks, stored key) in a BrowserRun.

        `network`: the emulated link the browser runs behind (for the timeout and the row)."""
        page = self.context.new_page()
        try:
            page.goto(f"{self.base_url}/")
            page.locator("[data-uploader][data-ready]").wait_for(state="attached")
            # The page's own loading is over: what the long tasks show is the upload's.
            page.wait_for_load_state("networkidle")
            page.locator("input[name=visibility][value=public]").check()
            page.locator("[data-input]").set_input_files(file.path)
            return self._outcome(page, file, network)
        finally:
            page.close()

    def _outcome(self, page: Page, file: LocalFile, network: Network | None) -> BrowserRun:
        rate = network.up_bytes_per_second if network else 20 * MiB  # slow enough for any box
        timeout_ms = int(60_000 + 3000 * file.size / rate)
        outcome = page.evaluate(WAIT, timeout_ms)
        bench = page.evaluate(
            "() => { const { finished, finish, ...rest } = window.__bench; return rest; }"
        )
        if outcome != "done":
            reason = bench["failed"] or f"no Done after {timeout_ms / 1000:.0f} s"
            raise UploadFailed(f"browser upload of {label(file.size)}: {reason}")
        if not bench["observing"]:
            raise RuntimeError("this Chromium reports no long tasks (PerformanceObserver)")
        page.locator("[data-queue] > li[data-state=done]").wait_for(state="attached")
        picked, done = bench["picked"], bench["done"]
        uploading, verifying = bench["states"]["uploading"], bench["states"]["verifying"]
        tasks = [duration for start, duration in bench["longTasks"] if picked <= start <= done]
        return BrowserRun(
            round=0,
            path="browser",
            size=file.size,
            seconds=(done - picked) / 1000,
            ticket_seconds=(uploading - picked) / 1000,
            complete_seconds=(done - verifying) / 1000,
            network=network.name if network else "",
            long_task_ms=sum(tasks),
            longest_task_ms=max(tasks, default=0.0),
            long_tasks=len(tasks),
            key=bench["key"],
        )


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
) -> Iterator[BrowserUploader]:
    """A logged-in context that has uploaded `warm` once: first-visit costs are not counted."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_init_script(RECORDER)
    try:
        uploader = BrowserUploader(context, base_url)
        uploader.log_in(username, password)
        check_and_delete(uploader.upload(warm).key, warm.size)
        yield uploader
    finally:
        context.close()


def in_thread(function: Callable[..., T], /, **kwargs: Any) -> T:
    """`function(**kwargs)` in a thread of its own (see the module's docstring).

    Interrupted (Ctrl-C, SIGTERM), the caller does not wait for the thread: it goes on to stop
    the servers and links, which ends the thread's work soon after.
    """
    pool = ThreadPoolExecutor(1, thread_name_prefix="bench-browser")
    try:
        return pool.submit(function, **kwargs).result()
    finally:
        pool.shutdown(wait=False)


def measure(
    *,
    stack: Stack,
    raw: Callable[[LocalFile], str],
    check_and_delete: Callable[[str, int], None],
    measuring: Callable[[], AbstractContextManager[None]],
    files: dict[int, LocalFile],
    repeat: int,
    username: str,
    password: str,
    log: Log,
) -> list[BrowserRun]:
    """Browser and raw uploads of `files` over loopback, interleaved, in a thread of its own."""
    return in_thread(
        _measure,
        base_url=stack.base_url,
        raw=raw,
        check_and_delete=check_and_delete,
        measuring=measuring,
        files=files,
        repeat=repeat,
        username=username,
        password=password,
        log=log,
    )


def _measure(
    *,
    base_url: str,
    raw: Callable[[LocalFile], str],
    check_and_delete: Callable[[str, int], None],
    measuring: Callable[[], AbstractContextManager[None]],
    files: dict[int, LocalFile],
    repeat: int,
    username: str,
    password: str,
    log: Log,
) -> list[BrowserRun]:
    runs: list[BrowserRun] = []
    warm = tiny_file(files[min(files)])
    with (
        chromium() as browser,
        logged_in(browser, base_url, username, password, warm, check_and_delete) as uploader,
    ):

        def browser_path(file: LocalFile) -> BrowserRun:
            with measuring():
                run = uploader.upload(file)
            check_and_delete(run.key, file.size)
            return run

        def raw_path(file: LocalFile) -> BrowserRun:
            with measuring():
                started = time.perf_counter()
                key = raw(file)
                seconds = time.perf_counter() - started
            check_and_delete(key, file.size)
            return BrowserRun(round=0, path="raw", size=file.size, seconds=seconds)

        sizes = sorted(files)
        for round_ in range(repeat):
            for index, size in enumerate(sizes):
                first_raw = (round_ + index) % 2 == 0  # each path goes first in turn
                order = [raw_path, browser_path] if first_raw else [browser_path, raw_path]
                for send in order:
                    run = send(files[size])
                    run.round = round_
                    runs.append(run)
                    log(line(run, repeat))
    return runs


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
        if run.path == "browser"
        else ""
    )
    where = f" @ {network.name}" if network else ""
    return (
        f"  {run.round + 1}/{rounds} {label(run.size):>7} {run.path:<7}{where} "
        f"{run.seconds:7.3f} s {speed}{tasks}"
    )
