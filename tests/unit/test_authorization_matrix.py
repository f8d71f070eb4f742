"""Who may do what: anonymous, another user, the owner and staff, on every endpoint.

Anonymous API calls get 401 JSON; anyone but the owner gets 404 (existence does not leak),
except staff opening files; every state-changing call without a CSRF token gets 403 JSON.
"""

import json
from typing import Any

import pytest
from django.test import Client

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings

pytestmark = pytest.mark.django_db

MiB = 1024**2

# (method, path, body) — {id} is the owner's pending multipart upload.
ENDPOINTS = [
    ("get", "/api/uploads/{id}", None),
    ("delete", "/api/uploads/{id}", None),
    ("post", "/api/uploads/{id}/complete", None),
    ("post", "/api/uploads/{id}/cancel", None),
    ("get", "/api/uploads/{id}/parts", None),
    ("post", "/api/uploads/{id}/parts", {"part_numbers": [1]}),
]
STATE_CHANGING = [
    ("post", "/api/uploads", {"filename": "a.png", "content_type": "image/png", "size": 1}),
    *[endpoint for endpoint in ENDPOINTS if endpoint[0] != "get"],
]


@pytest.fixture
def pending(user: Any, moto_s3: Any, settings: Any) -> Upload:
    from direct_to_s3 import services
    from direct_to_s3.validation import UploadRequest

    change_app_settings(settings, MULTIPART_THRESHOLD=1)
    request = UploadRequest(
        filename="film.mp4", content_type="video/mp4", size=20 * MiB, visibility="private"
    )
    upload, _ = services.upload_start(owner=user, request=request)
    return upload


def client_for(person: Any) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def call(client: Client, method: str, path: str, body: Any) -> Any:
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(path, data=data, content_type="application/json")


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_anonymous_gets_401_json(pending: Upload, method: str, path: str, body: Any) -> None:
    response = call(client_for(None), method, path.format(id=pending.id), body)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_another_user_gets_404(
    pending: Upload, other_user: Any, method: str, path: str, body: Any
) -> None:
    response = call(client_for(other_user), method, path.format(id=pending.id), body)

    assert response.status_code == 404
    assert Upload.objects.get(id=pending.id).status == Upload.Status.PENDING


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_staff_gets_404_on_the_api_of_someone_elses_upload(
    pending: Upload, staff_user: Any, method: str, path: str, body: Any
) -> None:
    response = call(client_for(staff_user), method, path.format(id=pending.id), body)

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/api/uploads/{id}", None, 200),
        ("get", "/api/uploads/{id}/parts", None, 200),
        ("post", "/api/uploads/{id}/parts", {"part_numbers": [1]}, 200),
        ("post", "/api/uploads/{id}/complete", None, 409),  # allowed, but no parts yet
        ("post", "/api/uploads/{id}/cancel", None, 200),
        ("delete", "/api/uploads/{id}", None, 204),
    ],
)
def test_owner_is_allowed(
    pending: Upload, user: Any, method: str, path: str, body: Any, status: int
) -> None:
    response = call(client_for(user), method, path.format(id=pending.id), body)

    assert response.status_code == status


def test_list_shows_nothing_of_other_users(pending: Upload, other_user: Any) -> None:
    response = client_for(other_user).get("/api/uploads")

    assert response.json() == {"uploads": [], "next": None}


def test_anonymous_list_is_401(pending: Upload) -> None:
    assert client_for(None).get("/api/uploads").status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), STATE_CHANGING)
def test_state_changes_without_csrf_token_get_403_json(
    pending: Upload, user: Any, method: str, path: str, body: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = call(client, method, path.format(id=pending.id), body)

    assert response.status_code == 403
    assert "security token" in response.json()["error"]
    assert Upload.objects.get(id=pending.id).status == Upload.Status.PENDING


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("other", 404), ("owner", 302), ("staff", 302)]
)
def test_file_gate(
    user: Any, other_user: Any, staff_user: Any, make_upload: Any, who: str, status: int
) -> None:
    upload = make_upload(user, visibility="private")
    person = {"anonymous": None, "other": other_user, "owner": user, "staff": staff_user}[who]

    response = client_for(person).get(f"/files/{upload.id}")

    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("who", "survives"), [("other", True), ("owner", False)])
def test_page_delete(
    user: Any, other_user: Any, make_upload: Any, moto_s3: Any, who: str, survives: bool
) -> None:
    upload = make_upload(user)
    person = {"other": other_user, "owner": user}[who]

    client_for(person).post(f"/uploads/{upload.id}/delete")

    assert Upload.objects.filter(id=upload.id).exists() is survives


def test_page_delete_needs_csrf(user: Any, make_upload: Any, moto_s3: Any) -> None:
    upload = make_upload(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(f"/uploads/{upload.id}/delete")

    assert response.status_code == 403
    assert Upload.objects.filter(id=upload.id).exists()
