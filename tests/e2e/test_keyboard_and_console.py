"""Usable with the keyboard alone, and quiet in the console."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import ConsoleMessage, Error, Page, expect

from direct_to_s3.models import Upload
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


def tab_until(page: Page, selector: str, most: int = 15) -> int:
    """Press Tab until `selector` has the focus; how many presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} is not reachable with Tab ({most} presses)")


def test_keyboard_only_user_can_choose_visibility_and_upload_a_file(
    alice_page: Page, app: App, tmp_path: Path
) -> None:
    page = alice_page
    document = write_file(tmp_path / "minutes.pdf", pdf_bytes("Minutes"))
    # Have Playwright intercept file choosers from now on: switching that on is asynchronous in
    # Chromium, and a chooser opened just after it is switched on can be lost.
    page.on("filechooser", lambda chooser: None)
    page.locator("body").focus()  # start from the top of the page, as after loading it

    # Tab reaches the radio group on the selected option; the arrow keys change the choice.
    tab_until(page, "input[name=visibility]")
    expect(page.locator("input[name=visibility][value=private]")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=visibility][value=public]")).to_be_focused()
    expect(page.locator("input[name=visibility][value=public]")).to_be_checked()

    # The next Tab stop is the "Choose files…" button; Enter opens the file chooser.
    page.keyboard.press("Tab")
    pick = page.get_by_role("button", name="Choose files…")
    expect(pick).to_be_focused()
    assert pick.evaluate("b => b.matches(':focus-visible')")  # the focus ring is shown
    with page.expect_file_chooser() as chooser_info:
        page.keyboard.press("Enter")
    chooser = chooser_info.value
    assert chooser.is_multiple()
    chooser.set_files(document)

    row = queue_row(page, "minutes.pdf")
    expect_done(row)
    expect(row.locator("[data-visibility]")).to_have_text("Public")
    expect(listed_file(page, "minutes.pdf")).to_be_visible()
    assert Upload.objects.get(original_name="minutes.pdf").visibility == "public"

    # Space works as well as Enter, and the keyboard focus stays where the user left it.
    pick.focus()
    with page.expect_file_chooser() as chooser_info:
        page.keyboard.press("Space")
    chooser_info.value.set_files(write_file(tmp_path / "logo.png", png_bytes()))
    expect_done(queue_row(page, "logo.png"))
    expect(pick).to_be_focused()


def test_a_normal_upload_logs_no_console_errors(alice_page: Page, app: App, tmp_path: Path) -> None:
    page = alice_page
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console.{message.type}: {message.text} ({message.location})")

    def on_page_error(error: Error) -> None:
        problems.append(f"uncaught: {error.name}: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.reload()  # watch the page from its very start
    page.locator("[data-uploader][data-ready]").wait_for(state="attached")
    choose_visibility(page, "public")

    page.locator("[data-input]").set_input_files(write_file(tmp_path / "pixel.png", png_bytes()))

    expect_done(queue_row(page, "pixel.png"))
    thumb = listed_file(page, "pixel.png").locator("img.thumb")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    page.wait_for_load_state("networkidle")
    assert problems == []
