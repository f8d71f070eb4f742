"""Run a command against a throw-away PostgreSQL cluster: `with_postgres.py <command…>`.

Starts a fresh cluster in a temporary folder (unix socket only, no TCP), exports DATABASE_URL
pointing at it, runs the command, then stops and deletes the cluster whatever happened. Exits
with the command's exit code.

PostgreSQL comes from Debian's packages (`/usr/lib/postgresql/<version>/bin`); as root this
installs them when they are missing. PostgreSQL refuses to run as root, so as root the cluster
belongs to the `postgres` user the package creates. PG_BINDIR overrides where the binaries are.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DATABASE = "uploads"
SUPERUSER = "postgres"
# Speed over durability: the cluster lives for one test run.
SERVER_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
}


def log(message: str) -> None:
    print(f"with_postgres: {message}", file=sys.stderr, flush=True)


def find_bindir() -> Path | None:
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def install_postgresql() -> None:
    log("PostgreSQL is missing; installing it from Debian's packages…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"]
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    if subprocess.run(install, check=False, **quiet).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True, **quiet)
        subprocess.run(install, check=True, **quiet)


def require_bindir() -> Path:
    bindir = find_bindir()
    if bindir is None and os.geteuid() == 0:
        install_postgresql()
        bindir = find_bindir()
    if bindir is None:
        raise SystemExit(
            "with_postgres: PostgreSQL's server binaries are missing. Install them "
            "(apt-get install postgresql) or set PG_BINDIR."
        )
    return bindir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.socket_dir = root / "socket"
        self.port = free_port()
        # Root may not run PostgreSQL: hand the cluster to the `postgres` user.
        self.owner = pwd.getpwnam(SUPERUSER) if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        host = str(self.socket_dir).replace("/", "%2F")
        return f"postgres://{SUPERUSER}@{host}:{self.port}/{DATABASE}"

    def run(self, program: str, *args: str) -> None:
        options: dict[str, Any] = {"cwd": self.root, "check": True, "stdout": subprocess.DEVNULL}
        if self.owner is not None:
            options.update(user=self.owner.pw_uid, group=self.owner.pw_gid, extra_groups=[])
        subprocess.run([str(self.bindir / program), *args], **options)

    def start(self) -> None:
        self.socket_dir.mkdir(mode=0o700)
        if self.owner is not None:
            for path in (self.root, self.socket_dir):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        self.run(
            "initdb",
            f"--pgdata={self.data}",
            f"--username={SUPERUSER}",
            "--auth=trust",  # unix socket only, in a folder only the cluster's owner may enter
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            for name, value in {
                **SERVER_SETTINGS,
                "port": str(self.port),
                "unix_socket_directories": f"'{self.socket_dir}'",
            }.items():
                conf.write(f"{name} = {value}\n")
        self.run("pg_ctl", "start", "--wait", f"--pgdata={self.data}", f"--log={self.root / 'log'}")
        self.run(
            "createdb",
            f"--host={self.socket_dir}",
            f"--port={self.port}",
            f"--username={SUPERUSER}",
            DATABASE,
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "--wait", "--mode=fast", f"--pgdata={self.data}")


@contextmanager
def cluster() -> Iterator[Cluster]:
    bindir = require_bindir()
    root = Path(tempfile.mkdtemp(prefix="pg-"))
    running = Cluster(bindir, root)
    try:
        running.start()
        yield running
    except subprocess.CalledProcessError:
        log_file = root / "log"
        if log_file.exists():
            sys.stderr.write(log_file.read_text())
        raise
    finally:
        try:
            running.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    # Turn a polite stop into an exception, so the cluster is stopped and deleted on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    with cluster() as running:
        log(f"PostgreSQL ({running.bindir.parent.name}) ready: DATABASE_URL={running.url}")
        result = subprocess.run(argv, env={**os.environ, "DATABASE_URL": running.url}, check=False)
        return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
