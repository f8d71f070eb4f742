"""The Documents form: DirectFileField widgets on a plain ModelForm page, in real Chromium,
uploading to SeaweedFS; the form saves only what the server verified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, Route, expect

from demo.models import Document
from direct_to_s3.models import Upload
from tests.e2e.axe import assert_accessible
from tests.e2e.helpers import App, pdf_bytes, png_bytes


def widget(page: Page, name: str) -> Locator:
    return page.locator(f"[data-direct-file]:has(input[data-reference][name='{name}'])")


def pick(page: Page, name: str, *paths: Path) -> None:
    root = widget(page, name)
    expect(root).to_have_attribute("data-ready", "")
    root.locator("[data-input]").set_input_files(list(paths))


def wait_until_attached(page: Page, name: str, count: int = 1) -> None:
    rows = widget(page, name).locator("[data-queue] > li[data-state=done]")
    expect(rows).to_have_count(count, timeout=30_000)


def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "cover.png": png_bytes(),
        "cover2.png": png_bytes(rgb=(200, 30, 30)),
        "contract.pdf": pdf_bytes("Contract"),
        "notes.txt": b"Meeting notes\n",
        "minutes.pdf": pdf_bytes("Minutes"),
    }
    for name, data in made.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in made}


def new_document(page: Page, app: App, tmp_path: Path) -> Document:
    paths = files(tmp_path)
    page.goto(f"{app.url}/documents/new")
    page.get_by_label("Title").fill("Lease")
    pick(page, "cover", paths["cover.png"])
    pick(page, "contract", paths["contract.pdf"])
    pick(page, "attachments", paths["notes.txt"], paths["minutes.pdf"])
    wait_until_attached(page, "cover")
    wait_until_attached(page, "contract")
    wait_until_attached(page, "attachments", 2)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{app.url}/documents/")
    return Document.objects.get(title="Lease")


def test_a_document_is_saved_with_the_files_dropped_on_its_form(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    document = new_document(alice_page, app, tmp_path)

    assert document.cover.name.startswith("media/covers/")
    assert app.object_bytes(document.cover.name) == png_bytes()
    assert document.contract.name.startswith("private/")
    assert app.object_bytes(document.contract.name) == pdf_bytes("Contract")
    names = sorted(a.file.name.rsplit("/", 1)[-1] for a in document.attachments.all())
    assert names == ["minutes.pdf", "notes.txt"]
    expect(alice_page.get_by_role("link", name="Lease")).to_be_visible()


def test_replacing_the_cover_deletes_the_old_object_from_the_bucket(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    document = new_document(alice_page, app, tmp_path)
    old_key = document.cover.name

    alice_page.goto(f"{app.url}/documents/{document.pk}/edit")
    expect(widget(alice_page, "cover").get_by_role("link", name="cover.png")).to_be_visible()
    pick(alice_page, "cover", tmp_path / "cover2.png")
    wait_until_attached(alice_page, "cover")
    alice_page.get_by_role("button", name="Save").click()
    expect(alice_page).to_have_url(f"{app.url}/documents/")

    document.refresh_from_db()
    assert document.cover.name != old_key
    assert app.object_bytes(document.cover.name) == png_bytes(rgb=(200, 30, 30))
    assert not app.object_exists(old_key)
    assert not Upload.objects.filter(key=old_key).exists()


def test_a_file_the_field_refuses_is_refused_before_any_byte_is_sent(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    paths = files(tmp_path)
    alice_page.goto(f"{app.url}/documents/new")
    pick(alice_page, "cover", paths["contract.pdf"])

    row = widget(alice_page, "cover").locator("[data-queue] > li")
    expect(row).to_have_attribute("data-state", "failed")
    expect(row.locator("[data-error]")).to_have_text(
        "Files of type application/pdf are not allowed here. Allowed: images."
    )
    assert not Upload.objects.exists()


def test_saving_while_a_file_is_uploading_waits_for_it(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    held: list[Route] = []
    stalled = True

    def stall(route: Route) -> None:
        if stalled:
            held.append(route)
        else:
            route.continue_()

    alice_page.route(f"{app.s3_endpoint}/**", stall)
    alice_page.goto(f"{app.url}/documents/new")
    alice_page.get_by_label("Title").fill("Slow")
    pick(alice_page, "cover", files(tmp_path)["cover.png"])
    expect(widget(alice_page, "cover").locator("[data-queue] > li")).to_have_attribute(
        "data-state", "uploading"
    )

    alice_page.get_by_role("button", name="Save").click()

    expect(widget(alice_page, "cover").locator("[data-wait]")).to_be_visible()
    assert alice_page.url == f"{app.url}/documents/new"
    stalled = False
    for route in held:
        route.continue_()
    wait_until_attached(alice_page, "cover")
    alice_page.get_by_role("button", name="Save").click()
    expect(alice_page).to_have_url(f"{app.url}/documents/")
    assert Document.objects.get(title="Slow").cover.name.startswith("media/covers/")


def test_a_forged_reference_is_a_form_error_and_nothing_is_saved(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    paths = files(tmp_path)
    alice_page.goto(f"{app.url}/documents/new")
    alice_page.get_by_label("Title").fill("Forged")
    pick(alice_page, "contract", paths["contract.pdf"])
    wait_until_attached(alice_page, "contract")
    alice_page.evaluate(
        """() => {
          document.querySelector("input[data-reference][name=cover]").value = "media/x/cat.png";
        }"""
    )
    alice_page.get_by_role("button", name="Save").click()

    expect(alice_page.get_by_text("This is not a file uploaded here.")).to_be_visible()
    assert not Document.objects.filter(title="Forged").exists()
    # What was uploaded is not lost: the contract comes back attached.
    contract = widget(alice_page, "contract")
    expect(contract.get_by_text("contract.pdf will be attached when you save.")).to_be_visible()


def test_without_javascript_the_widget_says_uploading_needs_it(
    browser: Any, browser_context_args: dict[str, Any], app: App, user: Any
) -> None:
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{app.url}/accounts/login/?next=/documents/new")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_text("Adding a file here needs JavaScript").first).to_be_visible()
    expect(page.get_by_role("button", name="Choose a file…")).to_have_count(0)
    context.close()


def test_the_form_is_filled_in_with_the_keyboard_alone_and_each_step_is_announced(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    paths = files(tmp_path)
    page = alice_page
    # Listening before the page loads: the browser is told to hand file choosers to the test
    # long before Enter opens one (under load, expect_file_chooser could arm too late).
    page.on("filechooser", lambda chooser: chooser.set_files(paths["cover.png"]))
    page.goto(f"{app.url}/documents/new")
    expect(widget(page, "cover")).to_have_attribute("data-ready", "")
    page.get_by_label("Title").focus()
    page.keyboard.type("Keys")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Cover: Choose a file…")).to_be_focused()

    page.keyboard.press("Enter")

    cover = widget(page, "cover")
    expect(cover.locator("[data-announcer]")).to_have_text("cover.png uploaded", timeout=30_000)
    expect(cover.get_by_text("cover.png will be attached when you save.")).to_be_visible()
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{app.url}/documents/")
    assert Document.objects.get(title="Keys").cover.name.startswith("media/covers/")


def test_axe_finds_nothing_on_the_documents_pages(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    paths = files(tmp_path)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    alice_page.goto(f"{app.url}/documents/new")
    expect(widget(alice_page, "attachments")).to_have_attribute("data-ready", "")
    assert_accessible(alice_page)

    pick(alice_page, "cover", paths["cover.png"])
    pick(alice_page, "contract", empty)  # refused: a failed row with its reason
    wait_until_attached(alice_page, "cover")
    assert_accessible(alice_page)

    alice_page.get_by_role("button", name="Save").click()  # a title is missing: errors shown
    expect(alice_page.get_by_text("This field is required.")).to_be_visible()
    assert_accessible(alice_page)

    new_document(alice_page, app, tmp_path)
    assert_accessible(alice_page)
