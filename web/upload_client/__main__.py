"""python -m upload_client: upload files from a terminal or a script, with resume."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time

from upload_client.client import PARALLEL_POSTS, Progress, UploadClient, UploadFailed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m upload_client",
        description="Upload files straight to S3 through the direct-upload app. Large files go "
        "up in parallel parts and resume where they stopped if you run the same command again.",
        epilog="The password comes from $UPLOAD_PASSWORD, or is asked for.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to upload")
    parser.add_argument(
        "--url",
        default=os.environ.get("UPLOAD_URL", "http://127.0.0.1:8000"),
        help="the app's address (default: $UPLOAD_URL or http://127.0.0.1:8000)",
    )
    parser.add_argument(
        "--api-path",
        default="api/",
        help="where the app's API is mounted, relative to --url (default: api/)",
    )
    parser.add_argument(
        "--user",
        default=os.environ.get("UPLOAD_USER", "demo"),
        help="username (default: $UPLOAD_USER or demo)",
    )
    visibility = parser.add_mutually_exclusive_group()
    visibility.add_argument("--public", action="store_true", help="anyone with the link can open")
    visibility.add_argument("--private", action="store_true", help="only you (the default)")
    parser.add_argument(
        "--parallel", type=int, default=4, help="parts sent at once for large files (default 4)"
    )
    parser.add_argument(
        "--posts",
        type=int,
        default=PARALLEL_POSTS,
        help=f"small files sent at once (default {PARALLEL_POSTS})",
    )
    parser.add_argument(
        "--no-resume", action="store_true", help="start over even if an unfinished upload exists"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress, only results")
    return parser.parse_args(argv)


def progress_printer(name: str, quiet: bool) -> Progress:
    started = time.monotonic()

    def show(sent: int, total: int) -> None:
        if quiet:
            return
        elapsed = max(time.monotonic() - started, 1e-6)
        percent = 100 * sent // max(total, 1)
        rate = sent / elapsed / 1024**2
        print(f"\r{name}: {percent:3d} % ({rate:.1f} MiB/s)", end="", file=sys.stderr, flush=True)

    return show


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    password = os.environ.get("UPLOAD_PASSWORD") or getpass.getpass(f"Password for {args.user}: ")
    client = UploadClient(
        args.url, api_path=args.api_path, parallel=args.parallel, posts=args.posts
    )
    try:
        client.login(args.user, password)
    except UploadFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    visibility = "public" if args.public else "private"
    try:
        threshold = int(client.root()["part_plan"]["multipart_threshold"])
    except UploadFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # Small files go up in batches, several at once; large ones one by one, with progress.
    small = [path for path in args.files if _size(path) <= threshold]
    large = [path for path in args.files if path not in small]
    failures = 0
    for path, outcome in zip(small, client.upload_many(small, visibility=visibility), strict=True):
        if isinstance(outcome, UploadFailed):
            failures += 1
            print(f"{path}: failed: {outcome}", file=sys.stderr)
        else:
            print(f"{path}\t{outcome['status']}\t{client.absolute(outcome['links']['file'])}")
    for path in large:
        try:
            upload = client.upload(
                path,
                visibility=visibility,
                resume=not args.no_resume,
                progress=progress_printer(os.path.basename(path), args.quiet),
                on_resume=lambda stored, total, path=path: print(
                    f"{path}: resuming: {stored} of {total} parts already stored",
                    file=sys.stderr,
                ),
            )
        except (UploadFailed, OSError) as error:
            failures += 1
            print(f"\n{path}: failed: {error}", file=sys.stderr)
            continue
        if not args.quiet:
            print(file=sys.stderr)
        print(f"{path}\t{upload['status']}\t{client.absolute(upload['links']['file'])}")
    return 1 if failures else 0


def _size(path: str) -> float:
    """A file's size; a file that cannot be read counts as large (its error is told there)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return float("inf")


if __name__ == "__main__":
    raise SystemExit(main())
