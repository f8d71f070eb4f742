"""scripts/env_from_example.py: the .env that `make up` creates for the stack."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from scripts.compose_check import REPO, compose
from scripts.env_from_example import fill

SCRIPT = REPO / "scripts/env_from_example.py"


def make_env(target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(REPO / ".env.example"), str(target)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_fills_each_empty_value_with_a_long_random_secret() -> None:
    filled = fill("A=\nB=kept\n# C=\n")

    a = re.search(r"^A=(.+)$", filled, re.M).group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{50,}", a)
    assert "B=kept\n" in filled
    assert "# C=\n" in filled


def test_every_run_makes_new_secrets() -> None:
    assert fill("A=\n") != fill("A=\n")


def test_the_env_file_starts_the_stack_and_only_its_owner_reads_it(tmp_path: Path) -> None:
    target = tmp_path / ".env"

    assert make_env(target).returncode == 0

    assert target.stat().st_mode & 0o777 == 0o600
    assert compose("config", "-q", env_file=target, secrets={}).returncode == 0


def test_an_existing_env_file_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    target.write_text("DJANGO_SECRET_KEY=mine\n")

    result = make_env(target)

    assert result.returncode != 0
    assert target.read_text() == "DJANGO_SECRET_KEY=mine\n"
