"""After the upload: thumbnails from S3, private links only for their owner, deleting."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import BrowserContext, Page, Response, expect

from direct_to_s3.models import Upload
from tests.e2e.helpers import (
    App,
    choose_visibility,
    expect_done,
    listed_file,
    log_in,
    pdf_bytes,
    png_bytes,
    queue_row,
    write_file,
)


def upload_through_the_page(page: Page, path: Path, visibility: str) -> Upload:
    choose_visibility(page, visibility)
    page.locator("[data-input]").set_input_files(path)
    expect_done(queue_row(page, path.name))
    expect(listed_file(page, path.name)).to_be_visible()
    return Upload.objects.get(original_name=path.name)


def test_public_image_thumbnail_is_loaded_from_s3(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    image = write_file(tmp_path / "badge.png", png_bytes(width=48, height=32))
    image_responses: list[Response] = []
    page.on(
        "response",
        lambda response: (
            image_responses.append(response) if response.request.resource_type == "image" else None
        ),
    )

    upload = upload_through_the_page(page, image, "public")

    thumb = listed_file(page, "badge.png").locator("img.thumb")
    expected_src = f"{app.s3_endpoint}/{app.bucket}/{upload.key}"
    expect(thumb).to_have_attribute("src", expected_src)
    assert upload.key.startswith("media/")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    # The browser decoded our 48x32 PNG: S3 served the real bytes as an image.
    assert thumb.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [48, 32]
    from_s3 = [r for r in image_responses if r.url == expected_src]
    assert from_s3, [r.url for r in image_responses]
    assert from_s3[-1].status == 200
    assert from_s3[-1].headers["content-type"] == "image/png"
    assert from_s3[-1].body() == image.read_bytes()


def test_private_link_opens_for_the_owner_only_and_not_after_logout(
    alice_page: Page,
    app: App,
    other_user: Any,
    other_context: BrowserContext,
    tmp_path: Path,
) -> None:
    page = alice_page
    document = write_file(tmp_path / "contract.pdf", pdf_bytes("Signed contract"))
    upload = upload_through_the_page(page, document, "private")
    gate = f"{app.url}/files/{upload.id}"
    assert upload.key.startswith("private/")
    link = listed_file(page, "contract.pdf").get_by_role("link", name="contract.pdf")
    expect(link).to_have_attribute("href", f"/files/{upload.id}")

    # The owner clicks the link: the app redirects to a signed S3 URL, which serves the bytes.
    with (
        page.context.expect_page() as popup_info,
        page.context.expect_event(
            "response", lambda r: r.url.startswith(app.s3_endpoint)
        ) as s3_info,
    ):
        link.click()
    popup, from_s3 = popup_info.value, s3_info.value
    assert from_s3.status == 200
    assert from_s3.request.redirected_from is not None
    assert from_s3.request.redirected_from.url == gate
    assert "X-Amz-Signature=" in from_s3.url
    assert from_s3.headers["content-type"] == "application/pdf"
    assert 'filename="contract.pdf"' in from_s3.headers["content-disposition"]
    expect(popup).to_have_url(from_s3.url)
    popup.close()
    # Chromium hands the PDF to its viewer (so `from_s3.body()` is the viewer's page); fetch the
    # same link with the owner's cookies to compare the bytes.
    fetched = page.request.get(gate)
    assert fetched.status == 200
    assert fetched.url.startswith(f"{app.s3_endpoint}/{app.bucket}/{upload.key}?")
    assert fetched.body() == document.read_bytes()

    # Another logged-in user gets the app's 404, as if the file did not exist.
    mallory = other_context.new_page()
    log_in(mallory, app, "mallory", "mallory-password")
    response = mallory.goto(gate)
    assert response is not None
    assert response.status == 404
    expect(mallory.get_by_role("heading", name="Not found")).to_be_visible()

    # After logging out, the owner is sent to the login form instead of the file.
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    response = page.goto(gate)
    assert response is not None
    assert response.request.redirected_from is not None
    assert response.request.redirected_from.url == gate
    assert response.request.redirected_from.response().status == 302
    expect(page).to_have_url(f"{app.url}/accounts/login/?next=/files/{upload.id}")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_delete_asks_for_confirmation_then_removes_the_file_from_list_and_s3(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    keep = upload_through_the_page(page, write_file(tmp_path / "keep.txt", b"keep me\n"), "private")
    gone = upload_through_the_page(page, write_file(tmp_path / "old.png", png_bytes()), "public")
    assert app.object_exists(gone.key)
    dialogs: list[str] = []

    def accept(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    listed_file(page, "old.png").get_by_role("button", name="Delete old.png").click()

    expect(listed_file(page, "old.png")).to_have_count(0)
    expect(listed_file(page, "keep.txt")).to_be_visible()
    assert dialogs == ["Delete “old.png”? This cannot be undone."]
    assert not app.object_exists(gone.key)
    assert not Upload.objects.filter(id=gone.id).exists()
    assert app.object_exists(keep.key)


def test_dismissing_the_delete_confirmation_keeps_the_file(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    upload = upload_through_the_page(page, write_file(tmp_path / "notes.txt", b"notes\n"), "public")
    delete_requests: list[str] = []
    page.on("request", lambda r: delete_requests.append(r.url) if "/delete" in r.url else None)
    page.once("dialog", lambda dialog: dialog.dismiss())

    listed_file(page, "notes.txt").get_by_role("button", name="Delete notes.txt").click()

    page.wait_for_timeout(300)  # give a (wrong) request the chance to leave
    expect(listed_file(page, "notes.txt")).to_be_visible()
    assert delete_requests == []
    assert app.object_exists(upload.key)


def test_older_files_appear_below_the_newest_when_asked_for_and_can_be_deleted(
    alice_page: Page, app: App, user: Any, make_upload: Any
) -> None:
    page = alice_page
    for number in range(55):
        make_upload(user, visibility="private", original_name=f"scan-{number:02}.pdf")
    page.reload()
    files = page.locator("#upload-list li.file")
    expect(files).to_have_count(50)
    expect(page.get_by_text("scan-54.pdf")).to_be_visible()  # the newest come first

    page.get_by_role("button", name="Show older files").click()

    expect(files).to_have_count(55)
    expect(page.get_by_text("scan-00.pdf")).to_be_visible()
    expect(page.get_by_role("button", name="Show older files")).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    listed_file(page, "scan-00.pdf").get_by_role("button", name="Delete scan-00.pdf").click()

    expect(listed_file(page, "scan-00.pdf")).to_have_count(0)
    expect(files).to_have_count(54)  # the older files loaded stay on the page
    expect(page.get_by_text("scan-01.pdf")).to_be_visible()


def test_deleting_the_last_file_says_the_list_is_empty(
    alice_page: Page, app: App, user: Any, make_upload: Any
) -> None:
    page = alice_page
    make_upload(user, visibility="private", original_name="only.pdf")
    page.reload()

    page.once("dialog", lambda dialog: dialog.accept())
    listed_file(page, "only.pdf").get_by_role("button", name="Delete only.pdf").click()

    expect(page.get_by_text("No files yet.")).to_be_visible()


def test_copy_link_puts_the_public_url_on_the_clipboard(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app.url)
    upload = upload_through_the_page(
        page, write_file(tmp_path / "flyer.pdf", pdf_bytes()), "public"
    )
    button = listed_file(page, "flyer.pdf").locator("[data-copy-link]")

    button.click()

    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{app.s3_endpoint}/{app.bucket}/{upload.key}"
    assert requests.get(copied, timeout=10).content == pdf_bytes()  # anyone can open it
    expect(button).to_have_text("Copy link", timeout=5000)


def test_private_files_offer_no_link_to_copy(alice_page: Page, app: App, tmp_path: Path) -> None:
    page = alice_page
    upload_through_the_page(page, write_file(tmp_path / "tax.pdf", pdf_bytes()), "private")

    expect(
        listed_file(page, "tax.pdf").get_by_role("button", name=re.compile("Copy"))
    ).to_have_count(0)


def test_a_delete_the_app_fails_says_so_and_keeps_the_file_listed(
    alice_page: Page, app: App, user: Any, make_upload: Any
) -> None:
    page = alice_page
    make_upload(user, visibility="private", original_name="kept.pdf")
    page.reload()
    page.route("**/delete", lambda route: route.fulfill(status=500, body="Server Error"))

    page.once("dialog", lambda dialog: dialog.accept())
    listed_file(page, "kept.pdf").get_by_role("button", name="Delete kept.pdf").click()

    expect(page.locator("[data-list-error]")).to_have_text(
        "Your files could not be updated (the app answered 500). "
        "Reload the page to see where things stand, then try again."
    )
    expect(listed_file(page, "kept.pdf")).to_be_visible()


def test_a_delete_without_network_says_the_app_cannot_be_reached(
    alice_page: Page, app: App, user: Any, make_upload: Any
) -> None:
    page = alice_page
    make_upload(user, visibility="private", original_name="kept.pdf")
    page.reload()
    page.route("**/delete", lambda route: route.abort("internetdisconnected"))

    page.once("dialog", lambda dialog: dialog.accept())
    listed_file(page, "kept.pdf").get_by_role("button", name="Delete kept.pdf").click()

    expect(page.locator("[data-list-error]")).to_have_text(
        "The app cannot be reached. Check your network, then try again."
    )
    expect(listed_file(page, "kept.pdf")).to_be_visible()
    assert Upload.objects.filter(original_name="kept.pdf").exists()


def test_a_broken_older_files_link_shows_why_in_its_place(
    alice_page: Page, app: App, user: Any, make_upload: Any
) -> None:
    page = alice_page
    for number in range(51):
        make_upload(user, visibility="private", original_name=f"scan-{number:02}.pdf")
    page.reload()
    page.route(
        "**/uploads/list?cursor=*",
        lambda route: route.continue_(url=f"{app.url}/uploads/list?cursor=broken"),
    )

    page.get_by_role("button", name="Show older files").click()

    expect(page.locator("#upload-list li.more[role=alert]")).to_have_text(
        "This page link is not valid; start again from the first page."
    )
