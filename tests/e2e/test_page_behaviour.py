"""Leaving mid-upload asks first; the page works with the browser cache disabled; it tells
screen readers and scripts (events on the uploader element) what happens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Dialog, Page, expect

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings
from tests.e2e.helpers import (
    MB,
    App,
    choose_visibility,
    expect_done,
    png_bytes,
    queue_row,
    sparse_file,
    write_file,
)
from tests.e2e.test_progress import throttle_uploads


def test_leaving_the_page_while_uploading_asks_first(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    dialogs: list[str] = []

    def stay(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.on("dialog", stay)
    choose_visibility(page, "private")  # a real click: browsers only ask pages used by a person
    throttle_uploads(page, 2 * MB)
    page.locator("[data-input]").set_input_files(
        sparse_file(tmp_path / "long.zip", 30 * MB, head=b"PK\x03\x04")
    )
    row = queue_row(page, "long.zip")
    expect(row).to_have_attribute("data-state", "uploading")

    page.evaluate("() => { location.href = '/accounts/login/'; }")
    page.wait_for_timeout(1000)

    assert dialogs == ["beforeunload"]
    assert page.url == f"{app.url}/"
    expect(row).to_have_attribute("data-state", "uploading")  # still going
    row.get_by_role("button", name="Cancel").click()
    expect(row).to_have_attribute("data-state", "cancelled")


def test_nothing_is_asked_when_no_upload_is_running(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    choose_visibility(page, "public")
    page.locator("[data-input]").set_input_files(write_file(tmp_path / "dot.png", png_bytes()))
    expect_done(queue_row(page, "dot.png"))

    page.evaluate("() => { location.href = '/accounts/login/'; }")

    expect(page).to_have_url(f"{app.url}/accounts/login/")
    assert dialogs == []


def test_uploads_work_with_the_browser_cache_disabled(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.reload()
    page.locator("[data-uploader][data-ready]").wait_for(state="attached")

    page.locator("[data-input]").set_input_files(write_file(tmp_path / "dot.png", png_bytes()))

    expect_done(queue_row(page, "dot.png"))
    assert errors == []


def test_status_changes_are_announced_to_screen_readers(
    alice_page: Page, app: App, settings: Any, tmp_path: Path
) -> None:
    page = alice_page
    change_app_settings(settings, MAX_SIZE=1 * MB)
    page.reload()
    announcer = page.locator("[aria-live=polite][data-announcer]")

    page.locator("[data-input]").set_input_files(write_file(tmp_path / "ok.png", png_bytes()))
    expect_done(queue_row(page, "ok.png"))
    expect(announcer).to_have_text("ok.png uploaded")

    page.locator("[data-input]").set_input_files(
        sparse_file(tmp_path / "big.zip", 2 * MB, head=b"PK\x03\x04")
    )
    expect(announcer).to_contain_text("big.zip failed: This file is too big")


def test_the_uploader_element_dispatches_events_other_scripts_can_follow(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    page.evaluate(
        """() => {
          const uploader = document.querySelector("[data-uploader]");
          const seen = (window.seen = { states: [], completed: [] });
          uploader.addEventListener("direct_to_s3:state", (e) => seen.states.push(e.detail));
          uploader.addEventListener("direct_to_s3:upload-complete", (e) =>
            seen.completed.push(e.detail.upload),
          );
        }"""
    )

    page.locator("[data-input]").set_input_files(write_file(tmp_path / "event.png", png_bytes()))

    expect_done(queue_row(page, "event.png"))
    seen = page.evaluate("window.seen")
    upload = Upload.objects.get(original_name="event.png")
    assert [s["state"] for s in seen["states"]] == ["starting", "uploading", "verifying", "done"]
    assert {s["name"] for s in seen["states"]} == {"event.png"}
    [completed] = seen["completed"]
    assert completed["id"] == str(upload.id)
    assert completed["status"] == "complete"
    assert completed["links"]["file"] == f"/files/{upload.id}"
