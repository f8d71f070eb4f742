"""The app as it runs in production, on this machine: SeaweedFS + gunicorn, on free ports.

For the benchmark (`devtools.bench`) and the load test (`devtools.loadtest`). `Stack` starts a
local SeaweedFS, migrates a fresh SQLite database, prepares the bucket, and serves the app with
gunicorn (sync workers, DEBUG off, rate limits and quotas off, devtools.settings for the
benchmark views) through `devtools.metered_wsgi`, which counts the bytes each worker receives.
Everything lives in one temporary folder and is removed on `stop()`; use it as a context
manager so servers never outlive the run, whatever happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import psutil
from botocore.config import Config

from devtools.lifecycle import Started
from devtools.meter import read_meters
from devtools.seaweedfs import LocalS3Server, free_port, stop_group

WEB = Path(__file__).resolve().parents[1]
BUCKET = "bench-uploads"
HUGE = str(2**60)
# Variables of ours that the developer's environment must not leak into the stack.
_OWN_PREFIXES = (
    "AWS_",
    "DJANGO_",
    "UPLOAD_",
    "S3_",
    "SIGNED_URL",
    "USE_S3",
    "BENCHMARK_",
    "DEMO_",
    "DATABASE_URL",
)


def default_workers() -> int:
    """gunicorn's documented starting point for sync workers: 2 x cores + 1."""
    return 2 * (os.cpu_count() or 1) + 1


def s3_client(endpoint_url: str, access_key: str, secret_key: str, **s3_options: Any) -> Any:
    """A boto3 client for SeaweedFS (s3v4, path-style); `s3_options` go to Config(s3=...)."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path", **s3_options},
            max_pool_connections=32,
        ),
    )


def sqlite_url(path: Path) -> str:
    """SQLite in a file; settings add WAL, IMMEDIATE transactions and a lock timeout."""
    return f"sqlite:///{path}"


class Stack(Started):
    app = "devtools.metered_wsgi:application"

    def __init__(
        self,
        *,
        workers: int | None = None,
        env: dict[str, str] | None = None,
        log: Callable[[str], None] = print,
    ) -> None:
        self.workers = workers or default_workers()
        self.extra_env = env or {}
        self.log = log
        self.root: Path | None = None
        self.s3: LocalS3Server | None = None
        self.gunicorn: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.secret_key = secrets.token_urlsafe(50)

    # --- Life cycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def meter_dir(self) -> Path:
        assert self.root is not None
        return self.root / "meters"

    def start(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="upload-stack-"))
        self.meter_dir.mkdir()
        self.s3 = LocalS3Server.on_free_ports(
            data_dir=self.root / "seaweedfs",
            access_key=f"stack-{secrets.token_hex(6)}",
            secret_key=secrets.token_hex(20),
        )
        self.log(f"Starting SeaweedFS on {self.s3.endpoint_url}…")
        self.s3.start()
        self.port = free_port()
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("s3_setup", "--origin", self.base_url)
        self.log(f"Starting gunicorn ({self.workers} sync workers) on {self.base_url}…")
        self._start_gunicorn()

    def stop(self) -> None:
        if self.gunicorn is not None and self.gunicorn.poll() is None:
            stop_group(self.gunicorn, timeout=15)
        self.gunicorn = None
        if self.s3 is not None:
            self.s3.stop()
            for port in self.s3.ports.values():  # weed leaves its sockets behind
                for socket_file in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
                    socket_file.unlink(missing_ok=True)
            self.s3 = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def env(self) -> dict[str, str]:
        assert self.root is not None
        assert self.s3 is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_PREFIXES)}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "devtools.settings",
                # Production settings, but plain HTTP on loopback.
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": self.secret_key,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECURE_COOKIES": "false",
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                "DJANGO_HSTS_SECONDS": "0",
                "DJANGO_LOG_LEVEL": "WARNING",
                "DATABASE_URL": sqlite_url(self.root / "db.sqlite3"),
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_S3_ENDPOINT_URL": self.s3.endpoint_url,
                "AWS_ACCESS_KEY_ID": self.s3.access_key,
                "AWS_SECRET_ACCESS_KEY": self.s3.secret_key,
                "AWS_STORAGE_BUCKET_NAME": BUCKET,
                "S3_CORS_ORIGINS": self.base_url,
                # The stack measures the app, not its abuse limits.
                "UPLOAD_CREATE_RATE_PER_MINUTE": "0",
                "UPLOAD_SIGN_RATE_PER_MINUTE": "0",
                "UPLOAD_QUOTA_PENDING_COUNT": HUGE,
                "UPLOAD_QUOTA_PENDING_BYTES": HUGE,
                "UPLOAD_QUOTA_BYTES": HUGE,
                "METER_DIR": str(self.meter_dir),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def _start_gunicorn(self) -> None:
        assert self.root is not None
        with open(self.root / "gunicorn.log", "ab") as log:
            self.gunicorn = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    self.app,
                    f"--bind=127.0.0.1:{self.port}",
                    f"--workers={self.workers}",
                    # A proxied gigabyte keeps a sync worker busy far longer than the default 30 s.
                    "--timeout=600",
                    "--worker-tmp-dir=/dev/shm",
                    "--no-control-socket",
                    "--log-level=warning",
                ],
                cwd=WEB,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60.0, old: set[int] | None = None) -> None:
        """Until every worker is up (and, after a restart, none of the `old` ones is left)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.gunicorn is None or self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            pids = {p.pid for p in self.worker_processes()}
            if len(pids) == self.workers and not pids & (old or set()) and self._answers():
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not get ready in {timeout:.0f} s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/bench/ping", timeout=2) as response:  # noqa: S310 (local URL)
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def restart_workers(self) -> None:
        """Fresh worker processes (gunicorn's HUP), e.g. so memory peaks start from scratch."""
        assert self.gunicorn is not None
        old = {p.pid for p in self.worker_processes()}
        self.gunicorn.send_signal(signal.SIGHUP)
        self.wait_ready(old=old)

    def log_tail(self, lines: int = 30) -> str:
        if self.root is None or not (self.root / "gunicorn.log").exists():
            return ""
        text = (self.root / "gunicorn.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    # --- Using it ------------------------------------------------------------------------------

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, str(WEB / "manage.py"), *args],
            cwd=WEB,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def django(self, code: str, **data: Any) -> Any:
        """Run `code` in Django's shell with `data` bound; it sets `result`, returned as JSON."""
        script = (
            "import json\n"
            f"globals().update(json.loads({json.dumps(json.dumps(data))}))\n"
            f"{code}\n"
            "print(json.dumps(result))\n"
        )
        return json.loads(self.manage("shell", "-c", script).strip().splitlines()[-1])

    def create_users(self, usernames: list[str], password: str) -> None:
        # One password hash for all of them: hashing is slow on purpose.
        self.django(
            "from django.contrib.auth import get_user_model\n"
            "from django.contrib.auth.hashers import make_password\n"
            "User = get_user_model()\n"
            "hashed = make_password(password)\n"
            "User.objects.bulk_create([User(username=n, password=hashed) for n in usernames])\n"
            "result = len(usernames)",
            usernames=usernames,
            password=password,
        )

    def s3_client(self, **s3_options: Any) -> Any:
        """A boto3 client for the stack's S3 server; `s3_options` go to Config(s3=...)."""
        assert self.s3 is not None
        return s3_client(self.s3.endpoint_url, self.s3.access_key, self.s3.secret_key, **s3_options)

    def worker_processes(self) -> list[psutil.Process]:
        if self.gunicorn is None:
            return []
        with contextlib.suppress(psutil.NoSuchProcess):
            return psutil.Process(self.gunicorn.pid).children()
        return []

    def meters(self) -> dict[int, tuple[int, int]]:
        """{worker pid: (requests, bytes received)} since each worker started."""
        return read_meters(self.meter_dir)
