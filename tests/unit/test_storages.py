"""The three classic storages and the USE_S3_STATIC switch."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.files.storage import storages

from uploads.storages import PrivateMediaStorage, PublicMediaStorage, StaticStorage

REPO = Path(__file__).resolve().parents[2]


def test_static_storage_writes_under_static() -> None:
    assert StaticStorage().location == "static"


def test_public_media_lives_under_media_and_never_overwrites() -> None:
    storage = PublicMediaStorage()

    assert storage.location == "media"
    assert storage.file_overwrite is False
    assert storage.querystring_auth is False


def test_private_media_is_signed_and_never_on_the_custom_domain(settings) -> None:
    settings.AWS_S3_CUSTOM_DOMAIN = "cdn.example.com"
    storage = PrivateMediaStorage()

    assert storage.location == "private"
    assert storage.querystring_auth is True
    assert storage.custom_domain is False
    assert "X-Amz-Signature" in storage.url("a.pdf")


def test_no_storage_sets_object_acls() -> None:
    for alias in ("default", "public_media", "private_media"):
        assert storages.create_storage(storages.backends[alias]).default_acl is None


def test_public_media_urls_use_the_cdn_domain(settings) -> None:
    settings.AWS_S3_CUSTOM_DOMAIN = "cdn.example.com"

    assert PublicMediaStorage().url("a b.png") == "https://cdn.example.com/media/a%20b.png"


def static_url_with(**env: str) -> str:
    """Ask a fresh Django process (real settings, real environment) for a static URL."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "USE_S3"))}
    result = subprocess.run(
        [
            sys.executable,
            "web/manage.py",
            "shell",
            "-c",
            "from django.templatetags.static import static; print(static('css/app.css'))",
        ],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_static_files_are_served_locally_by_default() -> None:
    assert static_url_with() == "/static/css/app.css"


def test_use_s3_static_points_pages_at_the_bucket() -> None:
    url = static_url_with(USE_S3_STATIC="true")

    assert url == "http://127.0.0.1:8333/uploads-dev/static/css/app.css"


def test_use_s3_static_uses_the_cdn_domain_when_set() -> None:
    url = static_url_with(USE_S3_STATIC="true", AWS_S3_CUSTOM_DOMAIN="cdn.example.com")

    assert url == "https://cdn.example.com/static/css/app.css"
