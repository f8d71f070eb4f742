"""collectstatic uploads to static/ on a real S3 server and pages reference fetchable URLs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from tests.conftest import bucket_name, s3_endpoint_url

pytestmark = pytest.mark.django_db

HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|svg)$")


@pytest.fixture
def s3_static(real_s3: Any, settings: Any, tmp_path: Any) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "direct_to_s3.storages.StaticStorage",
            # The same bucket as the media, as the demo site configures it.
            "OPTIONS": settings.STORAGES["public_media"]["OPTIONS"],
        },
    }
    # The bucket lives for the whole session: collect once (seconds each), not for every test.
    manifest = real_s3.list_objects_v2(Bucket=bucket_name(), Prefix="static/staticfiles.json")
    if not manifest.get("KeyCount"):
        call_command("collectstatic", "--noinput", verbosity=0)


def page_static_urls(user: Any) -> list[str]:
    client = Client()
    client.force_login(user)
    page = client.get("/").content.decode()
    urls = re.findall(r'(?:href|src)="([^"]+/static/[^"]+)"', page)
    linked = {re.sub(r".*/static/|[0-9a-f]{12}\.(css|js)$", "", url) for url in urls}
    assert {"direct_to_s3/css/app.", "direct_to_s3/vendor/htmx-2.0.11.min."} <= linked, urls
    assert any(name.startswith("direct_to_s3/js/") for name in linked), urls
    return urls


def test_collectstatic_uploads_under_static(s3_static: None, real_s3: Any, settings: Any) -> None:
    listing = real_s3.list_objects_v2(Bucket=bucket_name(), Prefix="static/")

    keys = {item["Key"] for item in listing.get("Contents", [])}
    assert {
        "static/favicon.svg",
        "static/direct_to_s3/css/app.css",
        "static/direct_to_s3/vendor/htmx-2.0.11.min.js",
    } <= keys
    assert any(key.startswith("static/direct_to_s3/js/") for key in keys)
    assert "static/staticfiles.json" in keys


def test_page_references_static_files_that_s3_serves(
    s3_static: None, user: Any, settings: Any
) -> None:
    urls = page_static_urls(user)

    for url in urls:
        assert url.startswith(s3_endpoint_url())
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, url


def test_pages_reference_hashed_names_cached_for_a_year(s3_static: None, user: Any) -> None:
    urls = page_static_urls(user)

    for url in urls:
        assert HASHED.search(url), url
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url


def test_a_hashed_file_holds_the_source_bytes(s3_static: None, user: Any, settings: Any) -> None:
    (htmx_url,) = [url for url in page_static_urls(user) if "/vendor/htmx-" in url]

    served = requests.get(htmx_url, timeout=10).content

    source = finders.find("direct_to_s3/vendor/htmx-2.0.11.min.js")
    assert served == Path(source).read_bytes()


def test_the_manifest_is_revalidated_not_cached(s3_static: None, real_s3: Any, settings) -> None:
    head = real_s3.head_object(Bucket=bucket_name(), Key="static/staticfiles.json")

    assert head["CacheControl"] == "no-cache"


def test_collectstatic_runs_again_on_every_deploy(
    s3_static: None, real_s3: Any, settings: Any
) -> None:
    def manifest() -> bytes:
        return real_s3.get_object(Bucket=bucket_name(), Key="static/staticfiles.json")[
            "Body"
        ].read()

    before = manifest()

    call_command("collectstatic", "--noinput", verbosity=0)

    assert manifest() == before
