"""Count the bytes each gunicorn worker receives from its clients (a WSGI middleware).

For the benchmark stack only (`devtools.metered_wsgi`). Per request it counts the request line and
headers as they arrived on the wire (rebuilt from the WSGI environ: same names, same values, same
separators) plus the body: what the app read, or the declared Content-Length when that is more
(the server reads and discards the rest). Each worker keeps two counters (requests, bytes) in
`<directory>/<pid>.meter`, rewritten in place after every request, so the benchmark can read them
at any moment without talking to the workers.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

COUNTERS = struct.Struct("<QQ")  # requests, bytes received

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class CountingInput:
    """wsgi.input that counts what the application reads."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.count = 0

    def read(self, *args: Any) -> bytes:
        data = self.stream.read(*args)
        self.count += len(data)
        return data

    def readline(self, *args: Any) -> bytes:
        data = self.stream.readline(*args)
        self.count += len(data)
        return data

    def readlines(self, *args: Any) -> list[bytes]:
        lines = self.stream.readlines(*args)
        self.count += sum(len(line) for line in lines)
        return lines

    def __iter__(self) -> CountingInput:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def head_bytes(environ: dict[str, Any]) -> int:
    """Bytes of the request line and headers, CRLFs included."""
    target = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
    size = len(f"{environ['REQUEST_METHOD']} {target} {environ['SERVER_PROTOCOL']}\r\n")
    for name, value in environ.items():
        if name.startswith("HTTP_"):
            header = name[5:]
        elif name in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            header = name
        else:
            continue
        size += len(header) + len(": ") + len(str(value).encode("latin-1")) + len("\r\n")
    return size + len("\r\n")


class ByteMeter:
    def __init__(self, app: WSGIApp, directory: Path) -> None:
        self.app = app
        self.directory = directory
        self.requests = 0
        self.received = 0
        self._fd: int | None = None
        self._pid = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = CountingInput(environ["wsgi.input"])
        environ["wsgi.input"] = body
        try:
            return self.app(environ, start_response)
        finally:
            declared = int(environ.get("CONTENT_LENGTH") or 0)
            self._record(head_bytes(environ) + max(body.count, declared))

    def _record(self, size: int) -> None:
        if self._pid != os.getpid():  # a fresh worker (forked after import): its own file
            self._pid = os.getpid()
            self.requests = self.received = 0
            self._fd = os.open(self.directory / f"{self._pid}.meter", os.O_RDWR | os.O_CREAT)
        self.requests += 1
        self.received += size
        os.pwrite(self._fd, COUNTERS.pack(self.requests, self.received), 0)


def read_meters(directory: Path) -> dict[int, tuple[int, int]]:
    """{worker pid: (requests, bytes received)} for every worker that has served a request."""
    meters = {}
    for path in directory.glob("*.meter"):
        data = path.read_bytes()
        if len(data) == COUNTERS.size:
            meters[int(path.stem)] = COUNTERS.unpack(data)
    return meters
