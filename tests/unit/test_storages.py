"""The three classic storages and the USE_S3_STATIC switch."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.templatetags.static import static

from direct_to_s3.storages import PublicMediaStorage, StaticStorage
from tests.conftest import bucket_name, change_storage_options

REPO = Path(__file__).resolve().parents[2]


def test_static_storage_writes_under_static() -> None:
    assert StaticStorage().location == "static"


def test_hashed_static_files_are_cached_for_a_year() -> None:
    params = StaticStorage().get_object_parameters("static/css/app.0123456789ab.css")

    assert params["CacheControl"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "name", ["static/css/app.css", "static/staticfiles.json", "static/vendor/htmx-2.0.11.min.js"]
)
def test_unhashed_static_files_and_the_manifest_are_revalidated(name: str) -> None:
    assert StaticStorage().get_object_parameters(name)["CacheControl"] == "no-cache"


def test_building_the_static_storage_does_not_read_the_manifest(monkeypatch) -> None:
    def no_network(self: Any) -> None:
        raise AssertionError("the manifest was read")

    monkeypatch.setattr(StaticStorage, "read_manifest", no_network)

    StaticStorage()


@pytest.fixture
def static_on_moto(moto_s3: Any, settings: Any, tmp_path: Path) -> Any:
    """USE_S3_STATIC as production has it, with moto as the bucket."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "direct_to_s3.storages.StaticStorage",
            "OPTIONS": {"bucket_name": bucket_name()},
        },
    }
    # The admin's hundred files prove nothing more here and cost seconds on moto.
    call_command("collectstatic", "--noinput", "--ignore=admin", verbosity=0)
    return moto_s3


def test_collectstatic_uploads_hashed_copies_cached_forever(static_on_moto: Any, settings) -> None:
    bucket = bucket_name()
    manifest = json.loads(
        static_on_moto.get_object(Bucket=bucket, Key="static/staticfiles.json")["Body"].read()
    )

    hashed = manifest["paths"]["direct_to_s3/css/app.css"]
    head = static_on_moto.head_object(Bucket=bucket, Key=f"static/{hashed}")
    assert re.fullmatch(r"direct_to_s3/css/app\.[0-9a-f]{12}\.css", hashed)
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert head["ContentType"] == "text/css"


def test_pages_link_hashed_static_names(static_on_moto: Any, settings) -> None:
    settings.DEBUG = False
    fresh = StaticStorage(bucket_name=bucket_name())

    url = fresh.url("direct_to_s3/css/app.css")

    assert url == static("direct_to_s3/css/app.css")
    assert url.startswith(
        "https://test-uploads.s3.us-east-1.amazonaws.com/static/direct_to_s3/css/app."
    )
    assert url != "https://test-uploads.s3.us-east-1.amazonaws.com/static/direct_to_s3/css/app.css"


def test_static_storage_reads_the_manifest_once(static_on_moto: Any, settings, monkeypatch) -> None:
    settings.DEBUG = False
    fresh = StaticStorage(bucket_name=bucket_name())
    reads = []
    original = StaticStorage.read_manifest
    monkeypatch.setattr(
        StaticStorage, "read_manifest", lambda self: reads.append(1) or original(self)
    )

    fresh.url("direct_to_s3/css/app.css")
    fresh.url("direct_to_s3/vendor/htmx-2.0.11.min.js")

    assert reads == [1]


def test_static_storage_saves_with_the_cache_header(moto_s3: Any, settings) -> None:
    storage = StaticStorage(bucket_name=bucket_name())

    storage.save("img/logo.0123456789ab.png", ContentFile(b"png"))

    head = moto_s3.head_object(Bucket=bucket_name(), Key="static/img/logo.0123456789ab.png")
    assert head["CacheControl"] == "public, max-age=31536000, immutable"


def test_public_media_lives_under_media_and_never_overwrites() -> None:
    storage = PublicMediaStorage()

    assert storage.location == "media"
    assert storage.file_overwrite is False
    assert storage.querystring_auth is False


def test_private_media_is_signed_and_never_on_the_custom_domain(settings) -> None:
    change_storage_options(settings, custom_domain="cdn.example.com", aliases=("public_media",))
    storage = storages.create_storage(settings.STORAGES["private_media"])

    assert storage.location == "private"
    assert storage.querystring_auth is True
    assert storage.custom_domain is False
    assert "X-Amz-Signature" in storage.url("a.pdf")


def test_no_storage_sets_object_acls() -> None:
    for alias in ("default", "public_media", "private_media"):
        assert storages.create_storage(storages.backends[alias]).default_acl is None


def test_public_media_urls_use_the_cdn_domain(settings) -> None:
    change_storage_options(settings, custom_domain="cdn.example.com", aliases=("public_media",))

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
            "from django.templatetags.static import static; "
            "print(static('direct_to_s3/css/app.css'))",
        ],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_static_files_are_served_locally_by_default() -> None:
    assert static_url_with() == "/static/direct_to_s3/css/app.css"


def test_use_s3_static_points_pages_at_the_bucket() -> None:
    url = static_url_with(USE_S3_STATIC="true")

    assert url == "http://127.0.0.1:8333/uploads-dev/static/direct_to_s3/css/app.css"


def test_use_s3_static_uses_the_cdn_domain_when_set() -> None:
    url = static_url_with(USE_S3_STATIC="true", AWS_S3_CUSTOM_DOMAIN="cdn.example.com")

    assert url == "https://cdn.example.com/static/direct_to_s3/css/app.css"
