"""`make loadtest`: many users uploading at once; nothing lost, nothing orphaned.

    python -m devtools.loadtest [--users 50] [--seconds 120]

Starts SeaweedFS and the app under gunicorn (`devtools.stack`), creates one account per user,
and has every user repeat the whole flow (ticket → POST to S3 → complete) with small files of
real PNG or plain-text content until time is up; a flow under way then finishes. It passes when
no request failed and the uploads the database calls complete are exactly the objects the
bucket holds under media/ and private/, with nothing left pending.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from devtools.bench import OtherLoad, machine, stop_on_sigterm
from devtools.benchreport import percentile
from devtools.stack import BUCKET, Stack
from upload_client.client import UploadClient

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / ".artifacts" / "loadtest"
PASSWORD = "loadtest-password-not-a-secret"  # noqa: S105 (throw-away local users)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STEPS = ("presign", "s3", "complete")


@dataclass
class Result:
    date: str
    machine: str
    users: int
    seconds: float
    workers: int
    flows: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    complete_rows: int = 0
    other_rows: dict[str, int] = field(default_factory=dict)
    bucket_objects: int = 0
    other_load: float = 0.0  # share of the machine's CPU used by others meanwhile
    missing_count: int = 0  # complete rows whose object is not in the bucket
    orphaned_count: int = 0  # objects in the bucket without a complete row
    missing_objects: list[str] = field(default_factory=list)  # the first 20 of each
    orphaned_objects: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            self.flows > 0
            and self.error_count == 0
            and not self.other_rows
            and self.missing_count == 0
            and self.orphaned_count == 0
            and self.complete_rows == self.flows == self.bucket_objects
        )

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < 20:
            self.errors.append(message)


def sample_file(rng: random.Random) -> tuple[str, str, bytes]:
    """(name, type, bytes) of a few KB whose first bytes match the type, as the app checks."""
    size = rng.randint(1024, 8 * 1024)
    if rng.random() < 0.5:
        return "picture.png", "image/png", PNG_SIGNATURE + rng.randbytes(size)
    line = b"The quick brown fox jumps over the lazy dog.\n"
    return "notes.txt", "text/plain", (line * (size // len(line) + 1))[:size]


async def user_flows(
    number: int,
    api: httpx.AsyncClient,
    s3: httpx.AsyncClient,
    deadline: float,
    result: Result,
) -> None:
    rng = random.Random(number)  # noqa: S311 (test data, not secrets)
    while time.monotonic() < deadline:
        name, content_type, content = sample_file(rng)
        visibility = rng.choice(["public", "private"])
        step = "presign"
        try:
            started = time.perf_counter()
            ticket = await api.post(
                "/api/uploads",
                json={
                    "filename": name,
                    "content_type": content_type,
                    "size": len(content),
                    "visibility": visibility,
                },
            )
            _expect(ticket, 201)
            upload = ticket.json()
            step = "s3"
            sent = time.perf_counter()
            stored = await s3.post(
                upload["upload"]["url"],
                data=upload["upload"]["fields"],
                files={"file": (name, content, content_type)},
            )
            _expect(stored, 201, 204)
            step = "complete"
            completing = time.perf_counter()
            done = await api.post(f"/api/uploads/{upload['id']}/complete")
            _expect(done, 200)
            if done.json()["status"] != "complete":
                raise AssertionError(f"status {done.json()['status']}")
            finished = time.perf_counter()
        except (httpx.HTTPError, AssertionError, ValueError, KeyError) as error:
            result.error(f"user {number}, {step}: {type(error).__name__}: {error}")
            continue
        result.flows += 1
        for key, seconds in zip(
            STEPS, (sent - started, completing - sent, finished - completing), strict=True
        ):
            result.latencies_ms.setdefault(key, []).append(1000 * seconds)


def _expect(response: httpx.Response, *statuses: int) -> None:
    if response.status_code not in statuses:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:200]}")


async def drive(
    stack: Stack, sessions: list[dict[str, str]], seconds: float, result: Result
) -> None:
    timeout = httpx.Timeout(60.0)
    limits = httpx.Limits(max_connections=len(sessions) + 10)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as s3:
        apis = [
            httpx.AsyncClient(
                base_url=stack.base_url,
                cookies=cookies,
                headers={"X-CSRFToken": cookies["csrftoken"], "Referer": f"{stack.base_url}/"},
                timeout=timeout,
            )
            for cookies in sessions
        ]
        try:
            deadline = time.monotonic() + seconds
            await asyncio.gather(
                *(user_flows(n, api, s3, deadline, result) for n, api in enumerate(apis))
            )
        finally:
            for api in apis:
                await api.aclose()


def log_in(stack: Stack, usernames: list[str]) -> list[dict[str, str]]:
    def one(name: str) -> dict[str, str]:
        client = UploadClient(stack.base_url)
        client.login(name, PASSWORD)
        return dict(client.session.cookies.items())

    with ThreadPoolExecutor(stack.workers) as pool:
        return list(pool.map(one, usernames))


def check_storage(stack: Stack, result: Result) -> None:
    """The complete rows against the bucket's objects, and no upload left in another state."""
    rows = stack.django(
        "from collections import Counter\n"
        "from direct_to_s3.models import Upload\n"
        "complete = Upload.objects.filter(status='complete')\n"
        "others = Upload.objects.exclude(status='complete')\n"
        "result = {\n"
        "    'complete': list(complete.values_list('key', flat=True)),\n"
        "    'other': Counter(others.values_list('status', flat=True)),\n"
        "}"
    )
    s3 = stack.s3_client()
    objects: set[str] = set()
    for prefix in ("media/", "private/"):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            objects.update(item["Key"] for item in page.get("Contents", []))
    complete = set(rows["complete"])
    result.complete_rows = len(rows["complete"])
    result.other_rows = rows["other"]
    result.bucket_objects = len(objects)
    missing, orphaned = sorted(complete - objects), sorted(objects - complete)
    result.missing_count, result.orphaned_count = len(missing), len(orphaned)
    result.missing_objects, result.orphaned_objects = missing[:20], orphaned[:20]


def run(
    *,
    users: int,
    seconds: float,
    workers: int | None = None,
    out_dir: Path | None = OUT_DIR,
    log: Callable[[str], None] = print,
) -> Result:
    with Stack(workers=workers, log=log) as stack:
        names = [f"loadtest-{n:03d}" for n in range(users)]
        stack.create_users(names, PASSWORD)
        log(f"Logging in {users} users…")
        sessions = log_in(stack, names)
        result = Result(
            date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            machine=machine(),
            users=users,
            seconds=seconds,
            workers=stack.workers,
        )
        log(f"{users} users uploading for {seconds:g} s…")
        load = OtherLoad()
        started = time.monotonic()
        with load.measure():
            asyncio.run(drive(stack, sessions, seconds, result))
        result.seconds = time.monotonic() - started
        result.other_load = load.share
        log("Comparing the database with the bucket…")
        check_storage(stack, result)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "results.md").write_text(summary(result))
        (out_dir / "results.json").write_text(json.dumps(asdict(result), indent=2))
    return result


def summary(result: Result) -> str:
    lines = [
        f"## Load test — {result.date}",
        "",
        f"{result.machine}; gunicorn {result.workers} sync workers, SeaweedFS, "
        f"{result.users} users, each repeating ticket → S3 POST → complete for "
        f"{result.seconds:.0f} s. The load generator (httpx, one process) shares the machine; "
        f"other processes used {result.other_load:.0%} of its CPU meanwhile.",
        "",
        f"- Flows completed: {result.flows:,} ({result.flows / result.seconds:.1f}/s)",
        f"- Errors: {result.error_count}",
        f"- Complete rows: {result.complete_rows:,}; objects in the bucket (media/ + private/): "
        f"{result.bucket_objects:,}; rows in other states: {dict(result.other_rows) or 'none'}",
        f"- Complete rows without an object: {result.missing_count}; "
        f"objects without a complete row: {result.orphaned_count}",
        "",
        "| Step | p50 (ms) | p99 (ms) |",
        "|---|--:|--:|",
    ]
    for step in STEPS:
        values = sorted(result.latencies_ms.get(step, []))
        median = statistics.median(values) if values else float("nan")
        lines.append(f"| {step} | {median:.1f} | {percentile(values, 99):.1f} |")
    lines += ["", f"Result: {'PASS' if result.passed else 'FAIL'}"]
    lines += [f"- {message}" for message in result.errors]
    lines += [f"- missing: {key}" for key in result.missing_objects]
    lines += [f"- orphaned: {key}" for key in result.orphaned_objects]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.loadtest", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--seconds", type=float, default=120, help="how long (default 120)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 x cores + 1)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with stop_on_sigterm():
        try:
            result = run(users=args.users, seconds=args.seconds, workers=args.workers)
        except KeyboardInterrupt:
            return 130
        except RuntimeError as error:
            print(f"loadtest: {error}", file=sys.stderr)
            return 1
    print()
    print(summary(result))
    return 0 if result.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
