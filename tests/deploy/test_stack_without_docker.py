"""The compose stack, run without Docker: its s3 service, its setup job, the image's gunicorn.

Same commands and environment as compose.yaml resolves them (secrets included), with local
addresses in place of the container network: SeaweedFS through the s3 entry point, `setup`'s
command, then the Dockerfile's CMD. The database is a scratch one on the server DATABASE_URL
names when that is PostgreSQL (as under `make test`), else a SQLite file.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
import requests

from devtools.seaweedfs import free_port
from scripts.compose_check import REPO
from tests.deploy.helpers import VENV_BIN, seaweedfs_as_compose_runs_it, stop, wait_for

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
PASSWORD = "smoke-test-password"
# gunicorn's access log: worker pid, method, path and query, status.
ACCESS_LOG_FORMAT = "%(p)s %(m)s %(U)s?%(q)s %(s)s"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: Any) -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path_factory.mktemp('stack-db') / 'db.sqlite3'}"
        return
    import psycopg

    server = dj_database_url.parse(url)
    name = f"stack_{secrets.token_hex(4)}"
    connect = {
        "host": server["HOST"],
        "port": server["PORT"] or None,
        "user": server["USER"],
        "password": server["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**connect) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(**connect) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def app_env(stack: dict[str, Any], database_url: str, tmp_path_factory: Any) -> Iterator[dict]:
    services = stack["services"]
    with seaweedfs_as_compose_runs_it(services["s3"], tmp_path_factory.mktemp("s3")) as endpoint:
        yield {
            **services["web"]["environment"],
            # The container network's names, as seen from this machine.
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_PUBLIC_ENDPOINT_URL": endpoint,
            "DATABASE_URL": database_url,
            "PATH": f"{VENV_BIN}:/usr/bin:/bin",
            "HOME": "/nonexistent",  # the image's user has no home either
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }


def run_in_app(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=REPO / "web", env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def prepared_env(stack: dict[str, Any], app_env: dict[str, str]) -> dict[str, str]:
    """The app's environment once `setup` has run and a user exists."""
    run_in_app(stack["services"]["setup"]["command"], app_env)
    run_in_app(
        ["python", "manage.py", "createsuperuser", "--noinput", "--username=smoke", "--email="],
        {**app_env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )
    return app_env


@contextmanager
def gunicorn(env: dict[str, str], folder: Path) -> Iterator[str]:
    """The image's CMD on a free local port, each access logged with the worker's pid first."""
    (cmd,) = re.findall(r"^CMD (.+)$", (REPO / "Dockerfile").read_text(), re.MULTILINE)
    port = free_port()
    command = [
        f"--bind=127.0.0.1:{port}" if arg.startswith("--bind=") else arg for arg in json.loads(cmd)
    ]
    command.append(f"--access-logformat={ACCESS_LOG_FORMAT}")
    log_path = folder / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO / "web",
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_for(f"{url}/accounts/login/", process)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{log_path.read_text()}") from None
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def site(prepared_env: dict[str, str], tmp_path_factory: Any) -> Iterator[str]:
    with gunicorn({**prepared_env, "WEB_CONCURRENCY": "1"}, tmp_path_factory.mktemp("web")) as url:
        yield url


def log_in(site: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{site}/accounts/login/", timeout=10)
    response = session.post(
        f"{site}/accounts/login/",
        data={
            "username": "smoke",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=10,
    )
    assert response.status_code == 200
    assert "Log out" in response.text
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


@pytest.fixture
def signed_in(site: str) -> requests.Session:
    return log_in(site)


def test_pages_link_hashed_static_files_that_s3_serves_for_a_year(
    site: str, signed_in: requests.Session, app_env: dict[str, str]
) -> None:
    page = signed_in.get(f"{site}/", timeout=10).text
    urls = re.findall(r'(?:href|src)="([^"]+/static/[^"]+)"', page)

    app = "direct_to_s3/"
    assert {f"{app}css/app.", f"{app}vendor/htmx-2.0.11.min.", f"{app}js/upload.", "favicon."} <= {
        re.sub(r".*/static/|[0-9a-f]{12}\.(css|js|svg)$", "", url) for url in urls
    }
    for url in urls:
        assert url.startswith(f"{app_env['AWS_S3_PUBLIC_ENDPOINT_URL']}/uploads/static/")
        assert re.search(r"\.[0-9a-f]{12}\.(css|js|svg)$", url), url
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_file_goes_from_the_browser_to_s3_and_is_served(
    site: str, signed_in: requests.Session
) -> None:
    created = signed_in.post(
        f"{site}/api/uploads",
        json={
            "filename": "photo.png",
            "content_type": "image/png",
            "size": len(PNG),
            "visibility": "public",
        },
        timeout=10,
    )
    assert created.status_code == 201, created.text
    ticket = created.json()
    sent = requests.post(
        ticket["upload"]["url"],
        data=ticket["upload"]["fields"],
        files={"file": ("photo.png", PNG)},
        timeout=30,
    )
    completed = signed_in.post(f"{site}/api/uploads/{ticket['id']}/complete", timeout=10)

    assert sent.status_code == 201, sent.text
    assert completed.status_code == 200, completed.text
    assert requests.get(completed.json()["url"], timeout=10).content == PNG


def test_the_bucket_allows_uploads_from_the_configured_origins(
    site: str, app_env: dict[str, str]
) -> None:
    origin = app_env["S3_CORS_ORIGINS"].split(",")[0]

    preflight = requests.options(
        f"{app_env['AWS_S3_PUBLIC_ENDPOINT_URL']}/uploads/media/x/photo.png",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )

    assert preflight.headers.get("Access-Control-Allow-Origin") == origin


def test_setup_can_run_again_on_the_next_start(
    site: str, stack: dict[str, Any], app_env: dict[str, str]
) -> None:
    run_in_app(stack["services"]["setup"]["command"], app_env)


# --- Several workers ------------------------------------------------------------------------


@pytest.fixture(
    params=[
        pytest.param({}, id="compose-database-cache"),
        # The settings' default: each process's own memory (sessions then live in the database).
        pytest.param({"DJANGO_CACHE_BACKEND": "", "DJANGO_CACHE_LOCATION": ""}, id="local-cache"),
    ]
)
def workers(
    request: pytest.FixtureRequest, prepared_env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[str, Path]]:
    """Three gunicorn workers; yields their URL and their access log."""
    env = {**prepared_env, **request.param, "WEB_CONCURRENCY": "3"}
    with gunicorn({k: v for k, v in env.items() if v}, tmp_path) as url:
        yield url, tmp_path / "gunicorn.log"


def fetch_home_many_times(url: str, session_id: str, phase: str, times: int = 30) -> list[int]:
    """GET / from several threads, each on a new connection, so that every worker gets some."""

    def fetch(number: int) -> int:
        return requests.get(
            f"{url}/?phase={phase}&n={number}",
            cookies={"sessionid": session_id},
            headers={"Connection": "close"},
            allow_redirects=False,
            timeout=10,
        ).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(fetch, range(times)))


def pids_that_served(log: Path, phase: str) -> set[str]:
    return {line.split()[0] for line in log.read_text().splitlines() if f"?phase={phase}&" in line}


def test_a_logout_ends_the_session_in_every_worker(workers: tuple[str, Path]) -> None:
    url, log = workers
    session = log_in(url)
    session_id = session.cookies["sessionid"]
    before = fetch_home_many_times(url, session_id, "before")

    logged_out = session.post(f"{url}/accounts/logout/", allow_redirects=False, timeout=10)
    after = fetch_home_many_times(url, session_id, "after")

    assert before == [200] * len(before)
    assert logged_out.status_code == 302
    assert after == [302] * len(after)  # to the login page, from every worker
    assert len(pids_that_served(log, "before")) > 1
    assert len(pids_that_served(log, "after")) > 1
