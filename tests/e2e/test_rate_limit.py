"""Abuse limits never fail a file: the page waits out each 429 and carries on by itself."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Response, Route, expect

from direct_to_s3 import conf, limits
from direct_to_s3.errors import RateLimited
from direct_to_s3.models import Upload
from tests.conftest import change_app_settings
from tests.e2e.helpers import (
    MB,
    App,
    drop_through_chromium,
    expect_done,
    png_bytes,
    queue_row,
    sparse_file,
    write_file,
)

pytestmark = pytest.mark.usefixtures("fresh_rate_buckets")
FOLDER_SIZE = 300
RECORD_WAITS = """() => {
  const seen = (window.seen = { states: new Set(), waits: [], notes: [] });
  const announcer = document.querySelector("[data-announcer]");
  document.body.addEventListener("direct_to_s3:state", (e) => seen.states.add(e.detail.state));
  document.body.addEventListener("direct_to_s3:rate-limited", (e) =>
    seen.waits.push([e.detail.seconds, announcer.textContent]),
  );
  new MutationObserver((changes) => {
    for (const change of changes) {
      const row = change.target.closest("li");
      if (row && row.dataset.waiting) {
        seen.notes.push([row.querySelector("[data-state-label]").textContent,
                         row.querySelector("[data-note]").textContent]);
      }
    }
  }).observe(document.querySelector("[data-queue]"), {
    subtree: true, attributeFilter: ["data-waiting"],
  });
}"""


def statuses_of(page: Page, method: str, url_matches: Callable[[str], bool]) -> list[int]:
    """The status of every answer the page gets to `method` on a matching URL, as they come."""
    answers: list[int] = []

    def record(response: Response) -> None:
        if response.request.method == method and url_matches(response.url):
            answers.append(response.status)

    page.on("response", record)
    return answers


def spend_the_burst_first(settings: Any, user_id: int) -> Any:
    """A route handler for new uploads: until the limit has answered 429 once, another client
    of the same person spends every token just before the page's request reaches the app."""
    refused: list[int] = []

    def spend(route: Route) -> None:
        if refused or route.request.method != "POST":
            route.continue_()
            return
        while True:
            try:
                limits.check_rate(
                    scope="create",
                    user_id=user_id,
                    per_minute=conf.app_settings().create_rate_per_minute,
                )
            except RateLimited:
                break
        response = route.fetch()
        if response.status == 429:
            refused.append(response.status)
        route.fulfill(response=response)

    return spend


def test_a_dropped_folder_of_300_files_all_go_up_in_batches_through_the_create_limit(
    alice_page: Page, app: App, settings: Any, user: Any, tmp_path: Path
) -> None:
    page = alice_page
    # 20 new uploads a second, 50 at once: batches of 50, each waiting for a full bucket.
    change_app_settings(settings, CREATE_BURST=50, CREATE_RATE_PER_MINUTE=1200)
    page.reload()  # the page takes its batch limit from the settings
    batch_url = f"{app.url}/api/uploads/batch"
    # Another client of alice's (a CLI run, another tab) spends the whole burst the moment the
    # folder's first tickets are asked for: the limit answers 429, however slow this machine.
    page.route(batch_url, spend_the_burst_first(settings, user.pk))
    folder = tmp_path / "scans"
    folder.mkdir()
    for number in range(FOLDER_SIZE):
        write_file(folder / f"scan-{number:03d}.png", png_bytes(rgb=(number % 256, 40, 90)))
    batches = statuses_of(page, "POST", lambda url: url == batch_url)
    singles = statuses_of(page, "POST", lambda url: url == f"{app.url}/api/uploads")
    page.evaluate(RECORD_WAITS)

    drop_through_chromium(page, "[data-dropzone]", [folder])

    expect(page.locator("[data-queue] > li")).to_have_count(FOLDER_SIZE)
    expect(page.locator("[data-queue] > li[data-state=done]")).to_have_count(
        FOLDER_SIZE, timeout=90_000
    )
    expect(page.locator("[data-summary]")).to_have_text(f"{FOLDER_SIZE} of {FOLDER_SIZE} done")
    assert batches.count(429) >= 1, "the limit never answered: the test proves no waiting"
    assert set(batches) == {200, 429}
    assert FOLDER_SIZE / 50 <= batches.count(200) < FOLDER_SIZE / 2
    assert singles == []
    seen = page.evaluate("({states: [...seen.states], waits: seen.waits, notes: seen.notes})")
    assert "failed" not in seen["states"]
    assert seen["waits"], "no wait was announced"
    for seconds, announced in seen["waits"]:
        assert announced == (
            f"Too many requests at once: waiting {seconds} s (rate limit), then continuing."
        )
    assert seen["notes"], "no row showed its wait"
    for label, note in seen["notes"]:
        assert label == "Waiting"
        assert re.fullmatch(r"Waiting \d+ s \(rate limit\), then continuing\.", note)
    assert Upload.objects.filter(status=Upload.Status.COMPLETE).count() == FOLDER_SIZE


def test_rate_limited_part_signing_is_waited_out(
    alice_page: Page, app: App, settings: Any, user: Any, tmp_path: Path, screenshots: Path
) -> None:
    page = alice_page
    change_app_settings(settings, SIGN_RATE_PER_MINUTE=20)  # a token every 3 s
    change_app_settings(settings, SIGN_BURST=1, MULTIPART_THRESHOLD=1 * MB)
    big = sparse_file(tmp_path / "archive.zip", 10 * MB, head=b"PK\x03\x04")  # 2 parts
    signs = statuses_of(page, "POST", lambda url: url.endswith("/parts"))
    # Signing in another tab took the only token just now.
    limits.check_rate(scope="sign", user_id=user.pk, per_minute=20)

    page.locator("[data-input]").set_input_files(big)

    row = queue_row(page, "archive.zip")
    expect(row.locator("[data-state-label]")).to_have_text("Waiting")
    expect(row.locator("[data-note]")).to_have_text(
        re.compile(r"Waiting [1-3] s \(rate limit\), then continuing\.")
    )
    page.screenshot(path=screenshots / "rate-limit-wait.png", full_page=True)
    expect_done(row, timeout=60_000)
    expect(row.locator("[data-note]")).to_be_hidden()
    assert signs == [429, 200]
    assert Upload.objects.get().status == Upload.Status.COMPLETE


def test_a_rate_limited_complete_is_waited_out(alice_page: Page, app: App, tmp_path: Path) -> None:
    page = alice_page
    image = write_file(tmp_path / "receipt.png", png_bytes())
    completes = statuses_of(page, "POST", lambda url: url.endswith("/complete"))

    def first_complete_is_refused(route: Route) -> None:
        if completes:
            route.continue_()
            return
        route.fulfill(
            status=429,
            headers={"Retry-After": "1", "Content-Type": "application/json"},
            body=json.dumps({"error": "Too many requests. Please wait 1 seconds, then try again."}),
        )

    page.route(re.compile(r"/api/uploads/[^/]+/complete$"), first_complete_is_refused)

    page.locator("[data-input]").set_input_files(image)

    expect_done(queue_row(page, "receipt.png"))
    assert completes == [429, 200]
    assert Upload.objects.get().status == Upload.Status.COMPLETE
