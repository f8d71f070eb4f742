"""What the browser tests share: the app under test, logging in, real little files."""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, Request, Route, expect

MB = 1024 * 1024


@dataclass(frozen=True)
class App:
    url: str  # the live server, e.g. http://127.0.0.1:40123
    s3_endpoint: str  # SeaweedFS, e.g. http://127.0.0.1:40177
    bucket: str
    s3: Any  # boto3 client on SeaweedFS

    def object_exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                return False
            raise
        return True

    def object_bytes(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()


def log_in(page: Page, app: App, username: str, password: str) -> None:
    """Through the real form, from the redirect a logged-out visitor gets; ends on `/`."""
    page.goto(f"{app.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{app.url}/")
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()
    # upload.js has wired the page up (it marks the uploader element ready).
    page.locator("[data-uploader][data-ready]").wait_for(state="attached")


class RequestLog:
    """Every request the page makes, as the browser sends it."""

    def __init__(self, page: Page) -> None:
        self.requests: list[Request] = []
        self.failed: list[Request] = []
        page.on("request", self._record)
        page.on("requestfailed", self._record_failure)

    def _record(self, request: Request) -> None:
        self.requests.append(request)

    def _record_failure(self, request: Request) -> None:
        self.failed.append(request)

    def posts_to(self, prefix: str) -> list[Request]:
        return self.sent("POST", prefix)

    def puts_to(self, prefix: str) -> list[Request]:
        return self.sent("PUT", prefix)

    def sent(self, method: str, prefix: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.url.startswith(prefix)]


def wait_for_answer(page: Page, url_ending: str, timeout: float = 10_000) -> None:
    """Until the page has had the whole answer to a request whose URL ends so."""
    page.wait_for_function(
        "ending => performance.getEntriesByType('resource').some(e => e.name.endsWith(ending))",
        arg=url_ending,
        timeout=timeout,
    )


def drop_through_chromium(page: Page, selector: str, paths: list[Path]) -> None:
    """A drop as the OS makes it (CDP), so folders arrive as folders, not as flat files."""
    box = page.locator(selector).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    data = {"items": [], "files": [str(path) for path in paths], "dragOperationsMask": 1}
    cdp = page.context.new_cdp_session(page)
    for kind in ("dragEnter", "dragOver", "drop"):
        cdp.send("Input.dispatchDragEvent", {"type": kind, "x": x, "y": y, "data": data})


def choose_visibility(page: Page, visibility: str) -> None:
    page.locator(f"input[name=visibility][value={visibility}]").check()


def queue_row(page: Page, filename: str) -> Locator:
    return page.locator("[data-queue] > li", has=page.locator("[data-name]", has_text=filename))


def listed_file(page: Page, filename: str) -> Locator:
    return page.locator("#upload-list li.file", has=page.get_by_role("link", name=filename))


def wait_for_progress(page: Page, row: Locator, percent: int, timeout: float) -> None:
    """Until the row's progress bar reaches `percent`."""
    page.wait_for_function(
        f"row => Number(row.querySelector('[data-progress]').value) >= {percent}",
        arg=row.element_handle(),
        timeout=timeout,
    )


def expect_done(row: Locator, timeout: float = 30_000) -> None:
    expect(row).to_have_attribute("data-state", "done", timeout=timeout)
    expect(row.locator("[data-progress]")).to_have_js_property("value", 100)
    expect(row.locator("[data-percent]")).to_have_text("100 %")
    expect(row.locator("[data-error]")).to_be_hidden()


# --- Real files ---------------------------------------------------------------------------------


def png_bytes(width: int = 6, height: int = 4, rgb: tuple[int, int, int] = (36, 87, 214)) -> bytes:
    """A valid truecolour PNG of one colour, built by hand (no Pillow)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    scanlines = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanlines))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(text: str = "Quarterly report") -> bytes:
    """A small, well-formed one-page PDF (with a correct xref table)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def write_file(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def sparse_file(path: Path, size: int, head: bytes = b"") -> Path:
    """`head`, then zeros up to `size` bytes, taking no disk space until read."""
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def hold_first_request(
    page: Page, method: str, url_matches: Callable[[str], bool], milliseconds: int
) -> None:
    """Hold the first `method` request to a matching URL, as a stalled network would."""
    held: list[str] = []

    def hold(route: Route) -> None:
        if route.request.method == method and not held:
            held.append(route.request.url)
            page.wait_for_timeout(milliseconds)
        route.continue_()

    page.route(url_matches, hold)


def tickets_asked(requests: RequestLog, app: App) -> list[dict[str, Any]]:
    """The bodies of the tickets the page asked for, alone or in batches (small files)."""
    asked: list[dict[str, Any]] = []
    for request in requests.posts_to(app.url):
        body = json.loads(request.post_data or "null")
        if request.url == f"{app.url}/api/uploads":
            asked.append(body)
        elif request.url == f"{app.url}/api/uploads/batch":
            asked.extend(body["uploads"])
    return asked
