"""Big files: progress that only moves forward, and cancelling half-way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Route, expect

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings
from tests.e2e.helpers import (
    MB,
    App,
    RequestLog,
    expect_done,
    hold_first_request,
    listed_file,
    png_bytes,
    queue_row,
    sparse_file,
    wait_for_answer,
    wait_for_progress,
    write_file,
)

# Records every value the progress bar and the percent label take, as the page sets them.
RECORD_PROGRESS = """() => {
  window.progressSamples = [];
  window.percentSamples = [];
  window.speedSamples = [];
  window.stateSamples = [];
  document.body.addEventListener("direct_to_s3:state", (event) => {
    window.stateSamples.push(event.detail.state);
  });
  const queue = document.querySelector("[data-queue]");
  const observer = new MutationObserver(() => {
    const row = queue.querySelector("li");
    if (!row) return;
    const value = Number(row.querySelector("[data-progress]").value);
    const last = window.progressSamples[window.progressSamples.length - 1];
    if (value !== last) window.progressSamples.push(value);
    const percent = row.querySelector("[data-percent]").textContent;
    if (percent !== window.percentSamples[window.percentSamples.length - 1]) {
      window.percentSamples.push(percent);
    }
    const speed = row.querySelector("[data-speed]").textContent;
    if (speed) window.speedSamples.push(speed);
  });
  observer.observe(queue, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def throttle_uploads(page: Page, bytes_per_second: int) -> None:
    """Chromium's own network emulation: the request body leaves at this rate."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def test_cancelling_a_30_mb_form_upload_midway_stops_it_and_marks_it_cancelled(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    # Below UPLOAD_MULTIPART_THRESHOLD (32 MiB): one form POST.
    big = sparse_file(tmp_path / "lecture.mp4", 30 * MB, head=b"\x00\x00\x00\x18ftypmp42")
    throttle_uploads(page, 3 * MB)  # ~10 s for the whole file: plenty of time to cancel
    requests = RequestLog(page)

    page.locator("[data-input]").set_input_files(big)
    row = queue_row(page, "lecture.mp4")
    expect(row).to_have_attribute("data-state", "uploading")
    wait_for_progress(page, row, 10, timeout=15_000)
    row.get_by_role("button", name="Cancel").click()

    expect(row).to_have_attribute("data-state", "cancelled")
    expect(row.locator("[data-state-label]")).to_have_text("Cancelled")
    expect(row.get_by_role("button", name="Cancel")).to_be_hidden()
    expect(row.get_by_role("button", name="Dismiss")).to_be_visible()
    stopped_at = row.locator("[data-progress]").evaluate("p => p.value")
    assert 10 <= stopped_at < 100
    wait_for_answer(page, "/cancel")  # the page told the app
    upload = Upload.objects.get(original_name="lecture.mp4")
    assert upload.status == Upload.Status.CANCELLED
    assert requests.posts_to(f"{app.url}/api/uploads/{upload.id}/cancel")
    assert not Upload.objects.filter(status=Upload.Status.COMPLETE).exists()
    # The browser really dropped the request to S3, and nothing was stored.
    s3_posts = requests.posts_to(app.s3_endpoint)
    assert len(s3_posts) == 1
    assert s3_posts[0] in requests.failed
    assert s3_posts[0].failure == "net::ERR_ABORTED"
    assert not app.object_exists(upload.key)
    assert requests.posts_to(f"{app.url}/api/uploads/{upload.id}/complete") == []
    page.wait_for_timeout(500)
    assert row.locator("[data-progress]").evaluate("p => p.value") == stopped_at
    expect(page.locator("#upload-list")).not_to_contain_text("lecture.mp4")


def test_200_mb_upload_shows_progress_that_never_goes_back_and_completes(
    alice_page: Page, app: App, settings: Any, tmp_path: Path
) -> None:
    page = alice_page
    change_app_settings(settings, MAX_SIZE=300 * MB)
    page.reload()
    # A zip's signature, then zeros: the app checks the first bytes against the declared type.
    big = sparse_file(tmp_path / "dataset.zip", 200 * MB, head=b"PK\x03\x04")
    requests = RequestLog(page)
    page.evaluate(RECORD_PROGRESS)

    page.locator("[data-input]").set_input_files(big)  # disk-backed: no 200 MB over the wire
    row = queue_row(page, "dataset.zip")

    expect_done(row, timeout=90_000)
    expect(listed_file(page, "dataset.zip")).to_be_visible()
    progress: list[float] = page.evaluate("window.progressSamples")
    percents: list[str] = page.evaluate("window.percentSamples")
    assert progress[-1] == 100
    assert progress == sorted(progress), progress
    assert len([value for value in progress if 0 < value < 100]) >= 3, progress
    assert percents[-1] == "100 %"
    assert [int(p.split()[0]) for p in percents] == sorted(int(p.split()[0]) for p in percents)
    speeds = page.evaluate("window.speedSamples")
    assert speeds, "no speed was shown during the upload"
    speed_and_time_left = r"\d+(\.\d)? (bytes|KB|MB|GB)/s · (\d+ s|\d+ min \d+ s) left"
    assert all(re.fullmatch(speed_and_time_left, s) for s in speeds), speeds
    assert page.evaluate("window.stateSamples") == ["starting", "uploading", "verifying", "done"]
    upload = Upload.objects.get(original_name="dataset.zip")
    assert upload.status == Upload.Status.COMPLETE
    # Above UPLOAD_MULTIPART_THRESHOLD: sent as 25 parts of 8 MiB, each with its Content-MD5.
    parts = requests.puts_to(app.s3_endpoint)
    assert len(parts) == upload.part_count == 25
    assert all(len(r.headers.get("content-md5", "")) == 24 for r in parts)
    assert sorted(int(r.url.split("partNumber=")[1].split("&")[0]) for r in parts) == list(
        range(1, 26)
    )
    head = app.s3.head_object(Bucket=app.bucket, Key=upload.key)
    assert head["ContentLength"] == 200 * MB
    assert head["ETag"].strip('"').endswith("-25")  # S3 joined 25 parts
    app.s3.delete_object(Bucket=app.bucket, Key=upload.key)  # 200 MB less in the temp folder


def test_cancelling_a_multipart_upload_aborts_its_parts_on_s3(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    big = sparse_file(tmp_path / "archive.zip", 100 * MB, head=b"PK\x03\x04")
    throttle_uploads(page, 8 * MB)
    requests = RequestLog(page)

    page.locator("[data-input]").set_input_files(big)
    row = queue_row(page, "archive.zip")
    wait_for_progress(page, row, 10, timeout=15_000)
    row.get_by_role("button", name="Cancel").click()

    expect(row).to_have_attribute("data-state", "cancelled")
    wait_for_answer(page, "/cancel")
    upload = Upload.objects.get(original_name="archive.zip")
    assert upload.part_count == 13
    assert requests.posts_to(f"{app.url}/api/uploads/{upload.id}/cancel")
    assert upload.status == Upload.Status.CANCELLED
    puts = requests.puts_to(app.s3_endpoint)
    assert puts, "no part was sent before the cancel"
    assert len(puts) < 13
    assert any(r.failure == "net::ERR_ABORTED" for r in requests.failed)
    in_progress = app.s3.list_multipart_uploads(Bucket=app.bucket, Prefix=upload.key)
    assert in_progress.get("Uploads", []) == []  # the parts sent were thrown away
    assert not app.object_exists(upload.key)
    page.wait_for_timeout(1000)
    assert len(requests.puts_to(app.s3_endpoint)) == len(puts)  # and none after it


def test_a_part_whose_connection_drops_is_sent_again_without_bothering_the_user(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    big = sparse_file(tmp_path / "backup.zip", 70 * MB, head=b"PK\x03\x04")
    attempts: list[str] = []

    def drop_part_two_once(route: Route) -> None:
        if route.request.method == "PUT":
            attempts.append(route.request.url)
            if len(attempts) == 1:
                route.abort("connectionreset")
                return
        route.continue_()

    page.route(lambda url: "partNumber=2&" in url, drop_part_two_once)
    page.evaluate(RECORD_PROGRESS)

    page.locator("[data-input]").set_input_files(big)
    row = queue_row(page, "backup.zip")

    expect_done(row, timeout=60_000)
    assert len(attempts) == 2  # part 2: dropped once, then sent again
    progress = page.evaluate("window.progressSamples")
    assert progress == sorted(progress)
    # No failure was ever shown: the retry happened inside the upload.
    assert page.evaluate("window.stateSamples") == ["starting", "uploading", "verifying", "done"]
    upload = Upload.objects.get(original_name="backup.zip")
    assert upload.status == Upload.Status.COMPLETE
    assert upload.part_count == 9
    assert app.s3.head_object(Bucket=app.bucket, Key=upload.key)["ContentLength"] == 70 * MB


def test_a_part_whose_url_expired_is_signed_again_without_bothering_the_user(
    alice_page: Page, app: App, settings: Any, tmp_path: Path
) -> None:
    page = alice_page
    # Long enough for a freshly signed part to reach S3 on a loaded machine, short enough that
    # part 3's URL expires while the browser waits.
    change_app_settings(settings, TICKET_EXPIRES=10)
    big = sparse_file(tmp_path / "footage.zip", 70 * MB, head=b"PK\x03\x04")
    requests = RequestLog(page)
    hold_first_request(page, "PUT", lambda url: "partNumber=3&" in url, 12_000)
    page.evaluate(RECORD_PROGRESS)

    page.locator("[data-input]").set_input_files(big)

    expect_done(queue_row(page, "footage.zip"), timeout=90_000)
    part_three = [r for r in requests.puts_to(app.s3_endpoint) if "partNumber=3&" in r.url]
    statuses = [r.response().status for r in part_three]
    assert statuses[0] == 403  # expired
    assert statuses[-1] == 200  # then accepted
    assert len({r.url for r in part_three}) == len(part_three)  # each time freshly signed
    upload = Upload.objects.get(original_name="footage.zip")
    signings = requests.posts_to(f"{app.url}/api/uploads/{upload.id}/parts")
    assert {"part_numbers": [3]} in [r.post_data_json for r in signings]
    assert page.evaluate("window.stateSamples") == ["starting", "uploading", "verifying", "done"]
    assert upload.status == Upload.Status.COMPLETE
    assert app.s3.head_object(Bucket=app.bucket, Key=upload.key)["ContentLength"] == 70 * MB


def test_a_summary_line_follows_the_whole_batch(alice_page: Page, app: App, tmp_path: Path) -> None:
    page = alice_page
    big = sparse_file(tmp_path / "archive.zip", 70 * MB, head=b"PK\x03\x04")
    small = write_file(tmp_path / "pic.png", png_bytes())
    page.evaluate(
        """() => {
          const summary = document.querySelector("[data-summary]");
          window.summaries = [];
          new MutationObserver(() => window.summaries.push(summary.textContent))
            .observe(summary, {childList: true, characterData: true, subtree: true});
        }"""
    )

    page.locator("[data-input]").set_input_files([big, small])
    page.locator("[data-input]").set_input_files(
        sparse_file(tmp_path / "huge.zip", 20 * 1024 * MB, head=b"PK\x03\x04")
    )

    summary = page.locator("[data-summary]")
    expect(summary).to_have_text("2 of 2 done · 1 failed", timeout=60_000)
    seen = page.evaluate("window.summaries")
    running = (
        r"[012] of 2 done · \d+ % of 70\.0 MB · [\d.]+ (KB|MB|GB)/s · about .+ left( · 1 failed)?"
    )
    assert any(re.fullmatch(running, text) for text in seen), seen

    rows = page.locator("[data-queue] li")
    for left in (2, 1, 0):
        rows.first.get_by_role("button", name="Dismiss").click()
        expect(rows).to_have_count(left)
    expect(summary).to_be_hidden()
