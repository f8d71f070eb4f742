"""The benchmark-only views: off unless asked for; the proxy upload stores through storages,
the insert-one-row baseline records one row for a logged-in user."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import bucket_name

pytestmark = pytest.mark.django_db

BENCH_URLS = pytest.mark.urls("devtools.urls")


def test_bench_views_are_not_mounted_by_default(client: Client) -> None:
    assert client.get("/bench/ping").status_code == 404


@BENCH_URLS
def test_ping_answers_json(client: Client) -> None:
    response = client.get("/bench/ping")

    assert response.status_code == 200
    assert response.json() == {"ok": True}


@BENCH_URLS
def test_proxy_upload_saves_the_file_under_media(api: Client, moto_s3: Any, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "public_media": {
            "BACKEND": "direct_to_s3.storages.PublicMediaStorage",
            "OPTIONS": {"bucket_name": bucket_name()},
        },
    }
    upload = SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftypisom" + b"x" * 100)

    response = api.post("/bench/proxy-upload", {"file": upload})

    assert response.status_code == 201
    key = response.json()["key"]
    assert key.startswith("media/bench/")
    assert key.endswith("/clip.mp4")
    stored = moto_s3.get_object(Bucket=bucket_name(), Key=key)
    assert stored["ContentLength"] == 112


@BENCH_URLS
def test_proxy_upload_needs_a_login(client: Client) -> None:
    upload = SimpleUploadedFile("clip.mp4", b"data")

    response = client.post("/bench/proxy-upload", {"file": upload})

    assert response.status_code == 401


@BENCH_URLS
def test_proxy_upload_keeps_csrf_protection(user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/bench/proxy-upload", {"file": SimpleUploadedFile("a.txt", b"a")})

    assert response.status_code == 403


@BENCH_URLS
def test_proxy_upload_without_a_file_is_400(api: Client) -> None:
    response = api.post("/bench/proxy-upload", {})

    assert response.status_code == 400
    assert response.json()["field"] == "file"


@BENCH_URLS
def test_insert_one_row_records_one_log_entry_for_the_user(api: Client, user: Any) -> None:
    response = api.post("/bench/insert", {"filename": "photo.png"}, content_type="application/json")

    assert response.status_code == 201
    entry = LogEntry.objects.get()
    assert (entry.user_id, entry.object_repr) == (user.pk, "photo.png")
    assert response.json() == {"id": entry.pk, "filename": "photo.png"}


@BENCH_URLS
def test_insert_one_row_needs_a_login(client: Client) -> None:
    response = client.post("/bench/insert", {"filename": "a"}, content_type="application/json")

    assert response.status_code == 401
    assert not LogEntry.objects.exists()


@BENCH_URLS
def test_insert_one_row_keeps_csrf_protection(user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/bench/insert", {"filename": "a"}, content_type="application/json")

    assert response.status_code == 403


@BENCH_URLS
def test_insert_one_row_without_a_name_is_400(api: Client) -> None:
    response = api.post("/bench/insert", {}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["field"] == "filename"
