"""`make dev` itself: what a person on a fresh machine gets, run twice, stopped with Ctrl-C.

The program runs from a copy of the project in a temporary folder, so its `.data/` (SQLite file,
SeaweedFS data) starts empty as on a fresh machine and never touches the checkout's.
DEV_FREE_PORTS keeps its S3 server off 8333 in case a real `make dev` is running here.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devtools.seaweedfs import free_port, port_is_open, process_is_running
from scripts.compose_check import REPO
from upload_client.client import UploadClient

pytestmark = pytest.mark.integration

VENV_BIN = Path(sys.executable).parent
PNG = b"\x89PNG\r\n\x1a\n" + bytes(300)


@dataclass
class DevRun:
    """One `make dev` in a process group of its own, as in a terminal; its output collected."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    reader: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if "Ctrl-C stops everything" in line:
                self.ready.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_until_serving(self, port: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not (self.ready.is_set() and port_is_open(port)):
            assert self.process.poll() is None, f"make dev exited:\n{self.output}"
            assert time.monotonic() < deadline, f"make dev never got ready:\n{self.output}"
            time.sleep(0.1)

    def press_ctrl_c(self, timeout: float = 30) -> int:
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout)

    def end(self) -> None:
        """Stop it however it is, and release its output pipe."""
        if self.process.poll() is None:
            try:
                self.press_ctrl_c()
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        assert self.reader is not None
        assert self.process.stdout is not None
        self.reader.join(10)
        self.process.stdout.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the project: no `.data/`, no database, no bucket."""
    for folder in ("web", "static", "templates"):
        shutil.copytree(
            REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """Nothing but a shell's basics: no settings from this test run leak into `make dev`."""
    return {
        "PATH": f"{VENV_BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


@pytest.fixture
def app_port() -> int:
    return free_port()


@pytest.fixture
def start_dev(project: Path, clean_env: dict[str, str], app_port: int) -> Iterator:
    runs: list[DevRun] = []

    def start(*, in_the_background: bool = False) -> DevRun:
        """`in_the_background`: as `make dev &` in a script, which starts it with SIGINT ignored."""
        env = {**clean_env, "DEV_FREE_PORTS": "1", "DEV_PORT": str(app_port)}

        def ignore_sigint() -> None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)

        process = subprocess.Popen(
            [sys.executable, "-m", "devtools.dev"],
            cwd=project / "web",
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=ignore_sigint if in_the_background else None,
        )
        runs.append(DevRun(process))
        return runs[-1]

    yield start
    for run in runs:
        run.end()
    for pid_file in project.glob(".data/seaweedfs/weed.pid"):
        pid = int(pid_file.read_text())
        if process_is_running(pid):
            os.killpg(pid, signal.SIGKILL)


def s3_endpoint(run: DevRun) -> str:
    found = re.search(r"Local S3:\s+(http://127\.0\.0\.1:\d+)", run.output)
    assert found, run.output
    return found.group(1)


def weed_pid(project: Path) -> int:
    return int((project / ".data/seaweedfs/weed.pid").read_text())


def manage_py(project: Path, env: dict[str, str], code: str) -> str:
    """`python manage.py shell -c …` with no extra environment; its last line of output."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=project / "web",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # after the shell's own notice


def test_make_dev_prints_the_address_and_the_demo_login(start_dev, app_port: int) -> None:
    run = start_dev()
    run.wait_until_serving(app_port)

    assert f"http://127.0.0.1:{app_port}/" in run.output
    assert f"http://127.0.0.1:{app_port}/documents/" in run.output
    assert "Demo login: demo / demo" in run.output


def test_make_dev_shows_the_documents_example_and_its_admin(start_dev, app_port: int) -> None:
    run = start_dev()
    run.wait_until_serving(app_port)
    client = UploadClient(f"http://127.0.0.1:{app_port}")
    client.login("demo", "demo")

    documents = client.session.get(f"http://127.0.0.1:{app_port}/documents/new", timeout=10)
    admin = client.session.get(f"http://127.0.0.1:{app_port}/admin/demo/document/add/", timeout=10)

    assert documents.status_code == 200
    assert "data-direct-file" in documents.text
    assert admin.status_code == 200
    assert "data-direct-file" in admin.text


def test_the_demo_user_uploads_straight_to_the_local_s3_server(
    start_dev, app_port: int, tmp_path: Path
) -> None:
    run = start_dev()
    run.wait_until_serving(app_port)
    client = UploadClient(f"http://127.0.0.1:{app_port}")
    client.login("demo", "demo")

    (tmp_path / "dot.png").write_bytes(PNG)

    upload = client.upload(tmp_path / "dot.png")

    assert upload["status"] == "complete"
    assert upload["key"].startswith(f"private/{upload['id']}/")


def test_ctrl_c_stops_the_app_and_the_s3_server(start_dev, project: Path, app_port: int) -> None:
    run = start_dev()
    run.wait_until_serving(app_port)
    s3_port = int(s3_endpoint(run).rsplit(":", 1)[1])
    weed = weed_pid(project)

    assert run.press_ctrl_c() == 0

    assert not process_is_running(weed), "the S3 server outlived make dev"
    assert not port_is_open(app_port)
    assert not port_is_open(s3_port)
    assert not (project / ".data/seaweedfs/weed.pid").exists()


def test_a_run_started_in_the_background_still_stops_everything_on_sigint(
    start_dev, project: Path, app_port: int
) -> None:
    run = start_dev(in_the_background=True)
    run.wait_until_serving(app_port)
    weed = weed_pid(project)

    os.kill(run.process.pid, signal.SIGINT)  # to make dev alone, not its process group

    assert run.process.wait(30) == 0
    assert not process_is_running(weed)
    assert not port_is_open(app_port)


def test_a_run_that_was_killed_leaves_no_s3_server_behind_the_next_one(
    start_dev, project: Path, app_port: int
) -> None:
    killed = start_dev()
    killed.wait_until_serving(app_port)
    orphan = weed_pid(project)
    os.killpg(killed.process.pid, signal.SIGKILL)  # no chance to clean up
    killed.process.wait()
    assert process_is_running(orphan)

    next_run = start_dev()
    next_run.wait_until_serving(app_port)

    assert f"left over from an earlier run (pid {orphan})" in next_run.output
    assert not process_is_running(orphan)


def test_a_stale_pid_file_from_before_a_reboot_is_ignored(
    start_dev, project: Path, app_port: int
) -> None:
    (project / ".data/seaweedfs").mkdir(parents=True)
    no_such_pid = int(Path("/proc/sys/kernel/pid_max").read_text())
    (project / ".data/seaweedfs/weed.pid").write_text(str(no_such_pid))

    run = start_dev()

    run.wait_until_serving(app_port)


def test_a_second_run_keeps_the_users_files_and_database(
    start_dev, app_port: int, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("kept between runs\n")
    first = start_dev()
    first.wait_until_serving(app_port)
    client = UploadClient(f"http://127.0.0.1:{app_port}")
    client.login("demo", "demo")
    kept = client.upload(tmp_path / "notes.txt")
    assert first.press_ctrl_c() == 0

    second = start_dev()
    second.wait_until_serving(app_port)
    client = UploadClient(f"http://127.0.0.1:{app_port}")
    client.login("demo", "demo")

    assert [upload["id"] for upload in client.api("GET", "/api/uploads")["uploads"]] == [kept["id"]]
    assert client.session.get(f"http://127.0.0.1:{app_port}/files/{kept['id']}").text == (
        "kept between runs\n"
    )


def test_plain_manage_py_commands_use_the_same_database(
    start_dev, project: Path, clean_env: dict[str, str], app_port: int
) -> None:
    run = start_dev()
    run.wait_until_serving(app_port)
    assert run.press_ctrl_c() == 0

    manage_py(
        project,
        clean_env,
        "from django.contrib.auth.models import User; "
        "User.objects.create_user('bob', password='bob-password-1')",
    )
    run = start_dev()
    run.wait_until_serving(app_port)
    client = UploadClient(f"http://127.0.0.1:{app_port}")

    client.login("bob", "bob-password-1")

    usernames = manage_py(
        project,
        clean_env,
        "from django.contrib.auth.models import User; "
        "print(sorted(User.objects.values_list('username', flat=True)))",
    )
    assert usernames == "['bob', 'demo']"
