"""Stock Uppy (@uppy/core + @uppy/aws-s3 + @uppy/golden-retriever from npm, pinned) uploading
through the app.

The page runs the README's "Using Uppy" code, bundled with esbuild (`uppy_bundle`), plus one
line of harness (`window.uppy = uppy`) that lets the test add files and press pause; the adapter
is the app's own static file. The reload tests add the README's Golden Retriever lines.
Everything is checked through the app's API and `/files/<id>`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Response, Route

from devtools.uppy_bundle import bundle, readme_golden_retriever_code
from direct_to_s3 import services
from direct_to_s3.models import Upload
from tests.conftest import change_app_settings
from tests.e2e.helpers import MB, App, log_in, pdf_bytes, png_bytes, sparse_file, write_file

PAGE = "/uppy-test/"
HARNESS = "window.uppy = uppy;\n"
HTML = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Uppy</title>
<script type="module" src="{PAGE}uploads.js"></script></head>
<body><input type="file" id="files" multiple aria-label="Files"></body></html>"""

# Adds the chosen files to Uppy with their visibility, then uploads them; answers Uppy's result.
ADD_AND_UPLOAD = """async (visibilities) => {
  const files = [...document.querySelector("#files").files];
  files.forEach((file, index) => uppy.addFile({
    name: file.name, type: file.type, data: file, meta: { visibility: visibilities[index] },
  }));
  const result = await uppy.upload();
  return {
    successful: result.successful.map((file) => ({ name: file.name, body: file.response.body })),
    failed: result.failed.map((file) => ({ name: file.name, error: String(file.error) })),
  };
}"""

# Adds one file and starts it; once its first part is on S3, does `action` to it ("pause" or
# "remove") and answers when Uppy has done so.
FIRST_PART_THEN = """async ([action]) => {
  const [file] = document.querySelector("#files").files;
  const id = uppy.addFile({ name: file.name, type: file.type, data: file });
  const done = new Promise((resolve) => {
    uppy.once("s3-multipart:part-uploaded", () => {
      if (action === "pause") uppy.pauseResume(id);
      else uppy.removeFile(id);
      resolve();
    });
  });
  uppy.upload();
  await done;
  return id;
}"""

RESUME_AND_FINISH = """async (id) => {
  const finished = new Promise((resolve) => uppy.once("complete", resolve));
  uppy.pauseResume(id);
  const result = await finished;
  return result.successful.map((file) => file.response.body);
}"""


# Waits until Golden Retriever has saved (at most every 500 ms, in IndexedDB) what resuming the
# file needs: the S3 upload @uppy/aws-s3 resumes and the app's upload the adapter asks about.
SAVED_FOR_RESUMING = """async (id) => {
  const read = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  for (const deadline = Date.now() + 30000; Date.now() < deadline; ) {
    const db = await read(indexedDB.open("uppy-blobs"));
    const store = db.transaction("metadata").objectStore("metadata");
    const record = await read(store.get(uppy.getID()));
    db.close();
    const file = record && JSON.parse(record.metadata).files[id];
    if (file?.s3Multipart && file?.directToS3) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("Golden Retriever did not save the file's upload within 30 s");
}"""

RESTORED_FILES = """() => uppy.getFiles().map((file) => ({ id: file.id, ghost: file.isGhost }))"""

# What a user does after the reload: picks the file again if it came back as a ghost (Golden
# Retriever keeps the bytes of files up to 10 MiB only) and confirms the restore, as
# Dashboard's button does; answers Uppy's result.
RESUME = """async () => {
  const [file] = document.querySelector("#files").files;
  if (file) uppy.addFile({ name: file.name, type: file.type, data: file });
  const finished = new Promise((resolve) => uppy.once("complete", resolve));
  uppy.emit("restore-confirmed");
  const result = await finished;
  return {
    successful: result.successful.map((file) => file.response.body),
    failed: result.failed.map((file) => String(file.error)),
  };
}"""

RETRY = """async (id) => {
  const result = await uppy.retryUpload(id);
  return result.successful.map((file) => file.response.body);
}"""


@functools.cache
def uploads_js() -> str:
    return bundle(HARNESS)


@functools.cache
def uploads_with_golden_retriever_js() -> str:
    return bundle(readme_golden_retriever_code() + HARNESS)


class BrowserRefusals:
    """What Chromium refused the page: Content-Security-Policy violations, and response
    headers S3's CORS rules do not expose ("Refused to get unsafe header")."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("console", self._record)

    def _record(self, message: ConsoleMessage) -> None:
        if "Refused to" in message.text or "Content Security Policy" in message.text:
            self.messages.append(message.text)


def serve_uppy(page: Page, app: App, settings: Any, script: Callable[[], str]) -> Iterator[Page]:
    """Alice's page running `script` (the README's Uppy code), on the live server's origin,
    with the site's own Content-Security-Policy."""
    change_app_settings(settings, MULTIPART_THRESHOLD=1 * MB, MAX_SIZE=40 * MB)
    log_in(page, app, "alice", "alice-password")
    policy = page.request.get(f"{app.url}/").headers["content-security-policy"]

    def serve(route: Route) -> None:
        if route.request.url.endswith("uploads.js"):
            route.fulfill(body=script(), content_type="text/javascript")
        else:
            headers = {"Content-Security-Policy": policy}
            route.fulfill(body=HTML, content_type="text/html", headers=headers)

    # A routed page has no network address of its own: Chromium's Local Network Access would
    # keep it from reaching S3 on loopback unless allowed.
    page.context.grant_permissions(["local-network-access"])
    page.route(f"{app.url}{PAGE}**", serve)
    refusals = BrowserRefusals(page)
    page.goto(f"{app.url}{PAGE}")
    page.wait_for_function("() => window.uppy !== undefined")
    yield page
    assert refusals.messages == []


@pytest.fixture
def uppy_page(page: Page, app: App, user: Any, settings: Any) -> Iterator[Page]:
    yield from serve_uppy(page, app, settings, uploads_js)


@pytest.fixture
def retriever_page(page: Page, app: App, user: Any, settings: Any) -> Iterator[Page]:
    """The same with Golden Retriever, as the README adds it."""
    yield from serve_uppy(page, app, settings, uploads_with_golden_retriever_js)


def reload_and_wait_for_the_restore(page: Page, file_id: str) -> list[dict[str, Any]]:
    """Reloads once Golden Retriever saved what resuming needs; answers the restored files."""
    page.evaluate(SAVED_FOR_RESUMING, file_id)
    page.reload()
    page.wait_for_function("() => window.uppy?.getState().recoveredState")
    restored: list[dict[str, Any]] = page.evaluate(RESTORED_FILES)
    return restored


def choose(page: Page, *paths: Path) -> None:
    page.set_input_files("#files", [str(path) for path in paths])


def fetched(page: Page, app: App, path: str) -> bytes:
    response = page.request.get(f"{app.url}{path}")
    assert response.ok, response.status
    return response.body()


def api_upload(page: Page, app: App, upload_id: str) -> dict[str, Any]:
    response = page.request.get(f"{app.url}/api/uploads/{upload_id}")
    result: dict[str, Any] = response.json()
    return result


def part_puts(page: Page, app: App) -> list[int]:
    """The part numbers of every part PUT the page sends to S3, in order."""
    numbers: list[int] = []

    def record(request: Request) -> None:
        if request.method == "PUT" and request.url.startswith(app.s3_endpoint):
            numbers.append(int(request.url.split("partNumber=")[1].split("&")[0]))

    page.on("request", record)
    return numbers


def test_a_batch_of_a_public_image_a_private_pdf_and_a_multipart_file(
    uppy_page: Page, app: App, tmp_path: Path
) -> None:
    image = write_file(tmp_path / "logo.png", png_bytes())
    report = write_file(tmp_path / "report.pdf", pdf_bytes())
    archive = write_file(tmp_path / "archive.bin", os.urandom(20 * MB))
    choose(uppy_page, image, report, archive)

    result = uppy_page.evaluate(ADD_AND_UPLOAD, ["public", "private", "private"])

    assert result["failed"] == []
    bodies = {file["name"]: file["body"] for file in result["successful"]}
    assert bodies["archive.bin"]["method"] == "multipart"
    for path, visibility in [(image, "public"), (report, "private"), (archive, "private")]:
        upload = api_upload(uppy_page, app, bodies[path.name]["id"])
        assert (upload["status"], upload["visibility"]) == ("complete", visibility)
        assert fetched(uppy_page, app, upload["links"]["file"]) == path.read_bytes()


def test_a_paused_multipart_file_resumes_without_sending_its_parts_again(
    uppy_page: Page, app: App, tmp_path: Path
) -> None:
    film = write_file(tmp_path / "film.bin", os.urandom(20 * MB))
    sent = part_puts(uppy_page, app)
    choose(uppy_page, film)

    file_id = uppy_page.evaluate(FIRST_PART_THEN, ["pause"])
    paused = Upload.objects.get(original_name="film.bin")
    assert paused.status == Upload.Status.PENDING
    [body] = uppy_page.evaluate(RESUME_AND_FINISH, file_id)

    assert sorted(set(sent)) == [1, 2, 3]
    assert sent.count(1) == 1
    upload = api_upload(uppy_page, app, body["id"])
    assert upload["status"] == "complete"
    assert fetched(uppy_page, app, upload["links"]["file"]) == film.read_bytes()


def test_a_removed_file_is_cancelled_with_the_app_and_its_parts_aborted(
    uppy_page: Page, app: App, tmp_path: Path
) -> None:
    choose(uppy_page, write_file(tmp_path / "film.bin", os.urandom(20 * MB)))

    uppy_page.evaluate(FIRST_PART_THEN, ["remove"])

    upload = Upload.objects.get(original_name="film.bin")
    uppy_page.wait_for_function(
        "async (url) => (await (await fetch(url)).json()).status === 'cancelled'",
        arg=f"/api/uploads/{upload.id}",
        polling=200,
    )
    listed = app.s3.list_multipart_uploads(Bucket=app.bucket).get("Uploads", [])
    assert upload.multipart_upload_id not in [item["UploadId"] for item in listed]


def test_an_oversize_file_is_refused_by_the_app_before_a_byte_is_sent(
    uppy_page: Page, app: App, tmp_path: Path
) -> None:
    sent = part_puts(uppy_page, app)
    choose(uppy_page, sparse_file(tmp_path / "huge.bin", 41 * MB))

    result = uppy_page.evaluate(ADD_AND_UPLOAD, ["private"])

    [failed] = result["failed"]
    assert "40.0 MB" in failed["error"]
    assert not Upload.objects.filter(original_name="huge.bin").exists()
    assert sent == []


def test_a_rate_limited_signing_is_waited_out_not_failed(
    uppy_page: Page, app: App, tmp_path: Path, settings: Any
) -> None:
    change_app_settings(settings, SIGN_RATE_PER_MINUTE=20, SIGN_BURST=1)  # a token every 3 s
    limited: list[str] = []

    def record(response: Response) -> None:
        if response.status == 429:
            limited.append(response.url)

    uppy_page.on("response", record)
    choose(uppy_page, write_file(tmp_path / "film.bin", os.urandom(20 * MB)))

    result = uppy_page.evaluate(ADD_AND_UPLOAD, ["private"])

    assert result["failed"] == []
    assert limited
    assert all(url.endswith("/sign") for url in limited)


def test_a_big_multipart_file_resumes_after_a_reload_once_picked_again(
    retriever_page: Page, app: App, tmp_path: Path
) -> None:
    film = write_file(tmp_path / "film.bin", os.urandom(20 * MB))
    sent = part_puts(retriever_page, app)
    choose(retriever_page, film)
    file_id = retriever_page.evaluate(FIRST_PART_THEN, ["pause"])
    started = Upload.objects.get(original_name="film.bin")

    restored = reload_and_wait_for_the_restore(retriever_page, file_id)
    choose(retriever_page, film)
    result = retriever_page.evaluate(RESUME)

    assert restored == [{"id": file_id, "ghost": True}]
    assert result["failed"] == []
    [body] = result["successful"]
    assert body["id"] == str(started.id)
    assert sorted(set(sent)) == [1, 2, 3]
    assert sent.count(1) == 1
    upload = api_upload(retriever_page, app, body["id"])
    assert upload["status"] == "complete"
    assert fetched(retriever_page, app, upload["links"]["file"]) == film.read_bytes()


def test_a_multipart_file_golden_retriever_kept_resumes_after_a_reload_by_itself(
    retriever_page: Page, app: App, tmp_path: Path
) -> None:
    clip = write_file(tmp_path / "clip.bin", os.urandom(9 * MB))
    sent = part_puts(retriever_page, app)
    choose(retriever_page, clip)
    file_id = retriever_page.evaluate(FIRST_PART_THEN, ["pause"])
    started = Upload.objects.get(original_name="clip.bin")

    restored = reload_and_wait_for_the_restore(retriever_page, file_id)
    result = retriever_page.evaluate(RESUME)

    assert restored == [{"id": file_id, "ghost": False}]
    assert result["failed"] == []
    [body] = result["successful"]
    assert body["id"] == str(started.id)
    assert sent == [1, 2]
    upload = api_upload(retriever_page, app, body["id"])
    assert upload["status"] == "complete"
    assert fetched(retriever_page, app, upload["links"]["file"]) == clip.read_bytes()


def test_a_restored_file_whose_upload_was_cancelled_fails_and_its_retry_starts_afresh(
    retriever_page: Page, app: App, tmp_path: Path
) -> None:
    film = write_file(tmp_path / "film.bin", os.urandom(20 * MB))
    choose(retriever_page, film)
    file_id = retriever_page.evaluate(FIRST_PART_THEN, ["pause"])
    started = Upload.objects.get(original_name="film.bin")
    reload_and_wait_for_the_restore(retriever_page, file_id)
    services.upload_cancel(upload=started)  # say, from another tab
    choose(retriever_page, film)

    result = retriever_page.evaluate(RESUME)
    [body] = retriever_page.evaluate(RETRY, file_id)

    assert result["failed"] == [
        "This file's upload cannot be resumed: the app's upload is cancelled. "
        "Retry to upload the file afresh."
    ]
    assert body["id"] != str(started.id)
    upload = api_upload(retriever_page, app, body["id"])
    assert upload["status"] == "complete"
    assert fetched(retriever_page, app, upload["links"]["file"]) == film.read_bytes()
