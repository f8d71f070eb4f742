"""Many small files, for `devtools.bench`: files per second through the page, the CLI and raw S3.

A folder of N files of one size goes up three ways, one after the other in each round and each
first in turn: raw boto3 `put_object` from RAW_THREADS threads (no app at all, the ceiling), the
CLI (`UploadClient.upload_many`: batches) and the upload page in headless Chromium, all N files
picked at once through its file input (`set_input_files`), timed inside the page from the
input's change event to the Nth `direct_to_s3:upload-complete`.

Playwright's sync API runs in a thread of its own (`threaded`, see benchbrowser.py).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import BrowserContext

from devtools.benchbrowser import chromium, threaded
from devtools.benchreport import FolderRun, label
from devtools.cpuuse import Measuring
from devtools.stack import BUCKET, Stack
from upload_client.client import LocalFile, UploadClient, UploadFailed

RAW_THREADS = 6
PATHS = ("raw", "cli", "page")
CONTENT_TYPE = "video/mp4"
# Counts completed uploads in the page; resolves when all are done or one failed.
FOLDER_RECORDER = """count => {
  const bench = (window.__folder = { picked: null, done: null, completed: 0, failed: null });
  bench.finished = new Promise((resolve) => { bench.finish = resolve; });
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-input]")) bench.picked = performance.now();
  }, true);
  document.addEventListener("direct_to_s3:upload-complete", () => {
    bench.completed += 1;
    if (bench.completed === count) {
      bench.done = performance.now();
      bench.finish("done");
    }
  });
  document.addEventListener("direct_to_s3:state", (event) => {
    if (event.detail.state !== "failed" || bench.failed) return;
    const error = document.querySelector("[data-queue] > li[data-state=failed] [data-error]");
    bench.failed = (error && error.textContent.trim()) || "failed";
    bench.finish("failed");
  });
}"""
WAIT = """ms => Promise.race([
  window.__folder.finished,
  new Promise((resolve) => setTimeout(() => resolve("timeout"), ms)),
])"""
Log = Callable[[str], None]


def make_folder(directory: Path, count: int, size: int, make: Callable[..., LocalFile]) -> Path:
    folder = directory / f"folder-{count}x{label(size).replace(' ', '')}"
    folder.mkdir()
    for number in range(count):
        make(folder, size, f"clip-{number:05d}.mp4")
    return folder


@threaded
def measure(
    *,
    stack: Stack,
    folders: dict[tuple[int, int], Path],
    repeat: int,
    measuring: Measuring,
    username: str,
    password: str,
    log: Log,
) -> list[FolderRun]:
    s3 = stack.s3_client(payload_signing_enabled=False)
    client = UploadClient(stack.base_url)
    client.login(username, password)
    runs: list[FolderRun] = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page_login(context, stack.base_url, username, password)

        def raw(paths: list[Path]) -> None:
            prefix = f"media/bench-folder/{uuid.uuid4()}"

            def put(path: Path) -> None:
                with open(path, "rb") as handle:
                    s3.put_object(
                        Bucket=BUCKET,
                        Key=f"{prefix}/{path.name}",
                        Body=handle,
                        ContentType=CONTENT_TYPE,
                    )

            with ThreadPoolExecutor(RAW_THREADS) as pool:
                list(pool.map(put, paths))

        def cli(paths: list[Path]) -> None:
            outcomes = client.upload_many(paths, visibility="public", resume=False)
            failed = [o for o in outcomes if isinstance(o, UploadFailed)]
            if failed:
                raise UploadFailed(f"CLI: {len(failed)} of {len(paths)} failed: {failed[0]}")

        def page(paths: list[Path]) -> float:
            return page_upload(context, stack.base_url, paths)

        for round_ in range(repeat):
            for index, ((count, size), folder) in enumerate(sorted(folders.items())):
                paths = sorted(folder.iterdir())
                shift = (round_ + index) % len(PATHS)
                for path in PATHS[shift:] + PATHS[:shift]:
                    with measuring():
                        started = time.perf_counter()
                        inner = {"raw": raw, "cli": cli, "page": page}[path](paths)
                        seconds = time.perf_counter() - started
                    if path == "page" and inner:
                        seconds = inner  # the page's own clock, from the pick
                    run = FolderRun(round_, path, count, size, seconds)
                    runs.append(run)
                    log(
                        f"  {round_ + 1}/{repeat} {count} x {label(size):>7} {path:<4} "
                        f"{seconds:7.2f} s {count / seconds:7.1f} files/s"
                    )
        context.close()
    return runs


def page_login(context: BrowserContext, base_url: str, username: str, password: str) -> None:
    page = context.new_page()
    page.goto(f"{base_url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")
    page.close()


def page_upload(context: BrowserContext, base_url: str, paths: list[Path]) -> float:
    """Pick all `paths` at once on a fresh upload page; seconds from the pick to the last Done."""
    page = context.new_page()
    try:
        page.goto(f"{base_url}/")
        page.locator("[data-uploader][data-ready]").wait_for(state="attached")
        page.wait_for_load_state("networkidle")
        page.locator("input[name=visibility][value=public]").check()
        page.evaluate(FOLDER_RECORDER, len(paths))
        page.locator("[data-input]").set_input_files(paths)
        outcome = page.evaluate(WAIT, 60_000 + 200 * len(paths))
        bench = page.evaluate(
            "() => { const { finished, finish, ...rest } = window.__folder; return rest; }"
        )
        if outcome != "done":
            reason = bench["failed"] or f"{bench['completed']} of {len(paths)} done in time"
            raise UploadFailed(f"page: {reason}")
        return float((bench["done"] - bench["picked"]) / 1000)
    finally:
        page.close()
