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
        ({"content_type": "png"}, "content_type", "MIME type"),
        ({"content_type": "text/html<script>"}, "content_type", "MIME type"),
        ({"content_type": "a/" + "b" * 300}, "content_type", "MIME type"),
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


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
PUBLIC_IN_WORDS = (
    "images, PDFs, Office documents, OpenDocument files, text files, audio, video and archives"
)


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("IMG_0001.HEIC", "image/heic"),
        ("report.docx", DOCX),
        ("budget.xlsx", XLSX),
        ("slides.pptx", PPTX),
        ("letter.odt", ODT),
        ("scan.tiff", "image/tiff"),
        ("README.md", "text/markdown"),
        ("data.json", "application/json"),
    ],
)
def test_what_people_share_can_be_public(
    api: Client, moto_s3: Any, filename: str, content_type: str
) -> None:
    response = create(api, filename=filename, content_type=content_type)

    assert response.status_code == 201, response.json()
    assert Upload.objects.get().content_type == content_type


def test_a_refused_public_type_is_answered_with_what_is_allowed_in_words(
    api: Client, moto_s3: Any
) -> None:
    response = create(api, filename="setup.exe", content_type="application/x-msdownload")

    assert response.json()["error"] == (
        "Files of type application/x-msdownload are not allowed as public files. "
        f"Allowed: {PUBLIC_IN_WORDS}. It can be uploaded as a private file."
    )


@pytest.mark.parametrize("content_type", ["", "application/octet-stream"])
def test_a_file_of_unknown_type_is_refused_as_public_saying_private_is_possible(
    api: Client, moto_s3: Any, content_type: str
) -> None:
    response = create(api, filename="backup.dat", content_type=content_type)

    assert response.status_code == 400
    assert response.json()["error"] == (
        "This file's type could not be recognised. "
        "Files of unknown type can be uploaded as private files only."
    )


@pytest.mark.parametrize("content_type", ["", "application/octet-stream"])
def test_a_file_of_unknown_type_can_be_private(
    api: Client, moto_s3: Any, content_type: str
) -> None:
    response = create(api, filename="backup.dat", content_type=content_type, visibility="private")

    assert response.status_code == 201, response.json()
    assert Upload.objects.get().content_type == "application/octet-stream"


@pytest.mark.parametrize("content_type", ["text/html", "application/x-msdownload", "image/svg+xml"])
def test_private_files_may_be_of_any_type(api: Client, moto_s3: Any, content_type: str) -> None:
    response = create(api, content_type=content_type, visibility="private")

    assert response.status_code == 201, response.json()


def test_the_type_is_recorded_without_case_or_parameters(api: Client, moto_s3: Any) -> None:
    create(api, filename="notes.txt", content_type="Text/Plain; charset=UTF-8")

    assert Upload.objects.get().content_type == "text/plain"


def test_a_narrowed_private_list_is_named_in_words(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, PRIVATE_ALLOWED_CONTENT_TYPES=["image/*", "application/pdf"])

    response = create(api, filename="notes.txt", content_type="text/plain", visibility="private")

    assert response.json()["error"] == (
        "Files of type text/plain are not allowed as private files. Allowed: images and PDFs."
    )


def test_public_types_may_be_given_as_families(api: Client, moto_s3: Any, settings: Any) -> None:
    change_app_settings(settings, ALLOWED_CONTENT_TYPES=["image/*"])

    assert create(api, filename="a.jxl", content_type="image/jxl").status_code == 201
    assert create(api, filename="a.pdf", content_type="application/pdf").status_code == 400


def test_unknown_types_are_refused_in_words_when_no_visibility_takes_them(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, PRIVATE_ALLOWED_CONTENT_TYPES=["application/pdf"])

    response = create(api, filename="backup.dat", content_type="", visibility="private")

    assert response.json()["error"] == "This file's type could not be recognised. Allowed: PDFs."
