"""Every error the API answers is JSON, whatever its status and wherever it is raised."""

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from config import errors
from direct_to_s3.errors import StorageUnavailable
from tests.conftest import post_json

pytestmark = pytest.mark.django_db

SMALL = {"filename": "a.png", "content_type": "image/png", "size": 10, "visibility": "public"}
MB = 1024**2


def assert_json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == {"error", "field"}
    assert body["error"]
    return body


@pytest.mark.parametrize("size", [10 * MB, 4 * MB])
def test_an_oversized_json_body_is_a_413_json(api: Client, moto_s3: Any, size: int) -> None:
    response = api.post("/api/uploads", data=b" " * size, content_type="application/json")

    body = assert_json_error(response, 413)
    assert "too large" in body["error"]


def test_an_oversized_form_body_is_a_413_json(api: Client, moto_s3: Any) -> None:
    data = b"a=" + b"x" * (3 * MB)

    response = api.post("/api/uploads", data=data, content_type="application/x-www-form-urlencoded")

    body = assert_json_error(response, 413)
    assert "too large" in body["error"]


def test_a_form_with_too_many_fields_is_a_400_json(api: Client, moto_s3: Any) -> None:
    data = "&".join(f"f{n}=1" for n in range(2000))

    response = api.post("/api/uploads", data=data, content_type="application/x-www-form-urlencoded")

    assert_json_error(response, 400)


def test_an_oversized_form_body_on_a_page_keeps_the_html_error(user: Any) -> None:
    client = Client(enforce_csrf_checks=True)  # the CSRF check is what reads the form
    client.force_login(user)
    client.get("/")  # sets the csrftoken cookie

    response = client.post(
        "/uploads/x/delete",
        data=b"a=" + b"x" * (3 * MB),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_permission_denied_on_the_api_is_a_403_json() -> None:
    request = RequestFactory().get("/api/uploads")

    response = errors.permission_denied(request, PermissionDenied())

    assert_json_error(response, 403)


def test_permission_denied_on_a_page_is_a_403_html() -> None:
    request = RequestFactory().get("/")

    response = errors.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_an_unexpected_crash_is_a_500_json(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(**_: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("direct_to_s3.services.upload_start", crash)
    api.raise_request_exception = False

    assert_json_error(post_json(api, "/api/uploads", SMALL), 500)


def test_storage_unavailable_is_a_503_json(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(**_: Any) -> None:
        raise StorageUnavailable()

    monkeypatch.setattr("direct_to_s3.services.upload_start", unavailable)

    assert_json_error(post_json(api, "/api/uploads", SMALL), 503)
