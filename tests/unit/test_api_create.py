"""POST /api/uploads: who may ask, what is validated, what is recorded."""

from typing import Any

import pytest
from django.test import Client

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings, post_json

pytestmark = pytest.mark.django_db

VALID = {"filename": "cat.png", "content_type": "image/png", "size": 1234, "visibility": "public"}


def create(api: Client, **changes: Any) -> Any:
    payload = {**VALID, **changes}
    payload = {name: value for name, value in payload.items() if value is not ...}
    return post_json(api, "/api/uploads", payload)


def test_answers_201_with_a_post_ticket(api: Client, moto_s3: Any) -> None:
    response = create(api)

    body = response.json()
    assert response.status_code == 201
    assert body["status"] == "pending"
    assert body["upload"]["method"] == "POST"
    assert body["upload"]["url"].endswith("/test-uploads")
    assert set(body) >= {"id", "key", "status", "expires_at", "upload"}


def test_records_a_pending_upload_with_what_was_declared(
    api: Client, moto_s3: Any, user: Any
) -> None:
    body = create(api, filename="My Cat.PNG").json()

    upload = Upload.objects.get(id=body["id"])
    assert upload.owner == user
    assert upload.status == Upload.Status.PENDING
    assert upload.original_name == "My Cat.PNG"
    assert upload.key == body["key"]
    assert (upload.size, upload.content_type, upload.visibility) == (1234, "image/png", "public")
    assert upload.expires_at > upload.created_at


def test_anonymous_request_gets_401_json(moto_s3: Any) -> None:
    response = post_json(Client(), "/api/uploads", VALID)

    assert response.status_code == 401
    assert "Log in" in response.json()["error"]


def test_missing_csrf_token_gets_403_json(user: Any, moto_s3: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = post_json(client, "/api/uploads", VALID)

    assert response.status_code == 403
    assert "security token" in response.json()["error"]
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"filename": ...}, "filename", "file's name"),
        ({"filename": "   "}, "filename", "file's name"),
        ({"filename": 42}, "filename", "file's name"),
        ({"filename": "a" * 2000}, "filename", "too long"),
        ({"filename": "\u202e\u200f"}, "filename", "no usable characters"),
        ({"content_type": ...}, "content_type", "type of file"),
        ({"content_type": ""}, "content_type", "could not be recognised"),
        ({"content_type": "application/x-msdownload"}, "content_type", "not allowed"),
        ({"content_type": "text/html"}, "content_type", "not allowed"),
        ({"content_type": ["image/png"]}, "content_type", "must be text"),
        ({"size": ...}, "size", "size in bytes"),
        ({"size": 0}, "size", "empty"),
        ({"size": -5}, "size", "empty"),
        ({"size": "1234"}, "size", "whole number"),
        ({"size": 12.5}, "size", "whole number"),
        ({"size": True}, "size", "whole number"),
        ({"size": 11 * 1024**3}, "size", "too big"),
        ({"visibility": "world"}, "visibility", "public or private"),
    ],
)
def test_bad_input_gets_400_naming_the_field(
    api: Client, moto_s3: Any, changes: dict[str, Any], field: str, words: str
) -> None:
    response = create(api, **changes)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert words in response.json()["error"]
    assert not Upload.objects.exists()


def test_size_limit_message_states_both_sizes(api: Client, moto_s3: Any, settings: Any) -> None:
    change_app_settings(settings, MAX_SIZE=10 * 1024**2)

    response = create(api, size=11 * 1024**2)

    assert response.json()["error"] == "This file is too big (11.0 MB); the limit is 10.0 MB."


def test_size_limit_message_gives_exact_bytes_when_rounding_hides_the_difference(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, MAX_SIZE=5 * 1024**2)

    response = create(api, size=5 * 1024**2 + 1)

    assert response.json()["error"] == (
        "This file is too big (5,242,881 bytes); the limit is 5,242,880 bytes (5.0 MB)."
    )


def test_visibility_defaults_to_private(api: Client, moto_s3: Any) -> None:
    response = create(api, visibility=...)

    assert response.json()["visibility"] == "private"


def test_content_type_is_matched_case_insensitively(api: Client, moto_s3: Any) -> None:
    response = create(api, content_type="Image/PNG")

    assert response.status_code == 201
    assert response.json()["upload"]["fields"]["Content-Type"] == "image/png"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"", b"\xff\xfe"])
def test_body_that_is_not_a_json_object_gets_400(api: Client, moto_s3: Any, body: bytes) -> None:
    response = api.post("/api/uploads", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]


def test_wrong_method_gets_405_json(api: Client) -> None:
    response = api.put("/api/uploads", data="{}", content_type="application/json")

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert response.json()["error"]


def test_unknown_api_path_gets_404_json(api: Client) -> None:
    response = api.get("/api/nothing-here")

    assert response.status_code == 404
    assert response.json()["error"]
