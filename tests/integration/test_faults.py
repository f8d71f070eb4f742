"""When S3 is down or things go wrong mid-way: clear answers, nothing lost."""

from __future__ import annotations

from typing import Any

import pytest

from direct_to_s3.models import Upload
from tests.conftest import bucket_name, change_storage_options, post_json
from tests.integration.helpers import post_to_s3

pytestmark = pytest.mark.django_db

DEAD_ENDPOINT = "http://127.0.0.1:9"  # discard port: nothing listens
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
SMALL = {"filename": "a.png", "content_type": "image/png", "size": len(PNG), "visibility": "public"}


@pytest.mark.parametrize("size", [len(PNG), 200 * 1024**2], ids=["post", "multipart"])
def test_s3_unreachable_when_creating_is_503_and_leaves_no_row(
    api: Any, real_s3: Any, settings: Any, size: int
) -> None:
    change_storage_options(settings, endpoint_url=DEAD_ENDPOINT)

    response = post_json(api, "/api/uploads", {**SMALL, "size": size})

    assert response.status_code == 503
    assert "cannot be reached" in response.json()["error"]
    assert not Upload.objects.exists()


def test_s3_unreachable_at_complete_is_503_then_a_retry_completes(
    api: Any, real_s3: Any, settings: Any, seaweedfs: Any
) -> None:
    ticket = post_json(api, "/api/uploads", SMALL).json()
    post_to_s3(ticket["upload"], PNG)
    change_storage_options(settings, endpoint_url=DEAD_ENDPOINT)

    during = post_json(api, f"/api/uploads/{ticket['id']}/complete")
    assert Upload.objects.get(id=ticket["id"]).status == Upload.Status.PENDING
    change_storage_options(settings, endpoint_url=seaweedfs.endpoint_url)
    after = post_json(api, f"/api/uploads/{ticket['id']}/complete")

    assert during.status_code == 503
    assert after.status_code == 200
    assert after.json()["status"] == "complete"


def test_complete_of_an_object_never_uploaded_is_409(api: Any, real_s3: Any) -> None:
    ticket = post_json(api, "/api/uploads", SMALL).json()

    response = post_json(api, f"/api/uploads/{ticket['id']}/complete")

    assert response.status_code == 409
    assert Upload.objects.get(id=ticket["id"]).status == Upload.Status.PENDING


@pytest.mark.parametrize("body", [PNG * 2, b""], ids=["larger", "empty"])
def test_object_replaced_with_another_size_is_409_failed_and_deleted(
    api: Any, real_s3: Any, settings: Any, body: bytes
) -> None:
    ticket = post_json(api, "/api/uploads", SMALL).json()
    bucket = bucket_name()
    incoming = ticket["upload"]["fields"]["key"]
    real_s3.put_object(Bucket=bucket, Key=incoming, Body=body, ContentType="image/png")

    response = post_json(api, f"/api/uploads/{ticket['id']}/complete")

    assert response.status_code == 409
    assert Upload.objects.get(id=ticket["id"]).status == Upload.Status.FAILED
    for key in (incoming, ticket["key"]):
        assert real_s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount") == 0


def test_html_posing_as_png_is_caught_on_real_s3(api: Any, real_s3: Any, settings: Any) -> None:
    html = b"<!doctype html><script>alert(1)</script>"
    ticket = post_json(api, "/api/uploads", {**SMALL, "size": len(html)}).json()
    post_to_s3(ticket["upload"], html)

    response = post_json(api, f"/api/uploads/{ticket['id']}/complete")

    bucket = bucket_name()
    assert response.status_code == 409
    assert real_s3.list_objects_v2(Bucket=bucket, Prefix=ticket["key"]).get("KeyCount") == 0
