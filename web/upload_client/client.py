"""Upload files straight to S3 through the app's API: log in, ask for a ticket, send, complete.

Small files go up as one presigned POST; large ones as parallel multipart parts, each with a
Content-MD5 that S3 verifies, retried with backoff, re-signed when a URL expires, and resumed
when the same file (name, size, modification time) was left half-sent. Many small files
(`upload_many`) are started and completed in batches, their POSTs sent `posts` at a time. A
request the app answers 429 (rate limit) is sent again after its Retry-After, with a warning on
the "upload_client" log.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import math
import mimetypes
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

SIGN_BATCH = 100
# Small files' POSTs to S3 at once (see the README's benchmark: more gained nothing here).
PARALLEL_POSTS = 6
# Batches under way at once: one being sent while the next is started. Keeps the files started
# but not yet complete (the app's QUOTA_PENDING_COUNT) at two batches.
BATCHES_AHEAD = 2
PART_ATTEMPTS = 5
STREAM_CHUNK = 1024**2
RETRY_AFTER_FALLBACK = 5.0  # seconds, when a 429 does not say how long to wait

log = logging.getLogger("upload_client")

Progress = Callable[[int, int], None]  # (bytes sent, total bytes)


class UploadFailed(Exception):
    """The API or S3 refused; the message is meant for a person."""


# What a compressed file is, whatever it holds (mimetypes calls the compression an encoding).
_COMPRESSED = {"gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz"}


@dataclass
class LocalFile:
    path: Path
    name: str
    size: int
    content_type: str
    last_modified: int  # ms, like the browser's File.lastModified

    @classmethod
    def at(cls, path: str | Path, content_type: str | None = None) -> LocalFile:
        path = Path(path)
        stat = path.stat()
        kind, encoding = mimetypes.guess_type(path.name)
        # `.tar.gz` guesses as a tar "encoded" with gzip, but its bytes are gzip's.
        kind = _COMPRESSED.get(encoding or "", kind)
        # No recognisable type is application/octet-stream, as the page sends it.
        guessed = content_type or kind or "application/octet-stream"
        return cls(
            path=path,
            name=path.name,
            size=stat.st_size,
            content_type=guessed,
            last_modified=int(stat.st_mtime * 1000),
        )

    def read(self, offset: int, length: int) -> bytes:
        with open(self.path, "rb") as handle:
            return os.pread(handle.fileno(), length, offset)


class MultipartForm:
    """A multipart/form-data body (the fields, then the file) streamed from disk.

    Never holds the file in memory: `requests` would read all of it, then copy it into the
    body, before sending a byte. Pass it as `data=` with `headers={"Content-Type": ...}`; its
    length is known, so it goes with a Content-Length, as S3 wants.
    """

    def __init__(
        self,
        fields: dict[str, str],
        file: LocalFile,
        *,
        field_name: str = "file",
        progress: Progress | None = None,
    ) -> None:
        boundary = secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={boundary}"
        self.file = file
        self.progress = progress or (lambda sent, total: None)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'
            f"{value}\r\n"
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(field_name)}"; '
            f'filename="{_quote(file.name)}"\r\n'
            f"Content-Type: {file.content_type or 'application/octet-stream'}\r\n\r\n"
        )
        self.head = "".join(parts).encode()
        self.tail = f"\r\n--{boundary}--\r\n".encode()

    def __len__(self) -> int:
        return len(self.head) + self.file.size + len(self.tail)

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        sent, size = 0, self.file.size
        with open(self.file.path, "rb") as handle:
            while sent < size:
                chunk = handle.read(min(STREAM_CHUNK, size - sent))
                if not chunk:
                    raise OSError(f"{self.file.path} shrank while it was being sent.")
                yield chunk
                sent += len(chunk)
                self.progress(sent, size)
        yield self.tail


def _quote(value: str) -> str:
    """Quotes, CR and LF escaped in a form-data header parameter, as browsers do."""
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def content_md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


class UploadClient:
    def __init__(
        self,
        base_url: str,
        *,
        api_path: str = "api/",
        parallel: int = 4,
        posts: int = PARALLEL_POSTS,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # Where the app's API is mounted, relative to `base_url`; every other API URL comes
        # from the server: the root's `uploads`, each upload's `links`, each page's `next`.
        self.api_url = urljoin(f"{self.base_url}/", api_path)
        self._root: dict[str, Any] | None = None
        self.parallel = parallel
        self.posts = posts
        self.timeout = timeout
        self.sleep = sleep
        self.session = requests.Session()
        self._s3 = threading.local()
        self.parts_sent: list[int] = []  # part numbers PUT to S3 by this client, in order
        # After a 429 every thread holds its API requests until then (time.monotonic()).
        self._paused_until = 0.0
        self._pause_lock = threading.Lock()

    # --- The app's API ----------------------------------------------------------------------

    def login(self, username: str, password: str) -> None:
        login_url = f"{self.base_url}/accounts/login/"
        self.session.get(login_url, timeout=self.timeout).raise_for_status()
        response = self.session.post(
            login_url,
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
            },
            headers={"Referer": login_url},
            timeout=self.timeout,
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise UploadFailed("Login failed: check the username and password.")

    def api(self, method: str, url: str, body: Any = None) -> Any:
        """One API request to `url` (absolute, or a path as the server gives them); a rate
        limit (429) is waited out and the request sent again."""
        while True:
            self._wait_out_pause()
            response = self.session.request(
                method,
                self.absolute(url),
                json=body,
                headers={
                    "X-CSRFToken": self.session.cookies.get("csrftoken", ""),
                    "Referer": f"{self.base_url}/",
                },
                timeout=self.timeout,
            )
            if response.status_code != 429:
                break
            self._pause(retry_after_seconds(response.headers.get("Retry-After")))
        if response.status_code == 204:
            return None
        try:
            data = response.json()
        except ValueError:
            raise UploadFailed(f"The app answered HTTP {response.status_code}.") from None
        if not response.ok:
            raise UploadFailed(data.get("error") or f"HTTP {response.status_code}")
        return data

    def _pause(self, seconds: float) -> None:
        with self._pause_lock:
            until = time.monotonic() + seconds
            if until <= self._paused_until:
                return  # another thread already waits as long
            announce = self._paused_until < time.monotonic()
            self._paused_until = until
        if announce:
            log.warning("Waiting %d s (rate limit), then continuing.", math.ceil(seconds))

    def _wait_out_pause(self) -> None:
        left = self._paused_until - time.monotonic()
        if left > 0:
            self.sleep(left)

    def absolute(self, url: str) -> str:
        """A URL the server gave (often just a path) as a full one."""
        return urljoin(self.api_url, url)

    def root(self) -> dict[str, Any]:
        """The API root: where the uploads and the batch endpoints are, and the batch limit."""
        if self._root is None:
            self._root = self.api("GET", self.api_url)
        return self._root

    def uploads_url(self) -> str:
        return str(self.root()["uploads"])

    def start(self, file: LocalFile, visibility: str) -> dict[str, Any]:
        return self.api("POST", self.uploads_url(), _start_body(file, visibility))

    def pending_uploads(self) -> Iterator[dict[str, Any]]:
        """The user's unfinished uploads, newest first, page after page."""
        url: str | None = f"{self.uploads_url()}?status=pending&limit=500"
        while url:
            page = self.api("GET", url)
            yield from page["uploads"]
            url = page["next"]

    def find_resumable(self, file: LocalFile, visibility: str) -> dict[str, Any] | None:
        """A pending multipart upload of the same file, by the page's rule (resume.js
        isSameFile): name, size, modification time and type, and the same visibility."""
        for upload in self.pending_uploads():
            if (
                upload["method"] == "multipart"
                and upload["filename"] == file.name
                and upload["size"] == file.size
                and upload["last_modified"] == file.last_modified
                and upload["content_type"] == file.content_type.lower()
                and upload["visibility"] == visibility
            ):
                return upload
        return None

    def complete(self, upload: dict[str, Any]) -> dict[str, Any]:
        return self.api("POST", upload["links"]["complete"])

    def cancel(self, upload: dict[str, Any]) -> dict[str, Any]:
        return self.api("POST", upload["links"]["cancel"])

    # --- Whole uploads ----------------------------------------------------------------------

    def upload(
        self,
        path: str | Path,
        *,
        visibility: str = "private",
        resume: bool = True,
        progress: Progress | None = None,
        content_type: str | None = None,
        on_resume: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        """Upload one file; returns the completed upload as the API describes it.

        `on_resume(stored, total)` is told when an unfinished upload of the same file is
        continued, with how many of its parts S3 already holds.
        """
        file = LocalFile.at(path, content_type)
        report = progress or (lambda sent, total: None)
        upload = self.find_resumable(file, visibility) if resume else None
        have: set[int] = set()  # a new upload holds no parts: no need to ask S3
        if upload is not None:
            try:
                have = self.stored_parts(upload)
            except UploadFailed:  # storage forgot it (aborted, swept): start afresh
                upload = None
            else:
                if on_resume is not None:
                    on_resume(len(have), upload["part_count"])
        if upload is None:
            upload = self.start(file, visibility)
        if upload["method"] == "POST":
            self._post(file, upload["upload"], report)
        else:
            self._send_parts(file, upload, have=have, wanted=None, report=report)
        return self.complete(upload)

    def upload_many(
        self, paths: Iterable[str | Path], *, visibility: str = "private", resume: bool = True
    ) -> list[dict[str, Any] | UploadFailed]:
        """Upload files: each file's completed upload, or why it failed, in order.

        Files above the app's multipart threshold go one by one through `upload` (resumed
        when `resume`). The others go in batches: one request starts up to the API's
        `batch_limit` of them and one completes them; their POSTs go `posts` at a time.
        """
        files = [LocalFile.at(path) for path in paths]
        root = self.root()
        limit = max(1, int(root.get("batch_limit") or 1))
        threshold = int(root["part_plan"]["multipart_threshold"])
        outcomes: list[dict[str, Any] | UploadFailed] = [UploadFailed("not sent")] * len(files)
        small = [index for index, file in enumerate(files) if file.size <= threshold]
        batches = [small[start : start + limit] for start in range(0, len(small), limit)]
        with ThreadPoolExecutor(self.posts) as pool, ThreadPoolExecutor(BATCHES_AHEAD) as finish:
            under_way: list[Future[None]] = []
            for batch in batches:
                while len(under_way) >= BATCHES_AHEAD:
                    under_way.pop(0).result()
                started = self._start_batch([files[i] for i in batch], visibility)
                sends = {
                    index: pool.submit(self._send, files[index], answer)
                    for index, answer in zip(batch, started, strict=True)
                    if not isinstance(answer, UploadFailed)
                }
                for index, answer in zip(batch, started, strict=True):
                    if isinstance(answer, UploadFailed):
                        outcomes[index] = answer
                under_way.append(finish.submit(self._complete_sent, sends, outcomes))
            for future in under_way:
                future.result()
        for index, file in enumerate(files):
            if file.size > threshold:
                try:
                    outcomes[index] = self.upload(file.path, visibility=visibility, resume=resume)
                except (UploadFailed, OSError, requests.RequestException) as error:
                    outcomes[index] = UploadFailed(str(error))
        return outcomes

    def _start_batch(
        self, files: list[LocalFile], visibility: str
    ) -> list[dict[str, Any] | UploadFailed]:
        body = {"uploads": [_start_body(file, visibility) for file in files]}
        results = self.api("POST", self.root()["batch_start"], body)["results"]
        return [_item(result) for result in results]

    def _send(self, file: LocalFile, upload: dict[str, Any]) -> dict[str, Any]:
        """Send one started file's bytes; a multipart one is also completed here, alone."""
        if upload["method"] == "POST":
            self._post(file, upload["upload"], lambda sent, total: None)
            return upload
        self._send_parts(file, upload, have=set(), wanted=None, report=None)
        return self.complete(upload)

    def _complete_sent(
        self,
        sends: dict[int, Future[dict[str, Any]]],
        outcomes: list[dict[str, Any] | UploadFailed],
    ) -> None:
        """Wait for a batch's files to reach S3, then complete those sent as POSTs together."""
        posted: dict[int, dict[str, Any]] = {}
        for index, future in sends.items():
            try:
                upload = future.result()
            except (UploadFailed, OSError, requests.RequestException) as error:
                outcomes[index] = UploadFailed(str(error))
                continue
            if upload["status"] == "complete":
                outcomes[index] = upload
            else:
                posted[index] = upload
        if not posted:
            return
        ids = [upload["id"] for upload in posted.values()]
        results = self.api("POST", self.root()["batch_complete"], {"ids": ids})["results"]
        for index, result in zip(posted, results, strict=True):
            outcomes[index] = _item(result)

    def _post(self, file: LocalFile, ticket: dict[str, Any], report: Progress) -> None:
        form = MultipartForm(ticket["fields"], file, progress=report)
        response = self._s3_session().post(
            ticket["url"],
            data=form,
            headers={"Content-Type": form.content_type},
            timeout=self.timeout,
        )
        if response.status_code not in (200, 201, 204):
            raise UploadFailed(f"Storage refused the file: {_s3_error(response)}")

    # --- Multipart --------------------------------------------------------------------------

    def stored_parts(self, upload: dict[str, Any]) -> set[int]:
        listing = self.api("GET", upload["links"]["parts"])
        return {part["part_number"] for part in listing["parts"]}

    def sign(self, upload: dict[str, Any], numbers: list[int]) -> dict[int, dict[str, Any]]:
        signed = self.api("POST", upload["links"]["parts"], {"part_numbers": numbers})["parts"]
        return {part["part_number"]: part for part in signed}

    def send_parts(
        self,
        file: LocalFile,
        upload: dict[str, Any],
        *,
        only: Iterable[int] | None = None,
        report: Progress | None = None,
    ) -> None:
        """Send the parts S3 does not hold yet (or just `only`), `parallel` at a time."""
        have = self.stored_parts(upload)
        self._send_parts(file, upload, have=have, wanted=only, report=report)

    def _send_parts(
        self,
        file: LocalFile,
        upload: dict[str, Any],
        *,
        have: set[int],
        wanted: Iterable[int] | None,
        report: Progress | None,
    ) -> None:
        part_size, count = upload["part_size"], upload["part_count"]
        numbers = list(wanted) if wanted is not None else range(1, count + 1)
        missing = [n for n in numbers if n not in have]
        sent_bytes = sum(_length(n, part_size, file.size) for n in have)
        lock = threading.Lock()
        report = report or (lambda sent, total: None)
        report(sent_bytes, file.size)

        def send(number: int, signed: dict[str, Any]) -> None:
            nonlocal sent_bytes
            self._put_part(file, upload, number, part_size, signed)
            with lock:
                sent_bytes += _length(number, part_size, file.size)
                self.parts_sent.append(number)
                report(sent_bytes, file.size)

        pool = ThreadPoolExecutor(self.parallel)
        try:
            # A small first batch, so parts start going up without waiting for 100 signatures.
            first = min(SIGN_BATCH, 2 * self.parallel)
            batches = [missing[:first]] + [
                missing[start : start + SIGN_BATCH]
                for start in range(first, len(missing), SIGN_BATCH)
            ]
            in_flight: list[Future[None]] = []
            for batch in filter(None, batches):
                # The next batch is signed when the last parts of this one are on their way:
                # the pool never waits for URLs, and URLs are fresh when they are used.
                for future in in_flight[: -self.parallel]:
                    future.result()
                del in_flight[: -self.parallel]
                urls = self.sign(upload, batch)
                in_flight += [pool.submit(send, n, urls[n]) for n in batch]
            for future in in_flight:
                future.result()
        finally:
            # On failure, parts not started yet are dropped rather than sent for nothing.
            pool.shutdown(wait=True, cancel_futures=True)

    def _put_part(
        self,
        file: LocalFile,
        upload: dict[str, Any],
        number: int,
        part_size: int,
        signed: dict[str, Any],
    ) -> None:
        data = file.read((number - 1) * part_size, signed["size"])
        headers = {"Content-MD5": content_md5(data)}
        for attempt in range(1, PART_ATTEMPTS + 1):
            try:
                response = self._s3_session().put(
                    signed["url"], data=data, headers=headers, timeout=self.timeout
                )
            except requests.RequestException as error:
                if attempt == PART_ATTEMPTS:
                    raise UploadFailed(f"Part {number}: the connection failed ({error}).") from None
            else:
                if response.ok:
                    return
                message = _s3_error(response)
                if response.status_code == 403 and "expired" in message.lower():
                    signed = self.sign(upload, [number])[number]
                    continue
                if response.status_code < 500 or attempt == PART_ATTEMPTS:
                    raise UploadFailed(f"Part {number} was refused by storage: {message}")
            time.sleep(min(8.0, 0.5 * 2**attempt))

    def _s3_session(self) -> requests.Session:
        if not hasattr(self._s3, "session"):
            self._s3.session = requests.Session()
        return self._s3.session


def _start_body(file: LocalFile, visibility: str) -> dict[str, Any]:
    return {
        "filename": file.name,
        "content_type": file.content_type,
        "size": file.size,
        "visibility": visibility,
        "last_modified": file.last_modified,
    }


def _item(result: dict[str, Any]) -> dict[str, Any] | UploadFailed:
    """One item of a batch's answer: its body, or the error it carries."""
    if 200 <= result["status"] < 300:
        return dict(result["body"])
    return UploadFailed(result["body"].get("error") or f"HTTP {result['status']}")


def retry_after_seconds(header: str | None) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), at least 1."""
    value = (header or "").strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(1.0, seconds) if math.isfinite(seconds) else RETRY_AFTER_FALLBACK
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return RETRY_AFTER_FALLBACK
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(1.0, (when - datetime.now(UTC)).total_seconds())


def _length(number: int, part_size: int, size: int) -> int:
    return min(part_size, size - (number - 1) * part_size)


def _s3_error(response: requests.Response) -> str:
    text = response.text
    code = text.partition("<Code>")[2].partition("</Code>")[0]
    message = text.partition("<Message>")[2].partition("</Message>")[0]
    return f"{code}: {message}" if code else f"HTTP {response.status_code}"
