"""The page follows the URLs the app gives it: mounted under a prefix of the host's choosing,
every request it makes goes there, none to paths it would have had to guess."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings
from tests.e2e.helpers import (
    MB,
    App,
    RequestLog,
    expect_done,
    png_bytes,
    queue_row,
    sparse_file,
    write_file,
)

pytestmark = pytest.mark.urls("tests.urls_mounted_elsewhere")
PREFIX = "/uploads-app/"


def test_uploads_under_a_prefix_use_only_the_urls_the_app_gave(
    page: Page, app: App, user: Any, settings: Any, tmp_path: Path
) -> None:
    change_app_settings(settings, MULTIPART_THRESHOLD=10 * MB)
    page.goto(f"{app.url}/accounts/login/?next={PREFIX}")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{app.url}{PREFIX}")
    page.locator("[data-uploader][data-ready]").wait_for(state="attached")
    requests = RequestLog(page)
    small = write_file(tmp_path / "small.png", png_bytes())
    big = sparse_file(tmp_path / "big.zip", 20 * MB, head=b"PK\x03\x04")

    page.locator("[data-input]").set_input_files([small, big])

    expect_done(queue_row(page, "small.png"))
    expect_done(queue_row(page, "big.zip"), timeout=60_000)
    to_the_app = [
        urlparse(r.url).path
        for r in requests.requests
        if r.url.startswith(app.url) and r.resource_type in ("fetch", "xhr")
    ]
    assert to_the_app, "the page made no API requests"
    assert all(path.startswith(PREFIX) for path in to_the_app), to_the_app
    assert {upload.status for upload in Upload.objects.all()} == {Upload.Status.COMPLETE}
    assert f"{PREFIX}api/uploads/batch/complete" in to_the_app  # the small file's
    big_upload = Upload.objects.get(original_name="big.zip")
    assert f"{PREFIX}api/uploads/{big_upload.id}/complete" in to_the_app
    assert f"{PREFIX}api/uploads/{big_upload.id}/parts" in to_the_app
    assert Upload.objects.count() == 2
