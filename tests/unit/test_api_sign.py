"""Signing what an S3 client asks for (Uppy's `signRequest`), with moto: each request is
checked against the upload's record, and the app's stand-in for S3 does the multipart steps."""

from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.etree import ElementTree

import pytest
from django.test import Client

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings, post_json

pytestmark = pytest.mark.django_db

MiB = 1024**2


def start(api: Client, size: int, filename: str = "film.mp4") -> dict[str, Any]:
    payload = {"filename": filename, "content_type": "video/mp4", "size": size}
    response = post_json(api, "/api/uploads", payload)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def big(api: Client, moto_s3: Any, settings: Any) -> dict[str, Any]:
    change_app_settings(settings, MULTIPART_THRESHOLD=64 * MiB)
    return start(api, 100 * MiB)


@pytest.fixture
def small(api: Client, moto_s3: Any) -> dict[str, Any]:
    return start(api, 10)


def sign(api: Client, upload: dict[str, Any], **request: Any) -> Any:
    return post_json(api, upload["links"]["sign"], request)


def part(upload: dict[str, Any], number: int) -> dict[str, Any]:
    return {
        "method": "PUT",
        "key": upload["key"],
        "uploadId": upload["upload"]["multipart_upload_id"],
        "partNumber": number,
    }


def parsed(response: Any) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)  # noqa: S314 (the app's own answer)


def xml_of(response: Any) -> dict[str, str]:
    return {child.tag: child.text or "" for child in parsed(response)}


# --- What is signed ---------------------------------------------------------------------------


def test_api_root_names_the_part_plan(api: Client, settings: Any) -> None:
    change_app_settings(settings, MULTIPART_THRESHOLD=64 * MiB, MAX_SIZE=2 * 1024**3)

    plan = api.get("/api/").json()["part_plan"]

    assert plan == {
        "multipart_threshold": 64 * MiB,
        "min_part_size": 8 * MiB,
        "max_parts": 10_000,
        "max_size": 2 * 1024**3,
    }


def test_a_part_of_the_plan_is_signed_for_the_uploads_key_id_and_length(
    api: Client, big: dict[str, Any]
) -> None:
    response = sign(api, big, **part(big, 13))

    url = urlparse(response.json()["url"])
    assert url.path.endswith(big["key"])
    assert parse_qs(url.query)["uploadId"] == [big["upload"]["multipart_upload_id"]]
    assert parse_qs(url.query)["partNumber"] == ["13"]
    assert "content-length" in parse_qs(url.query)["X-Amz-SignedHeaders"][0]


def test_a_small_files_put_is_answered_with_its_post_policy(
    api: Client, small: dict[str, Any]
) -> None:
    response = sign(api, small, method="PUT", key=small["key"], contentType="video/mp4")

    body = response.json()
    assert body["fields"]["key"] == small["upload"]["fields"]["key"]
    assert body["key"] == small["key"]


def test_creating_the_multipart_upload_points_at_the_apps_stand_in(
    api: Client, big: dict[str, Any]
) -> None:
    body = sign(api, big, method="POST", key=big["key"]).json()

    assert body["url"] == big["links"]["s3"]
    assert body["key"] == big["key"]
    assert body["headers"]["X-CSRFToken"]


def test_the_stand_in_answers_create_with_the_uploads_own_s3_upload_id(
    api: Client, big: dict[str, Any]
) -> None:
    response = api.post(big["links"]["s3"])

    assert response["Content-Type"] == "application/xml"
    assert xml_of(response) == {"Key": big["key"], "UploadId": big["upload"]["multipart_upload_id"]}


def test_the_stand_in_lists_parts_with_their_etags(
    api: Client, big: dict[str, Any], moto_s3: Any
) -> None:
    upload_id = big["upload"]["multipart_upload_id"]
    stored = moto_s3.upload_part(
        Bucket="test-uploads", Key=big["key"], UploadId=upload_id, PartNumber=2, Body=b"x" * 10
    )
    url = sign(api, big, method="GET", key=big["key"], uploadId=upload_id).json()["url"]

    listed = parsed(api.get(url)).find("Part")

    assert listed is not None
    assert listed.findtext("PartNumber") == "2"
    assert listed.findtext("ETag") == stored["ETag"].strip('"')


def test_the_stand_in_aborts_by_cancelling(api: Client, big: dict[str, Any]) -> None:
    upload_id = big["upload"]["multipart_upload_id"]
    url = sign(api, big, method="DELETE", key=big["key"], uploadId=upload_id).json()["url"]

    response = api.delete(url)

    assert response.status_code == 204
    assert Upload.objects.get(pk=big["id"]).status == Upload.Status.CANCELLED


def test_the_stand_in_completes_only_what_complete_verifies(
    api: Client, big: dict[str, Any]
) -> None:
    upload_id = big["upload"]["multipart_upload_id"]
    url = sign(api, big, method="POST", key=big["key"], uploadId=upload_id).json()["url"]

    response = api.post(url, data="<CompleteMultipartUpload/>", content_type="application/xml")

    assert response.status_code == 409  # no part was sent
    assert response["x-amz-error-code"]
    assert "error" in response.json()


def test_the_stand_in_completes_a_verified_upload_and_answers_again_when_asked_again(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, MULTIPART_THRESHOLD=1)
    payload = {"filename": "a.bin", "content_type": "application/octet-stream", "size": 10}
    upload = post_json(api, "/api/uploads", payload).json()
    upload_id = upload["upload"]["multipart_upload_id"]
    moto_s3.upload_part(
        Bucket="test-uploads", Key=upload["key"], UploadId=upload_id, PartNumber=1, Body=b"x" * 10
    )
    url = sign(api, upload, method="POST", key=upload["key"], uploadId=upload_id).json()["url"]

    first, again = api.post(url), api.post(url)

    assert Upload.objects.get(pk=upload["id"]).status == Upload.Status.COMPLETE
    assert xml_of(first)["Location"] == f"/files/{upload['id']}"
    assert again.status_code == 200


def test_a_small_files_post_policy_is_not_signed_again_once_its_ticket_expired(
    api: Client, small: dict[str, Any]
) -> None:
    Upload.objects.filter(pk=small["id"]).update(expires_at="2000-01-01T00:00:00Z")

    response = sign(api, small, method="PUT", key=small["key"])

    assert response.status_code == 409


def test_the_parts_listing_carries_etags(api: Client, big: dict[str, Any], moto_s3: Any) -> None:
    upload_id = big["upload"]["multipart_upload_id"]
    stored = moto_s3.upload_part(
        Bucket="test-uploads", Key=big["key"], UploadId=upload_id, PartNumber=1, Body=b"x"
    )

    listed = api.get(big["links"]["parts"]).json()["parts"]

    assert listed == [{"part_number": 1, "size": 1, "etag": stored["ETag"]}]


# --- What is refused --------------------------------------------------------------------------


def test_another_key_is_refused(api: Client, big: dict[str, Any]) -> None:
    response = sign(api, big, **{**part(big, 1), "key": "media/elsewhere/x.mp4"})

    assert response.status_code == 403
    assert response.json()["field"] == "key"


def test_another_s3_upload_id_is_refused(api: Client, big: dict[str, Any]) -> None:
    response = sign(api, big, **{**part(big, 1), "uploadId": "someone-elses"})

    assert response.status_code == 403
    assert response.json()["field"] == "uploadId"


def test_another_uploads_s3_upload_id_is_refused(api: Client, big: dict[str, Any]) -> None:
    other = start(api, 100 * MiB, filename="other.mp4")

    response = sign(api, big, **part(other, 1) | {"key": big["key"]})

    assert response.status_code == 403


def test_a_part_outside_the_plan_is_refused(api: Client, big: dict[str, Any]) -> None:
    response = sign(api, big, **part(big, 14))

    assert response.status_code == 400
    assert "13 parts" in response.json()["error"]


def test_another_users_upload_is_not_found(
    big: dict[str, Any], other_user: Any, client: Client
) -> None:
    client.force_login(other_user)

    response = post_json(client, big["links"]["sign"], part(big, 1))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "request_",
    [
        {"method": "HEAD"},
        {"method": "DELETE"},  # deleting the object, not aborting the upload
        {"method": "GET"},  # reading the object
        {"method": "PUT", "partNumber": 1},  # a part without an upload id
    ],
)
def test_other_methods_are_refused(
    api: Client, big: dict[str, Any], request_: dict[str, Any]
) -> None:
    response = sign(api, big, key=big["key"], **request_)

    assert response.status_code in {400, 403}
    assert response.json()["field"] == "method"


def test_a_whole_object_put_of_a_multipart_upload_is_refused(
    api: Client, big: dict[str, Any]
) -> None:
    response = sign(api, big, method="PUT", key=big["key"])

    assert response.status_code == 403


def test_multipart_steps_of_a_small_file_are_refused(api: Client, small: dict[str, Any]) -> None:
    response = sign(api, small, method="POST", key=small["key"])

    assert response.status_code == 403


def test_nothing_is_signed_for_a_finished_upload(api: Client, big: dict[str, Any]) -> None:
    post_json(api, big["links"]["cancel"])

    response = sign(api, big, **part(big, 1))

    assert response.status_code == 409


def test_the_stand_in_refuses_another_s3_upload_id(api: Client, big: dict[str, Any]) -> None:
    response = api.get(f"{big['links']['s3']}?uploadId=someone-elses")

    assert response.status_code == 403
    assert response["x-amz-error-code"] == "AccessDenied"


def test_the_stand_in_of_another_users_upload_is_not_found(
    big: dict[str, Any], other_user: Any, client: Client
) -> None:
    client.force_login(other_user)

    response = client.get(big["links"]["s3"])

    assert response.status_code == 404


def test_the_stand_in_does_not_delete_objects(api: Client, big: dict[str, Any]) -> None:
    response = api.delete(big["links"]["s3"])  # no uploadId: S3's DeleteObject

    assert response.status_code == 403
    assert Upload.objects.get(pk=big["id"]).status == Upload.Status.PENDING
