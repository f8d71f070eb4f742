"""Dropping several files at once: each is judged and sent on its own."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Route, expect

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings
from tests.e2e.helpers import (
    MB,
    App,
    RequestLog,
    choose_visibility,
    drop_through_chromium,
    expect_done,
    hold_first_request,
    listed_file,
    pdf_bytes,
    png_bytes,
    queue_row,
    sparse_file,
    tickets_asked,
    write_file,
)


def test_dropping_three_files_uploads_the_two_allowed_and_refuses_the_oversize_one_locally(
    alice_page: Page, app: App, settings: Any, tmp_path: Path, screenshots: Path
) -> None:
    page = alice_page
    change_app_settings(settings, MAX_SIZE=5 * MB)
    page.reload()  # the page reads the limit when it is rendered
    expect(page.locator("[data-dropzone] .hint")).to_contain_text("Up to 5.0 MB each")
    png = write_file(tmp_path / "sunset.png", png_bytes(width=48, height=32))
    pdf = write_file(tmp_path / "report.pdf", pdf_bytes())
    too_big = sparse_file(tmp_path / "holiday-video.mp4", 5 * MB + 1)
    requests = RequestLog(page)
    # The visibility applies to the files added next: the image goes in public, then the PDF
    # and the oversize video private, each by a real drop.
    choose_visibility(page, "public")
    page.locator("[data-dropzone]").drop({"files": [png]})
    choose_visibility(page, "private")

    page.locator("[data-dropzone]").drop({"files": [pdf, too_big]})

    refused = queue_row(page, "holiday-video.mp4")
    expect(refused).to_have_attribute("data-state", "failed")
    expect(refused.locator("[data-error]")).to_be_visible()
    expect(refused.locator("[data-error]")).to_have_text(
        "This file is too big (5,242,881 bytes); the limit is 5,242,880 bytes (5.0 MB)."
    )
    expect(refused.locator("[data-retry]")).to_be_hidden()  # retrying cannot help
    for name, visibility in (("sunset.png", "Public"), ("report.pdf", "Private")):
        row = queue_row(page, name)
        expect_done(row)
        expect(row.locator("[data-visibility]")).to_have_text(visibility)
        expect(listed_file(page, name)).to_be_visible()
    expect(page.locator("#upload-list li.file")).to_have_count(2)
    expect(listed_file(page, "sunset.png").locator("img.thumb")).to_be_visible()
    expect(listed_file(page, "report.pdf").locator("[data-lock]")).to_be_visible()

    # Exactly two files left the browser: two tickets asked for, two POSTs to S3.
    assert sorted(ticket["filename"] for ticket in tickets_asked(requests, app)) == [
        "report.pdf",
        "sunset.png",
    ]
    s3_posts = requests.posts_to(app.s3_endpoint)
    assert len(s3_posts) == 2, [r.url for r in s3_posts]
    stored = {u.original_name: u for u in Upload.objects.all()}
    assert set(stored) == {"sunset.png", "report.pdf"}
    assert {u.status for u in stored.values()} == {Upload.Status.COMPLETE}
    assert stored["sunset.png"].key.startswith("media/")
    assert stored["report.pdf"].key.startswith("private/")
    assert app.object_bytes(stored["sunset.png"].key) == png.read_bytes()
    assert app.object_bytes(stored["report.pdf"].key) == pdf.read_bytes()

    page.screenshot(path=screenshots / "drop-three-files.png", full_page=True)


def test_a_lost_connection_to_storage_can_be_retried(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    image = write_file(tmp_path / "retry-me.png", png_bytes())
    dropped: list[str] = []

    def drop_the_first_post(route: Route) -> None:
        if route.request.method == "POST" and not dropped:
            dropped.append(route.request.url)
            route.abort("connectionfailed")
        else:
            route.continue_()

    page.route(lambda url: url.startswith(app.s3_endpoint), drop_the_first_post)
    page.locator("[data-input]").set_input_files(image)

    row = queue_row(page, "retry-me.png")
    expect(row).to_have_attribute("data-state", "failed")
    expect(row.locator("[data-error]")).to_have_text(
        "The connection to storage was lost. Check your network, then retry."
    )
    retry = row.get_by_role("button", name="Retry")
    expect(retry).to_be_visible()
    retry.click()

    expect_done(row)
    expect(listed_file(page, "retry-me.png")).to_be_visible()
    assert len(dropped) == 1
    complete = Upload.objects.get(status=Upload.Status.COMPLETE)
    assert complete.original_name == "retry-me.png"
    assert app.object_bytes(complete.key) == image.read_bytes()


def test_an_expired_upload_ticket_is_renewed_without_bothering_the_user(
    alice_page: Page, app: App, settings: Any, tmp_path: Path
) -> None:
    page = alice_page
    change_app_settings(settings, TICKET_EXPIRES=1)
    image = write_file(tmp_path / "late.png", png_bytes())
    requests = RequestLog(page)
    # The ticket expires while the browser waits.
    hold_first_request(page, "POST", lambda url: url.startswith(app.s3_endpoint), 2500)
    page.evaluate(
        """() => {
          const states = (window.states = []);
          document.body.addEventListener("direct_to_s3:state", (e) => states.push(e.detail.state));
        }"""
    )

    page.locator("[data-input]").set_input_files(image)

    expect_done(queue_row(page, "late.png"))
    # The first expired on S3; a fresh one went through.
    assert len(tickets_asked(requests, app)) == 2
    assert "failed" not in page.evaluate("window.states")
    assert Upload.objects.filter(status=Upload.Status.COMPLETE).count() == 1


PASTE = """([name, type, base64]) => {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  if (name) data.items.add(new File([bytes], name, { type }));
  else data.setData("text/plain", "just some text");
  document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
}"""


def test_a_pasted_screenshot_is_uploaded(alice_page: Page, app: App) -> None:
    page = alice_page
    choose_visibility(page, "public")

    page.evaluate(PASTE, ["image.png", "image/png", base64.b64encode(png_bytes()).decode()])

    expect_done(queue_row(page, "image.png"))
    expect(listed_file(page, "image.png")).to_be_visible()
    upload = Upload.objects.get(original_name="image.png")
    assert upload.visibility == "public"
    assert app.object_exists(upload.key)


def test_pasting_text_uploads_nothing(alice_page: Page, app: App) -> None:
    page = alice_page
    requests = RequestLog(page)

    page.evaluate(PASTE, ["", "", ""])

    page.wait_for_timeout(300)  # give a (wrong) upload the chance to start
    expect(page.locator("[data-queue] li")).to_have_count(0)
    assert requests.posts_to(f"{app.url}/api/uploads") == []


def test_a_dropped_folder_uploads_every_file_inside_it(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    folder = tmp_path / "holiday"
    (folder / "day-2").mkdir(parents=True)
    write_file(folder / "beach.png", png_bytes())
    write_file(folder / "day-2" / "tickets.pdf", pdf_bytes())

    drop_through_chromium(page, "[data-dropzone]", [folder])

    expect_done(queue_row(page, "beach.png"))
    expect_done(queue_row(page, "tickets.pdf"))
    expect(page.locator("[data-queue] li")).to_have_count(2)
    assert Upload.objects.filter(status=Upload.Status.COMPLETE).count() == 2
