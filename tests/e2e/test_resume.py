"""A 1 GiB file as parallel multipart parts, and resuming it after the page is reloaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Request, Route, expect

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings
from tests.e2e.helpers import MB, App, expect_done, queue_row, sparse_file, wait_for_progress
from tests.e2e.test_progress import RECORD_PROGRESS, throttle_uploads

PARTS = 128  # 1 GiB in 8 MiB parts


class InFlight:
    """How many part PUTs to S3 are on their way at once, at most."""

    def __init__(self, page: Page, s3_endpoint: str) -> None:
        self.s3_endpoint = s3_endpoint
        self.now = 0
        self.most = 0
        self.part_numbers: list[int] = []
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    def _is_part(self, request: Request) -> bool:
        return request.method == "PUT" and request.url.startswith(self.s3_endpoint)

    def _start(self, request: Request) -> None:
        if self._is_part(request):
            self.now += 1
            self.most = max(self.most, self.now)
            self.part_numbers.append(int(request.url.split("partNumber=")[1].split("&")[0]))

    def _end(self, request: Request) -> None:
        if self._is_part(request):
            self.now -= 1


def settled_parts(page: Page, app: App, upload: Upload) -> set[int]:
    """The parts S3 holds once the writes cut off by the reload have landed or died."""
    previous: set[int] | None = None
    while True:
        listing = app.s3.list_parts(
            Bucket=app.bucket, Key=upload.key, UploadId=upload.multipart_upload_id
        )
        numbers = {part["PartNumber"] for part in listing.get("Parts", [])}
        if numbers == previous:
            return numbers
        previous = numbers
        page.wait_for_timeout(1000)


def test_1_gib_file_goes_up_in_parallel_parts_and_resumes_after_a_reload(
    alice_page: Page, app: App, settings: Any, tmp_path: Path
) -> None:
    page = alice_page
    change_app_settings(settings, MAX_SIZE=2048 * MB)
    page.reload()
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" while uploading
    big = sparse_file(tmp_path / "recording.zip", 1024 * MB, head=b"PK\x03\x04")
    throttle_uploads(page, 100 * MB)
    before = InFlight(page, app.s3_endpoint)
    page.evaluate(RECORD_PROGRESS)

    page.locator("[data-input]").set_input_files(big)
    row = queue_row(page, "recording.zip")
    wait_for_progress(page, row, 30, timeout=90_000)
    first_progress: list[float] = page.evaluate("window.progressSamples")
    page.reload()
    upload = Upload.objects.get(original_name="recording.zip")
    stored_numbers = settled_parts(page, app, upload)

    assert before.most >= 2, "parts were not sent in parallel"
    assert first_progress == sorted(first_progress)
    assert 0 < len(stored_numbers) < upload.part_count == PARTS

    throttle_uploads(page, -1)
    after = InFlight(page, app.s3_endpoint)
    page.evaluate(RECORD_PROGRESS)
    page.locator("[data-input]").set_input_files(big)  # the same file, picked again
    row = queue_row(page, "recording.zip")
    expect(row).to_have_attribute("data-state", "paused")
    expect(row.locator("[data-note]")).to_contain_text(
        f"{len(stored_numbers)} of {PARTS} parts) is already in storage"
    )
    row.get_by_role("button", name="Resume").click()

    expect_done(row, timeout=180_000)
    resumed_progress: list[float] = page.evaluate("window.progressSamples")
    assert resumed_progress == sorted(resumed_progress)
    assert resumed_progress[-1] == 100
    assert stored_numbers.isdisjoint(after.part_numbers), "stored parts were sent again"
    assert sorted(stored_numbers | set(after.part_numbers)) == list(range(1, PARTS + 1))
    assert Upload.objects.filter(original_name="recording.zip").count() == 1
    upload.refresh_from_db()
    assert upload.status == Upload.Status.COMPLETE
    assert app.s3.head_object(Bucket=app.bucket, Key=upload.key)["ContentLength"] == 1024 * MB
    app.s3.delete_object(Bucket=app.bucket, Key=upload.key)


def test_starting_over_discards_the_unfinished_upload(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    page.on("dialog", lambda dialog: dialog.accept())
    big = sparse_file(tmp_path / "tape.zip", 80 * MB, head=b"PK\x03\x04")
    throttle_uploads(page, 20 * MB)
    page.locator("[data-input]").set_input_files(big)
    row = queue_row(page, "tape.zip")
    wait_for_progress(page, row, 20, timeout=30_000)
    page.reload()
    throttle_uploads(page, -1)
    abandoned = Upload.objects.get(original_name="tape.zip")

    page.locator("[data-input]").set_input_files(big)
    row = queue_row(page, "tape.zip")
    row.get_by_role("button", name="Start over").click()

    expect_done(row, timeout=60_000)
    abandoned.refresh_from_db()
    assert abandoned.status == Upload.Status.CANCELLED
    fresh = Upload.objects.get(original_name="tape.zip", status=Upload.Status.COMPLETE)
    assert fresh.id != abandoned.id


def test_retrying_a_failed_multipart_upload_sends_only_the_parts_storage_lacks(
    alice_page: Page, app: App, settings: Any, tmp_path: Path
) -> None:
    page = alice_page
    change_app_settings(settings, MULTIPART_THRESHOLD=10 * MB)
    page.reload()
    big = sparse_file(tmp_path / "clip.zip", 20 * MB, head=b"PK\x03\x04")  # parts of 8, 8, 4 MiB
    after_retry = InFlight(page, app.s3_endpoint)
    cut_off: list[str] = []

    def lose_part_two(route: Route) -> None:
        if route.request.method == "PUT" and len(cut_off) < 4:  # every attempt at the part
            cut_off.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(lambda url: "partNumber=2&" in url, lose_part_two)
    page.locator("[data-input]").set_input_files(big)
    row = queue_row(page, "clip.zip")
    expect(row).to_have_attribute("data-state", "failed", timeout=60_000)
    expect(row.locator("[data-error]")).to_contain_text("connection to storage was lost")
    sent_before = list(after_retry.part_numbers)
    after_retry.part_numbers.clear()

    row.get_by_role("button", name="Retry").click()

    expect_done(row, timeout=60_000)
    assert len(cut_off) == 4
    assert sorted(set(sent_before)) == [1, 2, 3]
    assert after_retry.part_numbers == [2], "parts already in storage were sent again"
    upload = Upload.objects.get(original_name="clip.zip")
    assert upload.status == Upload.Status.COMPLETE
    assert app.s3.head_object(Bucket=app.bucket, Key=upload.key)["ContentLength"] == 20 * MB
