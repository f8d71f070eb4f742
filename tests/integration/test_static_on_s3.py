"""collectstatic uploads to static/ on a real S3 server and pages reference fetchable URLs."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3_static(real_s3: Any, settings: Any, tmp_path: Any) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "uploads.storages.StaticStorage",
            "OPTIONS": {
                "bucket_name": settings.AWS_STORAGE_BUCKET_NAME,
                "endpoint_url": settings.AWS_S3_ENDPOINT_URL,
                "access_key": settings.AWS_ACCESS_KEY_ID,
                "secret_key": settings.AWS_SECRET_ACCESS_KEY,
                "region_name": settings.AWS_S3_REGION_NAME,
                "signature_version": "s3v4",
                "addressing_style": "path",
            },
        },
    }
    call_command("collectstatic", "--noinput", verbosity=0)


def test_collectstatic_uploads_under_static(s3_static: None, real_s3: Any, settings: Any) -> None:
    listing = real_s3.list_objects_v2(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Prefix="static/")

    keys = {item["Key"] for item in listing.get("Contents", [])}
    assert {"static/css/app.css", "static/js/upload.js", "static/vendor/htmx-2.0.11.min.js"} <= keys


def test_page_references_static_files_that_s3_serves(
    s3_static: None, user: Any, settings: Any
) -> None:
    client = Client()
    client.force_login(user)
    page = client.get("/").content.decode()

    urls = re.findall(r'(?:href|src)="([^"]+/static/[^"]+)"', page)

    assert len(urls) == 3
    for url in urls:
        assert url.startswith(settings.AWS_S3_ENDPOINT_URL)
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, url
