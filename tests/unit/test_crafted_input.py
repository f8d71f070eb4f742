"""Crafted request bodies that once crashed the API: each is now a 400 naming what is wrong."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings, post_json

pytestmark = pytest.mark.django_db

SMALL = {"filename": "a.png", "content_type": "image/png", "size": 10, "visibility": "public"}


@pytest.fixture
def multipart_id(api: Client, moto_s3: Any, settings: Any) -> str:
    change_app_settings(settings, MULTIPART_THRESHOLD=5)
    return post_json(api, "/api/uploads", {**SMALL, "size": 100}).json()["id"]


def send(client: Client, path: str, body: str) -> Any:
    data = body.encode("utf-8", "surrogatepass")
    return client.post(path, data=data, content_type="application/json")


def test_a_size_of_4000_digits_is_a_400_on_size(api: Client, moto_s3: Any) -> None:
    response = post_json(api, "/api/uploads", {**SMALL, "size": int("9" * 4000)})

    assert response.status_code == 400
    assert response.json()["field"] == "size"
    assert len(response.json()["error"]) < 200


def test_a_last_modified_of_2_to_the_63_is_a_400_on_last_modified(
    api: Client, moto_s3: Any
) -> None:
    response = post_json(api, "/api/uploads", {**SMALL, "last_modified": 2**63})

    assert response.status_code == 400
    assert response.json()["field"] == "last_modified"
    assert Upload.objects.count() == 0


def test_a_filename_with_a_lone_surrogate_is_a_400_on_filename(api: Client, moto_s3: Any) -> None:
    response = send(api, "/api/uploads", json.dumps({**SMALL, "filename": "a\ud800b.png"}))

    assert response.status_code == 400
    assert response.json()["field"] == "filename"
    assert "Rename the file" in response.json()["error"]


def test_json_nested_100000_deep_is_a_400_not_valid_json(api: Client, moto_s3: Any) -> None:
    response = send(api, "/api/uploads", "[" * 100_000)

    assert response.status_code == 400
    assert response.json()["error"] == "The request body is not valid JSON."


def test_part_request_nested_100000_deep_is_a_400_not_valid_json(
    api: Client, multipart_id: str
) -> None:
    response = send(api, f"/api/uploads/{multipart_id}/parts", '{"part_numbers": ' + "[" * 100_000)

    assert response.status_code == 400
    assert response.json()["error"] == "The request body is not valid JSON."


def test_part_numbers_of_4000_digits_are_a_400_on_part_numbers(
    api: Client, multipart_id: str
) -> None:
    body = {"part_numbers": [int("9" * 4000)], "content_md5": {"1": int("9" * 4000)}}

    response = post_json(api, f"/api/uploads/{multipart_id}/parts", body)

    assert response.status_code == 400
    assert response.json()["field"] == "part_numbers"


def test_a_multipart_form_is_a_400_asking_for_json(api: Client, moto_s3: Any) -> None:
    response = api.post("/api/uploads", data={"file": SimpleUploadedFile("a.png", b"12345")})

    assert response.status_code == 400
    assert "Content-Type: application/json" in response.json()["error"]
