"""Running compose's services without Docker: same commands and settings, local addresses."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from devtools.seaweedfs import DEFAULT_PORTS, free_port, stop_group
from scripts.compose_check import REPO

ENTRYPOINT = REPO / "deploy/seaweedfs-entrypoint.sh"
VENV_BIN = Path(sys.executable).parent


def local_weed_arguments(command: list[str], data_dir: Path, ports: dict[str, int]) -> list[str]:
    """compose's `weed` arguments, moved from the container's network to 127.0.0.1."""
    moved = {"-dir": str(data_dir), "-ip": "127.0.0.1", "-ip.bind": "127.0.0.1"}
    arguments = []
    for argument in command:
        name, _, _ = argument.partition("=")
        arguments.append(f"{name}={moved[name]}" if name in moved else argument)
    for name, port in ports.items():
        service, _, twin = name.partition(".")
        arguments.append(f"-{service}.port{'.grpc' if twin else ''}={port}")
    return arguments


def entrypoint_env(identities: Path, environment: dict[str, str]) -> dict[str, str]:
    env = {
        # `weed` from this virtualenv stands in for the image's /usr/bin/weed.
        "PATH": f"{VENV_BIN}:/usr/bin:/bin",
        "S3_IDENTITIES_FILE": str(identities),
        **environment,
    }
    return {name: value for name, value in env.items() if value}


@contextmanager
def seaweedfs_as_compose_runs_it(s3_service: dict[str, Any], folder: Path) -> Iterator[str]:
    """The s3 service: its entry point, command and environment; yields the endpoint URL."""
    ports = {name: free_port() for name in DEFAULT_PORTS}
    (folder / "data").mkdir()
    arguments = local_weed_arguments(s3_service["command"], folder / "data", ports)
    env = entrypoint_env(folder / "identities.json", s3_service["environment"])
    with open(folder / "weed.log", "wb") as log:
        process = subprocess.Popen(
            ["/bin/sh", str(ENTRYPOINT), *arguments],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=folder,
            start_new_session=True,
        )
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    try:
        # The URL of the compose healthcheck.
        wait_for(f"{endpoint}/healthz", process)
        yield endpoint
    finally:
        stop(process)


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited early while waiting for {url}"
        try:
            if requests.get(url, timeout=1, allow_redirects=False).status_code < 500:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or workers still starting
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    stop_group(process, timeout=15)
