"""Complete, cancel, read, list and delete: verified against what S3 holds (moto here)."""

from typing import Any

import pytest
from django.test import Client

from direct_to_s3 import s3
from direct_to_s3.models import Upload
from direct_to_s3.references import upload_id_from
from tests.conftest import post_json, store_as_browser

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n"


def start(api: Client, **changes: Any) -> dict[str, Any]:
    payload = {
        "filename": "cat.png",
        "content_type": "image/png",
        "size": len(PNG),
        "visibility": "public",
        **changes,
    }
    return post_json(api, "/api/uploads", payload).json()


def put(
    s3: Any, ticket: dict[str, Any], body: bytes = PNG, content_type: str = "image/png"
) -> None:
    store_as_browser(s3, ticket, body, Content_Type=content_type)


def complete(api: Client, upload_id: str) -> Any:
    return post_json(api, f"/api/uploads/{upload_id}/complete")


def test_complete_marks_a_matching_object_complete(api: Client, moto_s3: Any) -> None:
    ticket = start(api)
    put(moto_s3, ticket)

    response = complete(api, ticket["id"])

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "complete"
    assert (body["size"], body["content_type"], body["visibility"]) == (8, "image/png", "public")
    assert body["url"] == f"https://test-uploads.s3.us-east-1.amazonaws.com/{ticket['key']}"
    upload = Upload.objects.get(id=ticket["id"])
    assert upload.completed_at is not None
    assert upload.etag


def test_complete_twice_returns_the_same_answer(api: Client, moto_s3: Any) -> None:
    """The form reference is signed when answered, so across a second boundary its
    timestamp differs; it still names the same upload."""
    ticket = start(api)
    put(moto_s3, ticket)

    first = complete(api, ticket["id"])
    second = complete(api, ticket["id"])

    again, once = second.json(), first.json()
    assert second.status_code == 200
    assert upload_id_from(again.pop("form_reference")) == upload_id_from(once.pop("form_reference"))
    assert again == once


def test_complete_before_the_object_arrives_is_409_and_stays_pending(
    api: Client, moto_s3: Any
) -> None:
    ticket = start(api)

    response = complete(api, ticket["id"])

    assert response.status_code == 409
    assert "not arrived" in response.json()["error"]
    assert Upload.objects.get(id=ticket["id"]).status == Upload.Status.PENDING


def test_complete_after_a_late_arrival_succeeds(api: Client, moto_s3: Any) -> None:
    ticket = start(api)
    complete(api, ticket["id"])
    put(moto_s3, ticket)

    response = complete(api, ticket["id"])

    assert response.json()["status"] == "complete"


def test_object_of_another_size_is_deleted_and_the_upload_failed(api: Client, moto_s3: Any) -> None:
    ticket = start(api)
    put(moto_s3, ticket, body=PNG + b" and more")

    response = complete(api, ticket["id"])

    assert response.status_code == 409
    assert "not the 8 bytes that was announced" in response.json()["error"]
    assert Upload.objects.get(id=ticket["id"]).status == Upload.Status.FAILED
    assert moto_s3.list_objects_v2(Bucket="test-uploads").get("KeyCount") == 0


def test_an_empty_object_is_deleted_and_the_upload_failed(api: Client, moto_s3: Any) -> None:
    ticket = start(api)
    put(moto_s3, ticket, body=b"")

    response = complete(api, ticket["id"])

    assert response.status_code == 409
    assert "not the 8 bytes that was announced" in response.json()["error"]
    assert Upload.objects.get(id=ticket["id"]).status == Upload.Status.FAILED
    assert moto_s3.list_objects_v2(Bucket="test-uploads").get("KeyCount") == 0


@pytest.mark.django_db(transaction=True)  # the cleanup waits for a real commit
def test_complete_reads_the_object_once_copies_it_and_drops_the_incoming_copy(
    api: Client, moto_s3: Any
) -> None:
    ticket = start(api)
    put(moto_s3, ticket)
    operations: list[str] = []

    def record(model: Any, **kwargs: Any) -> None:
        operations.append(model.name)

    s3.client().meta.events.register("before-call.s3", record)
    try:
        response = complete(api, ticket["id"])
    finally:
        s3.client().meta.events.unregister("before-call.s3", record)

    assert response.status_code == 200
    assert operations == ["GetObject", "CopyObject", "DeleteObject"]


def test_object_of_another_type_is_deleted_and_the_upload_failed(api: Client, moto_s3: Any) -> None:
    ticket = start(api)
    put(moto_s3, ticket, content_type="text/html")

    response = complete(api, ticket["id"])

    assert response.status_code == 409
    assert "text/html" in response.json()["error"]
    assert Upload.objects.get(id=ticket["id"]).failure_reason
    assert moto_s3.list_objects_v2(Bucket="test-uploads").get("KeyCount") == 0


def test_failed_upload_cannot_be_completed_later(api: Client, moto_s3: Any) -> None:
    ticket = start(api)
    put(moto_s3, ticket, content_type="text/html")
    complete(api, ticket["id"])
    put(moto_s3, ticket)

    response = complete(api, ticket["id"])

    assert response.status_code == 409
    assert "failed" in response.json()["error"]


def test_cancel_marks_pending_upload_cancelled_and_removes_any_bytes(
    api: Client, moto_s3: Any
) -> None:
    ticket = start(api)
    put(moto_s3, ticket)

    response = post_json(api, f"/api/uploads/{ticket['id']}/cancel")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert moto_s3.list_objects_v2(Bucket="test-uploads").get("KeyCount") == 0


def test_cancel_of_a_complete_upload_is_409(api: Client, moto_s3: Any) -> None:
    ticket = start(api)
    put(moto_s3, ticket)
    complete(api, ticket["id"])

    response = post_json(api, f"/api/uploads/{ticket['id']}/cancel")

    assert response.status_code == 409
    assert Upload.objects.get(id=ticket["id"]).status == Upload.Status.COMPLETE


def test_list_shows_own_uploads_newest_first(
    api: Client, moto_s3: Any, other_user: Any, make_upload: Any
) -> None:
    first = start(api, filename="first.png")
    second = start(api, filename="second.png")
    make_upload(other_user, status=Upload.Status.PENDING)

    response = api.get("/api/uploads")

    ids = [upload["id"] for upload in response.json()["uploads"]]
    assert ids == [second["id"], first["id"]]


def test_detail_shows_one_upload(api: Client, moto_s3: Any) -> None:
    ticket = start(api)

    response = api.get(f"/api/uploads/{ticket['id']}")

    assert response.json()["key"] == ticket["key"]
    assert response.json()["status"] == "pending"


def test_delete_removes_object_and_record(api: Client, moto_s3: Any) -> None:
    ticket = start(api)
    put(moto_s3, ticket)
    complete(api, ticket["id"])

    response = api.delete(f"/api/uploads/{ticket['id']}")

    assert response.status_code == 204
    assert not Upload.objects.filter(id=ticket["id"]).exists()
    assert moto_s3.list_objects_v2(Bucket="test-uploads").get("KeyCount") == 0


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("delete", ""), ("post", "/complete"), ("post", "/cancel")],
)
def test_another_users_upload_is_not_found(
    api: Client, moto_s3: Any, other_user: Any, make_upload: Any, method: str, suffix: str
) -> None:
    theirs = make_upload(other_user, status=Upload.Status.PENDING)

    response = getattr(api, method)(f"/api/uploads/{theirs.id}{suffix}")

    assert response.status_code == 404
    assert response.json()["error"] == "No such upload."
    assert Upload.objects.get(id=theirs.id).status == Upload.Status.PENDING


@pytest.mark.parametrize("upload_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_upload_id_is_404_json(api: Client, upload_id: str) -> None:
    response = api.get(f"/api/uploads/{upload_id}")

    assert response.status_code == 404
    assert response.json()["error"]


@pytest.mark.parametrize("ending", ["cancel", "delete"])
def test_a_cancel_or_delete_arriving_while_complete_copies_wins_and_the_copy_is_removed(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    ticket = start(api)
    put(moto_s3, ticket)
    promote = s3.promote

    def promote_then_the_user_ends_it(**kwargs: Any) -> str:
        etag = promote(**kwargs)
        if ending == "cancel":
            post_json(api, f"/api/uploads/{ticket['id']}/cancel")
        else:
            api.delete(f"/api/uploads/{ticket['id']}")
        return etag

    monkeypatch.setattr(s3, "promote", promote_then_the_user_ends_it)

    response = complete(api, ticket["id"])

    assert response.status_code in (404, 409)
    assert moto_s3.list_objects_v2(Bucket="test-uploads").get("KeyCount") == 0
