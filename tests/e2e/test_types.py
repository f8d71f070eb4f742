"""What the page accepts follows the chosen visibility, by the server's rule and in its words."""

from __future__ import annotations

import base64

from playwright.sync_api import Page, expect

from direct_to_s3.models import Upload
from tests.e2e.helpers import (
    App,
    RequestLog,
    choose_visibility,
    expect_done,
    queue_row,
    tickets_asked,
)
from tests.e2e.test_drop import PASTE

HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200


def pick(page: Page, name: str, mime_type: str, content: bytes) -> None:
    """Adds one file whose `File.type` is `mime_type`, "" as a browser gives for a file of no
    recognisable type (pasted: Playwright's file chooser would make "" octet-stream)."""
    page.evaluate(PASTE, [name, mime_type, base64.b64encode(content).decode()])


def test_a_file_of_no_type_is_refused_as_public_before_any_request(
    alice_page: Page, app: App
) -> None:
    page = alice_page
    requests = RequestLog(page)
    choose_visibility(page, "public")

    pick(page, "backup.dat", "", b"\x00\x01\x02 some bytes")

    row = queue_row(page, "backup.dat")
    expect(row).to_have_attribute("data-state", "failed")
    expect(row.locator("[data-error]")).to_have_text(
        "This file's type could not be recognised. "
        "Files of unknown type can be uploaded as private files only."
    )
    assert tickets_asked(requests, app) == []


def test_a_file_the_browser_calls_octet_stream_is_refused_as_public_the_same_way(
    alice_page: Page, app: App
) -> None:
    page = alice_page
    choose_visibility(page, "public")

    pick(page, "backup.dat", "application/octet-stream", b"\x00\x01\x02 some bytes")

    expect(queue_row(page, "backup.dat").locator("[data-error]")).to_have_text(
        "This file's type could not be recognised. "
        "Files of unknown type can be uploaded as private files only."
    )


def test_a_file_of_no_type_goes_up_as_private(alice_page: Page, app: App) -> None:
    page = alice_page
    requests = RequestLog(page)
    choose_visibility(page, "private")

    pick(page, "backup.dat", "", b"\x00\x01\x02 some bytes")

    expect_done(queue_row(page, "backup.dat"))
    assert [t["content_type"] for t in tickets_asked(requests, app)] == ["application/octet-stream"]
    assert Upload.objects.get().content_type == "application/octet-stream"


def test_a_refused_public_type_is_named_with_what_is_allowed_in_words(
    alice_page: Page, app: App
) -> None:
    page = alice_page
    choose_visibility(page, "public")

    pick(page, "setup.exe", "application/x-msdownload", b"MZ\x90\x00")

    expect(queue_row(page, "setup.exe").locator("[data-error]")).to_have_text(
        "Files of type application/x-msdownload are not allowed as public files. Allowed: "
        "images, PDFs, Office documents, OpenDocument files, text files, audio, video and "
        "archives. It can be uploaded as a private file."
    )


def test_an_iphone_photo_goes_up_as_public(alice_page: Page, app: App) -> None:
    page = alice_page
    choose_visibility(page, "public")

    pick(page, "IMG_0001.HEIC", "image/heic", HEIC)

    expect_done(queue_row(page, "IMG_0001.HEIC"))
    assert Upload.objects.get().content_type == "image/heic"
