"""axe-core finds no WCAG 2.x A/AA or best-practice violation on the site's pages, in the
states a person meets them: logged out, empty, with files, with a refused file, after a copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import axe
from tests.e2e.axe import assert_accessible
from tests.e2e.helpers import (
    App,
    choose_visibility,
    expect_done,
    listed_file,
    pdf_bytes,
    png_bytes,
    queue_row,
    write_file,
)


def upload(page: Page, path: Path, visibility: str) -> None:
    choose_visibility(page, visibility)
    page.locator("[data-input]").set_input_files(path)
    expect_done(queue_row(page, path.name))
    expect(listed_file(page, path.name)).to_be_visible()


def test_a_cached_axe_tarball_unlike_the_pinned_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tampered = write_file(tmp_path / axe.TARBALL.name, b"not axe-core")
    monkeypatch.setattr(axe, "TARBALL", tampered)

    with pytest.raises(RuntimeError, match=r"is not axe-core 4\.14\.1 as published"):
        axe.fetch_tarball()


def test_the_auditor_names_the_rule_the_element_and_the_reason(page: Page) -> None:
    page.set_content(
        '<html lang="en"><title>Form</title>'
        '<main><h1>Form</h1><button aria-label="Send">Submit</button></main></html>'
    )

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)

    report = str(failure.value)
    assert "axe-core 4.14.1: 1 violation(s)" in report
    assert "label-content-name-mismatch (serious)" in report
    assert '- ["button"]' in report
    assert "Text inside the element is not included in the accessible name" in report


def test_the_login_page_has_no_violations(page: Page, app: App, user: Any) -> None:
    page.goto(f"{app.url}/accounts/login/")

    assert_accessible(page)


def test_a_failed_login_has_no_violations(page: Page, app: App, user: Any) -> None:
    page.goto(f"{app.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()

    assert_accessible(page)


def test_the_empty_upload_page_has_no_violations(alice_page: Page) -> None:
    expect(alice_page.get_by_text("No files yet.")).to_be_visible()

    assert_accessible(alice_page)


def test_the_upload_page_with_public_and_private_files_has_no_violations(
    alice_page: Page, tmp_path: Path
) -> None:
    page = alice_page
    upload(page, write_file(tmp_path / "poster.png", png_bytes(width=48, height=32)), "public")
    upload(page, write_file(tmp_path / "flyer.pdf", pdf_bytes()), "public")
    upload(page, write_file(tmp_path / "payslip.pdf", pdf_bytes("Payslip")), "private")
    expect(page.locator("[data-copy-link]")).to_have_count(2)
    expect(page.locator("#upload-list li.file")).to_have_count(3)

    assert_accessible(page)


def test_a_file_refused_before_upload_has_no_violations(alice_page: Page, tmp_path: Path) -> None:
    page = alice_page
    page.locator("[data-input]").set_input_files(write_file(tmp_path / "nothing.txt", b""))
    row = queue_row(page, "nothing.txt")
    expect(row).to_have_attribute("data-state", "failed")
    expect(row.locator("[data-error]")).to_be_visible()

    assert_accessible(page)


def test_a_copied_link_has_no_violations(alice_page: Page, app: App, tmp_path: Path) -> None:
    page = alice_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app.url)
    upload(page, write_file(tmp_path / "flyer.pdf", pdf_bytes()), "public")
    button = listed_file(page, "flyer.pdf").locator("[data-copy-link]")
    button.click()
    expect(button).to_have_text("Copied")

    assert_accessible(page)


def test_copy_link_is_named_by_its_text_and_described_by_its_file(
    alice_page: Page, tmp_path: Path
) -> None:
    page = alice_page
    upload(page, write_file(tmp_path / "flyer.pdf", pdf_bytes()), "public")

    button = listed_file(page, "flyer.pdf").get_by_role("button", name="Copy link", exact=True)
    expect(button).to_have_accessible_description("flyer.pdf")
