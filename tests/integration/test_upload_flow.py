"""The whole path against a real S3 server: ticket → browser-style POST → verify → serve."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from direct_to_s3.models import Upload
from tests.conftest import bucket_name, post_json, s3_endpoint_url
from tests.integration.helpers import post_to_s3

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.7\n%%EOF\n"


def start_upload(api: Any, **overrides: Any) -> dict[str, Any]:
    payload = {"filename": "photo.png", "content_type": "image/png", "size": len(PNG)}
    payload.update(overrides)
    response = post_json(api, "/api/uploads", {"visibility": "public", **payload})
    assert response.status_code == 201, response.json()
    return response.json()


def test_public_upload_goes_to_s3_and_completes(api: Any, real_s3: Any) -> None:
    ticket = start_upload(api)

    s3_response = post_to_s3(ticket["upload"], PNG)
    completed = post_json(api, f"/api/uploads/{ticket['id']}/complete")

    assert s3_response.status_code == 201
    assert "<Key>" in s3_response.text
    assert completed.status_code == 200
    assert completed.json()["status"] == "complete"
    assert Upload.objects.get(id=ticket["id"]).status == Upload.Status.COMPLETE


def test_public_url_serves_the_bytes_without_a_signature(api: Any, real_s3: Any) -> None:
    ticket = start_upload(api)
    post_to_s3(ticket["upload"], PNG)
    url = post_json(api, f"/api/uploads/{ticket['id']}/complete").json()["url"]

    response = requests.get(url, timeout=10)

    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["Content-Type"] == "image/png"


def test_private_file_opens_through_the_signed_redirect(api: Any, real_s3: Any) -> None:
    ticket = start_upload(
        api,
        visibility="private",
        filename="report.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    post_to_s3(ticket["upload"], PDF)
    post_json(api, f"/api/uploads/{ticket['id']}/complete")

    redirect = api.get(f"/files/{ticket['id']}")
    response = requests.get(redirect["Location"], timeout=10)

    assert redirect.status_code == 302
    assert "X-Amz-Signature=" in redirect["Location"]
    assert response.content == PDF
    assert "report.pdf" in response.headers["Content-Disposition"]


def test_private_object_is_refused_without_a_signature(
    api: Any, real_s3: Any, settings: Any
) -> None:
    ticket = start_upload(
        api, visibility="private", filename="notes.txt", content_type="text/plain", size=5
    )
    post_to_s3(ticket["upload"], b"hello")
    post_json(api, f"/api/uploads/{ticket['id']}/complete")
    unsigned_url = f"{s3_endpoint_url()}/{bucket_name()}/{ticket['key']}"

    response = requests.get(unsigned_url, timeout=10)

    assert response.status_code == 403
