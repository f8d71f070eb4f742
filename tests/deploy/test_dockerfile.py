"""The web image: what goes in and who runs it. (`make lint` runs hadolint on it.)"""

from __future__ import annotations

import re

from scripts.compose_check import REPO

DOCKERFILE = (REPO / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    return re.findall(rf"^{name}\s+(.+)$", DOCKERFILE, flags=re.MULTILINE)


def test_the_app_runs_as_an_unprivileged_user() -> None:
    user = instructions("USER")[-1].split(":")[0]

    assert user not in {"root", "0"}
    assert int(user) >= 1000


def test_it_installs_the_pinned_app_dependencies_only() -> None:
    (install,) = [run for run in instructions("RUN") if "--group" in run]

    assert "pip install --group app" in install
    assert re.search(r'"pip==[\d.]+"', install)


def test_gunicorn_serves_the_wsgi_app_on_port_8000() -> None:
    (command,) = instructions("CMD")

    assert command.startswith('["gunicorn", "config.wsgi", "--bind=0.0.0.0:8000"')
    assert instructions("EXPOSE") == ["8000"]


def test_gunicorn_writes_nothing_to_the_read_only_filesystem() -> None:
    (command,) = instructions("CMD")

    assert '"--worker-tmp-dir=/dev/shm"' in command
    assert '"--no-control-socket"' in command  # else it makes ~/.gunicorn/gunicorn.ctl


def test_the_build_context_leaves_out_local_state_and_secrets() -> None:
    ignored = (REPO / ".dockerignore").read_text().splitlines()

    allowed = [line for line in ignored if line.startswith("!")]

    # Everything is left out (the virtualenv, .env, .data, .git, tests) but what is named after.
    assert all(ignored.index(line) > ignored.index("*") for line in allowed)
    assert set(allowed) == {"!pyproject.toml", "!web/", "!templates/", "!static/"}
