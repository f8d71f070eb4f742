"""Abuse limits, hostile contents, script-capable types and security headers."""

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.test import Client

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings, change_storage_options, post_json, store_as_browser

pytestmark = pytest.mark.django_db

SMALL = {"filename": "a.png", "content_type": "image/png", "size": 10, "visibility": "public"}


@pytest.fixture(autouse=True)
def _fresh_rate_counters() -> None:
    cache.clear()


def test_creating_too_fast_gets_429_with_retry_after(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, CREATE_RATE_PER_MINUTE=3, CREATE_BURST=3)
    answers = [post_json(api, "/api/uploads", SMALL) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [201, 201, 201, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 61
    assert "Too many requests" in answers[-1].json()["error"]
    assert Upload.objects.count() == 3


def test_rate_limit_is_per_user(api: Client, moto_s3: Any, settings: Any, other_user: Any) -> None:
    change_app_settings(settings, CREATE_RATE_PER_MINUTE=1, CREATE_BURST=1)
    post_json(api, "/api/uploads", SMALL)
    other = Client()
    other.force_login(other_user)

    response = post_json(other, "/api/uploads", SMALL)

    assert response.status_code == 201


def test_signing_parts_too_fast_gets_429(api: Client, moto_s3: Any, settings: Any) -> None:
    change_app_settings(settings, MULTIPART_THRESHOLD=5, SIGN_RATE_PER_MINUTE=2, SIGN_BURST=2)
    big = post_json(api, "/api/uploads", {**SMALL, "size": 100}).json()
    url = f"/api/uploads/{big['id']}/parts"

    answers = [post_json(api, url, {"part_numbers": [1]}) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[-1]["Retry-After"]


def test_stored_bytes_quota_refuses_before_signing(
    api: Client, moto_s3: Any, settings: Any, user: Any, make_upload: Any
) -> None:
    change_app_settings(settings, QUOTA_BYTES=100)
    make_upload(user, size=95)

    response = post_json(api, "/api/uploads", SMALL)

    assert response.status_code == 413
    assert "Not enough space" in response.json()["error"]
    assert "upload" not in response.json()


def test_pending_bytes_quota(
    api: Client, moto_s3: Any, settings: Any, user: Any, make_upload: Any
) -> None:
    change_app_settings(settings, QUOTA_PENDING_BYTES=15)
    make_upload(user, size=10, status=Upload.Status.PENDING)

    response = post_json(api, "/api/uploads", SMALL)

    assert response.status_code == 413
    assert "in progress" in response.json()["error"]


def test_pending_count_quota(
    api: Client, moto_s3: Any, settings: Any, user: Any, make_upload: Any
) -> None:
    change_app_settings(settings, QUOTA_PENDING_COUNT=1)
    make_upload(user, status=Upload.Status.PENDING)

    response = post_json(api, "/api/uploads", SMALL)

    assert response.status_code == 413
    assert "unfinished uploads" in response.json()["error"]


def test_html_declared_as_png_is_rejected_deleted_and_failed(api: Client, moto_s3: Any) -> None:
    html = b"<!doctype html><script>alert(document.cookie)</script>"
    ticket = post_json(api, "/api/uploads", {**SMALL, "size": len(html)}).json()
    store_as_browser(moto_s3, ticket, html)

    response = post_json(api, f"/api/uploads/{ticket['id']}/complete")

    assert response.status_code == 409
    assert "not those of a image/png file" in response.json()["error"]
    assert Upload.objects.get(id=ticket["id"]).status == Upload.Status.FAILED
    assert moto_s3.list_objects_v2(Bucket="test-uploads").get("KeyCount") == 0


def test_public_uploads_are_stored_cacheable_for_a_day(api: Client, moto_s3: Any) -> None:
    fields = post_json(api, "/api/uploads", SMALL).json()["upload"]["fields"]

    assert fields["Cache-Control"] == "public, max-age=86400"


def test_private_uploads_stay_out_of_shared_caches(api: Client, moto_s3: Any) -> None:
    payload = {**SMALL, "visibility": "private"}

    fields = post_json(api, "/api/uploads", payload).json()["upload"]["fields"]

    assert fields["Cache-Control"] == "private, max-age=300"


def test_script_capable_uploads_are_stored_as_attachments(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, ALLOWED_CONTENT_TYPES=["image/svg+xml"])
    payload = {**SMALL, "filename": "logo.svg", "content_type": "image/svg+xml"}

    fields = post_json(api, "/api/uploads", payload).json()["upload"]["fields"]

    assert fields["Content-Disposition"] == "attachment"


def test_script_capable_files_download_with_a_harmless_type(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="public", content_type="image/svg+xml")
    client = Client()
    client.force_login(user)

    location = client.get(f"/files/{upload.id}")["Location"]

    query = parse_qs(urlparse(location).query)
    assert query["response-content-type"] == ["application/octet-stream"]
    assert query["response-content-disposition"][0].startswith("attachment;")


def test_private_html_is_stored_as_an_attachment_by_default(api: Client, moto_s3: Any) -> None:
    payload = {
        **SMALL,
        "filename": "page.html",
        "content_type": "text/html",
        "visibility": "private",
    }

    fields = post_json(api, "/api/uploads", payload).json()["upload"]["fields"]

    assert fields["Content-Disposition"] == "attachment"


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "application/xhtml+xml"])
def test_private_script_capable_files_download_with_a_harmless_type(
    user: Any, make_upload: Any, content_type: str
) -> None:
    upload = make_upload(user, visibility="private", content_type=content_type)
    client = Client()
    client.force_login(user)

    location = client.get(f"/files/{upload.id}")["Location"]

    query = parse_qs(urlparse(location).query)
    assert "X-Amz-Signature" in query
    assert query["response-content-type"] == ["application/octet-stream"]
    assert query["response-content-disposition"][0].startswith("attachment;")


def test_pages_send_security_headers(user: Any) -> None:
    client = Client()
    client.force_login(user)

    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "https://test-uploads.s3.us-east-1.amazonaws.com" in csp  # public files
    assert "connect-src 'self' https://s3.amazonaws.com" in csp  # uploads (path style)
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_csp_allows_the_local_s3_origin(user: Any, settings: Any) -> None:
    change_storage_options(settings, endpoint_url="http://127.0.0.1:8333")
    client = Client()
    client.force_login(user)

    csp = client.get("/")["Content-Security-Policy"]

    assert "connect-src 'self' http://127.0.0.1:8333;" in csp
    assert "img-src 'self' data: http://127.0.0.1:8333;" in csp


def test_display_name_is_kept_and_key_is_safe(api: Client, moto_s3: Any) -> None:
    payload = {**SMALL, "filename": "../\u202eevil\x07 ñame.png"}

    body = post_json(api, "/api/uploads", payload).json()

    assert body["filename"] == "evil ñame.png"
    assert body["key"].endswith("/evil-name.png")
