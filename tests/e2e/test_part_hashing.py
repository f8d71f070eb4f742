"""Each part's Content-MD5 is worked out in Web Workers (hash-wasm), and S3 checks it."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Request, Response, Route, expect

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings
from tests.e2e.helpers import MB, App, expect_done, queue_row, write_file

PART = 8 * MB  # the plan's part size for these files


def zip_of(size: int) -> bytes:
    """Random bytes after a zip's signature (the app checks the first bytes against the type)."""
    return b"PK\x03\x04" + os.urandom(size - 4)


def md5_of(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


def part_number(request: Request) -> int:
    return int(request.url.split("partNumber=")[1].split("&")[0])


def test_parts_are_hashed_in_workers_and_storage_accepts_every_digest(
    alice_page: Page, app: App, settings: Any, tmp_path: Path
) -> None:
    page = alice_page
    change_app_settings(settings, MULTIPART_THRESHOLD=10 * MB)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(error.message))
    page.reload()
    page.locator("[data-uploader][data-ready]").wait_for(state="attached")
    content = zip_of(2 * PART + MB)  # parts of 8, 8 and 1 MiB, every byte counts
    puts: list[Request] = []
    page.on("request", lambda r: puts.append(r) if r.method == "PUT" else None)

    page.locator("[data-input]").set_input_files(write_file(tmp_path / "noise.zip", content))

    expect_done(queue_row(page, "noise.zip"))
    assert [w.url.startswith("blob:") for w in page.workers] == [True] * len(page.workers)
    assert page.workers, "no hashing worker was started"
    sent = {part_number(r): r.headers["content-md5"] for r in puts}
    assert sent == {
        1: md5_of(content[:PART]),
        2: md5_of(content[PART : 2 * PART]),
        3: md5_of(content[2 * PART :]),
    }
    upload = Upload.objects.get(original_name="noise.zip")
    assert upload.status == Upload.Status.COMPLETE
    assert app.object_bytes(upload.key) == content
    assert problems == []  # among them, any CSP violation (workers, WebAssembly)


def test_a_part_whose_bytes_do_not_match_its_digest_is_refused_by_storage(
    alice_page: Page, app: App, settings: Any, tmp_path: Path
) -> None:
    page = alice_page
    change_app_settings(settings, MULTIPART_THRESHOLD=10 * MB)
    page.reload()
    content = zip_of(2 * PART)
    answers: list[Response] = []
    page.on("response", lambda r: answers.append(r) if r.request.method == "PUT" else None)

    def corrupt_part_two(route: Route) -> None:
        # The digest of other bytes: as if the part had changed on its way to storage.
        wrong = md5_of(content[PART:][::-1])
        route.continue_(headers={**route.request.headers, "content-md5": wrong})

    page.route(lambda url: "partNumber=2&" in url, corrupt_part_two)

    page.locator("[data-input]").set_input_files(write_file(tmp_path / "noise.zip", content))

    row = queue_row(page, "noise.zip")
    expect(row).to_have_attribute("data-state", "failed", timeout=30_000)
    expect(row.locator("[data-error]")).to_contain_text("BadDigest")
    refused = [r for r in answers if part_number(r.request) == 2]
    assert [r.status for r in refused] == [400]
    assert Upload.objects.get(original_name="noise.zip").status != Upload.Status.COMPLETE
