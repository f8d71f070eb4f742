"""The multipart side of the API, with moto: ticket shape, part signing rules, listing."""

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings, post_json

pytestmark = pytest.mark.django_db

MiB = 1024**2
MD5_OF_EMPTY = "1B2M2Y8AsgTpgAmY7PhCfg=="


@pytest.fixture
def big(api: Client, moto_s3: Any, settings: Any) -> dict[str, Any]:
    change_app_settings(settings, MULTIPART_THRESHOLD=64 * MiB)
    payload = {
        "filename": "film.mp4",
        "content_type": "video/mp4",
        "size": 100 * MiB,
        "visibility": "private",
        "last_modified": 1_700_000_000_000,
    }
    response = post_json(api, "/api/uploads", payload)
    assert response.status_code == 201, response.content
    return response.json()


def sign(api: Client, upload_id: str, body: Any) -> Any:
    return post_json(api, f"/api/uploads/{upload_id}/parts", body)


def test_file_above_threshold_gets_a_multipart_ticket(big: dict[str, Any]) -> None:
    ticket = big["upload"]

    assert ticket["method"] == "multipart"
    assert ticket["part_size"] == 8 * MiB
    assert ticket["part_count"] == 13
    assert ticket["multipart_upload_id"]
    assert big["links"]["parts"] == f"/api/uploads/{big['id']}/parts"


def test_file_at_the_threshold_still_uses_a_single_post(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, MULTIPART_THRESHOLD=64 * MiB)
    payload = {"filename": "a.mp4", "content_type": "video/mp4", "size": 64 * MiB}

    response = post_json(api, "/api/uploads", payload)

    assert response.json()["upload"]["method"] == "POST"


def test_multipart_upload_is_created_on_s3_for_the_servers_key(
    big: dict[str, Any], moto_s3: Any
) -> None:
    uploads = moto_s3.list_multipart_uploads(Bucket="test-uploads")["Uploads"]

    assert [(u["Key"], u["UploadId"]) for u in uploads] == [
        (big["key"], big["upload"]["multipart_upload_id"])
    ]


def test_signed_part_urls_name_the_uploads_key_id_and_length(
    api: Client, big: dict[str, Any]
) -> None:
    parts = sign(api, big["id"], {"part_numbers": [1, 13]}).json()["parts"]

    first, last = (urlparse(part["url"]) for part in parts)
    assert first.path.endswith(big["key"])
    assert parse_qs(first.query)["uploadId"] == [big["upload"]["multipart_upload_id"]]
    assert parse_qs(first.query)["partNumber"] == ["1"]
    assert parse_qs(last.query)["partNumber"] == ["13"]
    assert [part["size"] for part in parts] == [8 * MiB, 4 * MiB]


def test_a_given_md5_is_signed_into_the_url(api: Client, big: dict[str, Any]) -> None:
    body = {"part_numbers": [1], "content_md5": {"1": MD5_OF_EMPTY}}

    part = sign(api, big["id"], body).json()["parts"][0]

    assert part["signed_md5"] is True
    assert "content-md5" in parse_qs(urlparse(part["url"]).query)["X-Amz-SignedHeaders"][0]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({}, "part_numbers", "List the parts"),
        ({"part_numbers": []}, "part_numbers", "List the parts"),
        ({"part_numbers": [0]}, "part_numbers", "from 1 to 10000"),
        ({"part_numbers": ["1"]}, "part_numbers", "from 1 to 10000"),
        ({"part_numbers": [1, 1]}, "part_numbers", "only once"),
        ({"part_numbers": list(range(1, 102))}, "part_numbers", "at most 100"),
        ({"part_numbers": [14]}, "parts", "this upload has 13 parts"),
        ({"part_numbers": [1], "content_md5": {"1": "abc"}}, "content_md5", "MD5"),
        ({"part_numbers": [1], "content_md5": {"2": MD5_OF_EMPTY}}, "content_md5", "listed"),
        ({"part_numbers": [1], "content_md5": ["x"]}, "content_md5", "maps part numbers"),
    ],
)
def test_bad_part_requests_get_400(
    api: Client, big: dict[str, Any], body: Any, field: str, words: str
) -> None:
    response = sign(api, big["id"], body)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert words in response.json()["error"]


def test_parts_of_a_single_post_upload_are_409(api: Client, moto_s3: Any) -> None:
    payload = {"filename": "a.png", "content_type": "image/png", "size": 10}
    small = post_json(api, "/api/uploads", payload).json()

    response = sign(api, small["id"], {"part_numbers": [1]})

    assert response.status_code == 409
    assert "one piece" in response.json()["error"]


def test_parts_of_a_cancelled_upload_are_409(api: Client, big: dict[str, Any]) -> None:
    post_json(api, f"/api/uploads/{big['id']}/cancel")

    response = sign(api, big["id"], {"part_numbers": [1]})

    assert response.status_code == 409
    assert "cancelled" in response.json()["error"]


def test_stored_parts_lists_what_s3_holds(api: Client, big: dict[str, Any], moto_s3: Any) -> None:
    stored = moto_s3.upload_part(
        Bucket="test-uploads",
        Key=big["key"],
        UploadId=big["upload"]["multipart_upload_id"],
        PartNumber=2,
        Body=b"x" * 10,
    )

    response = api.get(f"/api/uploads/{big['id']}/parts")

    assert response.json() == {
        "part_size": 8 * MiB,
        "part_count": 13,
        "parts": [{"part_number": 2, "size": 10, "etag": stored["ETag"]}],
    }


def test_pending_filter_finds_a_resumable_upload(api: Client, big: dict[str, Any]) -> None:
    response = api.get("/api/uploads?status=pending")

    [listed] = response.json()["uploads"]
    assert listed["id"] == big["id"]
    assert listed["method"] == "multipart"
    assert listed["last_modified"] == 1_700_000_000_000


def test_unknown_status_filter_is_400(api: Client) -> None:
    response = api.get("/api/uploads?status=whatever")

    assert response.status_code == 400
    assert response.json()["field"] == "status"


def test_cancel_aborts_the_multipart_upload_on_s3(
    api: Client, big: dict[str, Any], moto_s3: Any
) -> None:
    post_json(api, f"/api/uploads/{big['id']}/cancel")

    assert moto_s3.list_multipart_uploads(Bucket="test-uploads").get("Uploads", []) == []
    assert Upload.objects.get(id=big["id"]).status == Upload.Status.CANCELLED


def test_negative_last_modified_is_400(api: Client, moto_s3: Any) -> None:
    payload = {"filename": "a.png", "content_type": "image/png", "size": 10, "last_modified": -1}

    response = post_json(api, "/api/uploads", payload)

    assert response.json()["field"] == "last_modified"
