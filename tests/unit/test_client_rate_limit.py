"""The CLI client waits out the app's 429s (starting, signing parts, completing) and goes on."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

import pytest

from upload_client.client import RETRY_AFTER_FALLBACK, UploadClient, retry_after_seconds

UPLOAD_ID = "0b7c5a52-8f8e-4a3f-9d6b-5b8f3a9f6c11"
# Not where the app puts them: the client must follow the links it is given.
LINKS = {
    "self": f"/linked/{UPLOAD_ID}",
    "complete": f"/linked/{UPLOAD_ID}/complete",
    "cancel": f"/linked/{UPLOAD_ID}/cancel",
    "parts": f"/linked/{UPLOAD_ID}/parts",
}


class FakeApp(ThreadingHTTPServer):
    """The app's API and S3 in one: answers 429 to the first request of each `throttled` path."""

    def __init__(self, *, multipart: bool, throttled: set[str], retry_after: str | None) -> None:
        super().__init__(("127.0.0.1", 0), FakeHandler)
        self.multipart = multipart
        self.throttled = set(throttled)
        self.retry_after = retry_after
        self.seen: list[tuple[str, str, int]] = []  # method, path, status

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def statuses(self, method: str, path: str) -> list[int]:
        return [status for m, p, status in self.seen if (m, p) == (method, path)]


class FakeHandler(BaseHTTPRequestHandler):
    server: FakeApp

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        if self.path == "/api/":
            self.answer(200, {"uploads": "/api/uploads"})
        else:
            self.answer(200, {"uploads": [], "next": None})  # nothing to resume

    def do_PUT(self) -> None:
        self.read_body()
        self.answer(200, None)  # a part, on "S3"

    def do_POST(self) -> None:
        self.read_body()
        path = self.path.split("?")[0]
        if path in self.server.throttled:
            self.server.throttled.discard(path)
            headers = {"Retry-After": self.server.retry_after} if self.server.retry_after else {}
            self.answer(429, {"error": "Too many requests."}, headers)
        elif path == "/s3":
            self.answer(204, None)
        elif path == "/api/uploads":
            self.answer(201, self.ticket())
        elif path == LINKS["parts"]:
            numbers = json.loads(self.body)["part_numbers"]
            parts = [
                {"part_number": n, "url": f"{self.server.url}/s3/{n}", "size": 4} for n in numbers
            ]
            self.answer(200, {"parts": parts})
        elif path == LINKS["complete"]:
            self.answer(200, {"id": UPLOAD_ID, "status": "complete"})
        else:
            self.answer(404, {"error": "No such page."})

    def ticket(self) -> dict[str, Any]:
        if self.server.multipart:
            return {
                "id": UPLOAD_ID,
                "method": "multipart",
                "part_size": 4,
                "part_count": 2,
                "links": LINKS,
            }
        upload = {"method": "POST", "url": f"{self.server.url}/s3", "fields": {"key": "k"}}
        return {"id": UPLOAD_ID, "method": "POST", "upload": upload, "links": LINKS}

    def read_body(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length)

    def answer(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self.server.seen.append((self.command, self.path.split("?")[0], status))
        body = b"" if data is None else json.dumps(data).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[FakeApp] = []

    def start(
        *, multipart: bool = False, throttled: set[str], retry_after: str | None = "3"
    ) -> FakeApp:
        server = FakeApp(multipart=multipart, throttled=throttled, retry_after=retry_after)
        Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello, world")
    return path


def test_a_rate_limited_start_is_waited_out_then_the_file_goes_up(
    serve: Any, small_file: Path
) -> None:
    app = serve(throttled={"/api/uploads"}, retry_after="3")
    waits: list[float] = []

    result = UploadClient(app.url, sleep=waits.append).upload(small_file)

    assert result["status"] == "complete"
    assert app.statuses("POST", "/api/uploads") == [429, 201]
    assert 2.5 < waits[0] <= 3  # before asking again, as Retry-After said


def test_a_rate_limited_complete_is_waited_out(serve: Any, small_file: Path) -> None:
    complete = LINKS["complete"]
    app = serve(throttled={complete})

    result = UploadClient(app.url, sleep=lambda seconds: None).upload(small_file)

    assert result["status"] == "complete"
    assert app.statuses("POST", complete) == [429, 200]


def test_rate_limited_part_signing_is_waited_out(serve: Any, tmp_path: Path) -> None:
    parts = LINKS["parts"]
    app = serve(multipart=True, throttled={parts})
    big = tmp_path / "big.bin"
    big.write_bytes(b"12345678")

    result = UploadClient(app.url, sleep=lambda seconds: None).upload(big)

    assert result["status"] == "complete"
    assert app.statuses("POST", parts) == [429, 200]
    assert app.statuses("PUT", "/s3/1") == [200]
    assert app.statuses("PUT", "/s3/2") == [200]


def test_waiting_for_a_rate_limit_is_reported_once_on_the_log(
    serve: Any, small_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = serve(throttled={"/api/uploads"}, retry_after="12")

    with caplog.at_level(logging.WARNING, logger="upload_client"):
        UploadClient(app.url, sleep=lambda seconds: None).upload(small_file)

    assert caplog.messages == ["Waiting 12 s (rate limit), then continuing."]


def test_a_429_without_retry_after_waits_a_few_seconds(serve: Any, small_file: Path) -> None:
    app = serve(throttled={"/api/uploads"}, retry_after=None)
    waits: list[float] = []

    UploadClient(app.url, sleep=waits.append).upload(small_file)

    assert RETRY_AFTER_FALLBACK - 0.5 < waits[0] <= RETRY_AFTER_FALLBACK


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("0", 1.0), ("soon", RETRY_AFTER_FALLBACK), ("inf", RETRY_AFTER_FALLBACK)],
)
def test_retry_after_is_read_as_seconds_at_least_one(header: str, seconds: float) -> None:
    assert retry_after_seconds(header) == seconds


def test_retry_after_as_an_http_date_is_the_time_left_until_then() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)

    assert 28 <= retry_after_seconds(when) <= 30
