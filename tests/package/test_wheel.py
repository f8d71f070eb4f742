"""The wheel carries the app (code, migrations, templates, static files) and nothing else."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def wheel(wheel_path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(wheel_path)


def names(wheel: zipfile.ZipFile) -> set[str]:
    return set(wheel.namelist())


@pytest.mark.parametrize(
    "path",
    [
        "direct_to_s3/__init__.py",
        "direct_to_s3/models.py",
        "direct_to_s3/migrations/0001_initial.py",
        "direct_to_s3/templates/direct_to_s3/index.html",
        "direct_to_s3/static/direct_to_s3/css/app.css",
        "direct_to_s3/static/direct_to_s3/vendor/htmx-2.0.11.min.js",
        "direct_to_s3/management/commands/sweep_uploads.py",
    ],
)
def test_the_wheel_carries_the_app(wheel: zipfile.ZipFile, path: str) -> None:
    assert path in names(wheel)


def test_the_wheel_carries_the_apps_javascript(wheel: zipfile.ZipFile) -> None:
    assert any(n.startswith("direct_to_s3/static/direct_to_s3/js/") for n in names(wheel))


def test_the_wheel_carries_nothing_but_the_app(wheel: zipfile.ZipFile) -> None:
    roots = {name.split("/")[0] for name in names(wheel)}

    assert {root for root in roots if not root.endswith(".dist-info")} == {"direct_to_s3"}


def test_the_wheel_declares_its_dependencies(wheel: zipfile.ZipFile) -> None:
    (metadata,) = [n for n in names(wheel) if n.endswith(".dist-info/METADATA")]
    text = wheel.read(metadata).decode()

    assert "Name: django-direct-to-s3" in text
    declared = {
        line.split(":", 1)[1].strip().split(">")[0].split("<")[0].lower()
        for line in text.splitlines()
        if line.startswith("Requires-Dist:")
    }
    assert declared == {"django", "boto3", "django-storages"}
