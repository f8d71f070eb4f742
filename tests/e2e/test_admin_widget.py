"""The Django admin with DirectFileFields, in real Chromium against SeaweedFS: a change form
and its inline's "Add another" upload straight to S3 and save what the server verified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from demo.models import Document
from tests.e2e.axe import assert_accessible
from tests.e2e.helpers import App, drop_through_chromium, pdf_bytes, png_bytes


@pytest.fixture
def staff_page(page: Page, app: App, admin_user: Any) -> Page:
    page.goto(f"{app.url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return page


def widget(page: Page, name: str) -> Locator:
    return page.locator(f"[data-direct-file]:has(input[data-reference][name='{name}'])")


def done(page: Page, name: str) -> None:
    expect(widget(page, name).locator("[data-queue] > li")).to_have_attribute(
        "data-state", "done", timeout=30_000
    )


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def add_document(page: Page, app: App, tmp_path: Path, owner: Any) -> Document:
    page.goto(f"{app.url}/admin/demo/document/add/")
    page.get_by_label("Owner").select_option(str(owner.pk))
    page.get_by_label("Title").fill("Annual report")
    expect(widget(page, "cover")).to_have_attribute("data-ready", "")
    drop_through_chromium(
        page,
        "[data-direct-file]:has(input[name=cover]) [data-dropzone]",
        [write(tmp_path, "cover.png", png_bytes())],
    )
    drop_through_chromium(
        page,
        "[data-direct-file]:has(input[name=contract]) [data-dropzone]",
        [write(tmp_path, "contract.pdf", pdf_bytes("Contract"))],
    )
    done(page, "cover")
    done(page, "contract")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    return Document.objects.get(title="Annual report")


def test_a_document_is_added_in_the_admin_by_dropping_files(
    staff_page: Page, app: App, tmp_path: Path, user: Any
) -> None:
    document = add_document(staff_page, app, tmp_path, user)

    assert document.owner == user
    assert document.cover.name.startswith("media/covers/")
    assert app.object_bytes(document.cover.name) == png_bytes()
    assert app.object_bytes(document.contract.name) == pdf_bytes("Contract")


def test_replacing_the_cover_in_the_admin_deletes_the_old_object(
    staff_page: Page, app: App, tmp_path: Path, user: Any
) -> None:
    document = add_document(staff_page, app, tmp_path, user)
    old_key = document.cover.name

    expect(widget(staff_page, "cover").get_by_role("link", name="cover.png")).to_be_visible()
    new_cover = write(tmp_path, "new-cover.png", png_bytes(rgb=(10, 150, 60)))
    widget(staff_page, "cover").locator("[data-input]").set_input_files(new_cover)
    done(staff_page, "cover")
    staff_page.get_by_role("button", name="Save and continue editing").click()
    expect(staff_page.get_by_text("was changed successfully")).to_be_visible()

    document.refresh_from_db()
    assert app.object_bytes(document.cover.name) == png_bytes(rgb=(10, 150, 60))
    assert not app.object_exists(old_key)


def test_an_inline_added_after_load_uploads_and_saves(
    staff_page: Page, app: App, tmp_path: Path, user: Any
) -> None:
    document = add_document(staff_page, app, tmp_path, user)

    staff_page.get_by_text("Add another Attachment").click()
    staff_page.get_by_text("Add another Attachment").click()
    for index, name in enumerate(["notes.txt", "minutes.pdf"]):
        field = f"attachments-{index}-file"
        expect(widget(staff_page, field)).to_have_attribute("data-ready", "")
        data = b"Notes\n" if name.endswith(".txt") else pdf_bytes("Minutes")
        widget(staff_page, field).locator("[data-input]").set_input_files(
            write(tmp_path, name, data)
        )
        done(staff_page, field)
    staff_page.get_by_role("button", name="Save and continue editing").click()
    expect(staff_page.get_by_text("was changed successfully")).to_be_visible()

    files = sorted(a.file.name.rsplit("/", 1)[-1] for a in document.attachments.all())
    assert files == ["minutes.pdf", "notes.txt"]
    for attachment in document.attachments.all():
        assert app.object_exists(attachment.file.name)


def test_axe_finds_nothing_on_the_admin_change_form_with_its_widgets(
    staff_page: Page, app: App, tmp_path: Path, user: Any
) -> None:
    staff_page.goto(f"{app.url}/admin/demo/document/add/")
    expect(widget(staff_page, "cover")).to_have_attribute("data-ready", "")
    assert_accessible(staff_page)

    add_document(staff_page, app, tmp_path, user)
    staff_page.get_by_text("Add another Attachment").click()
    expect(widget(staff_page, "attachments-0-file")).to_have_attribute("data-ready", "")
    assert_accessible(staff_page)
