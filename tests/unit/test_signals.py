"""upload_completed, file_attached and file_deleted: once per event, after the commit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.dispatch import Signal
from django.test import Client

from direct_to_s3 import signals
from direct_to_s3.models import Upload
from tests.conftest import post_json, store_as_browser
from tests.testapp.models import Document
from tests.unit.test_model_field import stored

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n"


class Received(list[tuple[str, dict[str, Any]]]):
    def of(self, name: str) -> list[dict[str, Any]]:
        return [arguments for signal, arguments in self if signal == name]


@pytest.fixture
def received() -> Iterator[Received]:
    """Every signal of the app sent during the test: (name, arguments with its sender)."""
    calls = Received()
    hooked: dict[Signal, Any] = {}
    for name in ("upload_completed", "file_attached", "file_deleted"):

        def receive(sender: Any, *, name: str = name, **kwargs: Any) -> None:
            kwargs.pop("signal")
            calls.append((name, {"sender": sender, **kwargs}))

        hooked[getattr(signals, name)] = receive
    for signal, receiver in hooked.items():
        signal.connect(receiver)
    yield calls
    for signal, receiver in hooked.items():
        signal.disconnect(receiver)


def uploaded(api: Client, moto_s3: Any) -> str:
    """A pending upload whose bytes the browser has sent; its id."""
    payload = {"filename": "cat.png", "content_type": "image/png", "size": len(PNG)}
    ticket = post_json(api, "/api/uploads", {**payload, "visibility": "public"}).json()
    store_as_browser(moto_s3, ticket, PNG, Content_Type="image/png")
    return str(ticket["id"])


def complete(api: Client, upload_id: str) -> Any:
    return post_json(api, f"/api/uploads/{upload_id}/complete")


def test_completing_an_upload_sends_upload_completed(
    api: Client, moto_s3: Any, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    upload_id = uploaded(api, moto_s3)

    with django_capture_on_commit_callbacks(execute=True):
        complete(api, upload_id)

    [sent] = received.of("upload_completed")
    assert sent["sender"] is Upload
    assert str(sent["upload"].id) == upload_id
    assert sent["upload"].status == Upload.Status.COMPLETE


def test_completing_twice_sends_upload_completed_once(
    api: Client, moto_s3: Any, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    upload_id = uploaded(api, moto_s3)

    with django_capture_on_commit_callbacks(execute=True):
        complete(api, upload_id)
        second = complete(api, upload_id)

    assert second.json()["status"] == "complete"
    assert len(received.of("upload_completed")) == 1


def test_upload_completed_waits_for_the_commit(
    api: Client, moto_s3: Any, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    upload_id = uploaded(api, moto_s3)

    with django_capture_on_commit_callbacks(execute=False):
        complete(api, upload_id)

    assert received == []


def test_an_upload_that_fails_its_check_sends_nothing(
    api: Client, moto_s3: Any, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    payload = {"filename": "cat.png", "content_type": "image/png", "size": len(PNG)}
    ticket = post_json(api, "/api/uploads", {**payload, "visibility": "public"}).json()
    store_as_browser(moto_s3, ticket, b"not a png", Content_Type="image/png")

    with django_capture_on_commit_callbacks(execute=True):
        response = complete(api, ticket["id"])

    assert response.status_code == 409
    assert received == []


def test_saving_a_new_file_sends_file_attached(
    user: Any, make_upload: Any, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    upload = make_upload(user)

    with django_capture_on_commit_callbacks(execute=True):
        document = Document.objects.create(owner=user, cover=upload.key)

    assert received == [
        (
            "file_attached",
            {
                "sender": Document,
                "instance": document,
                "field_name": "cover",
                "upload": upload,
                "key": upload.key,
            },
        )
    ]


def test_a_key_without_an_upload_is_attached_with_upload_none(
    user: Any, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.create(owner=user, cover="media/imported/cat.png")

    [sent] = received.of("file_attached")
    assert (sent["key"], sent["upload"]) == ("media/imported/cat.png", None)


def test_saving_an_unchanged_file_sends_nothing(
    user: Any, make_upload: Any, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    Document.objects.create(owner=user, cover=make_upload(user).key)
    document = Document.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        document.save()
        document.save()

    assert received == []


def test_replacing_a_file_sends_file_attached_and_file_deleted_once_each(
    moto_s3: Any,
    user: Any,
    make_upload: Any,
    received: Received,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old, new = stored(moto_s3, make_upload(user)), stored(moto_s3, make_upload(user))
    Document.objects.create(owner=user, cover=old.key)
    document = Document.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        document.cover = new.key
        document.save()

    [attached] = received.of("file_attached")
    [deleted] = received.of("file_deleted")
    assert (attached["key"], attached["upload"]) == (new.key, new)
    assert (deleted["sender"], deleted["key"]) == (Document, old.key)
    assert deleted["upload"].id == old.id


def test_clearing_a_file_sends_file_deleted(
    moto_s3: Any,
    user: Any,
    make_upload: Any,
    received: Received,
    django_capture_on_commit_callbacks: Any,
) -> None:
    contract = stored(moto_s3, make_upload(user, visibility="private"))
    Document.objects.create(owner=user, cover="media/x/cat.png", contract=contract.key)
    document = Document.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        document.contract = ""
        document.save()

    assert [(name, sent["key"]) for name, sent in received] == [("file_deleted", contract.key)]


def test_deleting_the_instance_sends_file_deleted_for_each_file(
    moto_s3: Any,
    user: Any,
    make_upload: Any,
    received: Received,
    django_capture_on_commit_callbacks: Any,
) -> None:
    cover = stored(moto_s3, make_upload(user))
    contract = stored(moto_s3, make_upload(user, visibility="private"))
    Document.objects.create(owner=user, cover=cover.key, contract=contract.key)

    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.get().delete()

    sent = received.of("file_deleted")
    assert sorted(s["key"] for s in sent) == sorted([cover.key, contract.key])
    assert {s["sender"] for s in sent} == {Document}


def test_deleting_a_file_without_an_upload_sends_file_deleted_with_upload_none(
    moto_s3: Any, user: Any, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    Document.objects.create(owner=user, cover="media/imported/cat.png")

    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.get().delete()

    assert received.of("file_deleted") == [
        {"sender": Document, "key": "media/imported/cat.png", "upload": None}
    ]


def test_a_file_another_instance_still_holds_sends_no_file_deleted(
    moto_s3: Any,
    user: Any,
    make_upload: Any,
    received: Received,
    django_capture_on_commit_callbacks: Any,
) -> None:
    shared = stored(moto_s3, make_upload(user))
    Document.objects.create(owner=user, cover=shared.key)
    document = Document.objects.create(owner=user, cover=shared.key)

    with django_capture_on_commit_callbacks(execute=True):
        document.delete()

    assert received.of("file_deleted") == []


def test_a_rolled_back_save_sends_nothing(
    moto_s3: Any,
    user: Any,
    make_upload: Any,
    received: Received,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old, new = stored(moto_s3, make_upload(user)), stored(moto_s3, make_upload(user))
    Document.objects.create(owner=user, cover=old.key)
    document = Document.objects.get()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        document.cover = new.key
        document.save()
        transaction.set_rollback(True)

    assert callbacks == []
    assert received == []


def test_deleting_an_upload_through_the_api_sends_file_deleted(
    api: Client, moto_s3: Any, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    upload_id = uploaded(api, moto_s3)
    complete(api, upload_id)
    key = Upload.objects.get(id=upload_id).key

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/uploads/{upload_id}")

    assert response.status_code == 204
    [sent] = received.of("file_deleted")
    assert (sent["sender"], sent["key"], str(sent["upload"].id)) == (Upload, key, upload_id)


def test_deleting_an_upload_on_the_page_sends_file_deleted(
    api: Client, moto_s3: Any, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    upload_id = uploaded(api, moto_s3)
    complete(api, upload_id)

    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/uploads/{upload_id}/delete")

    assert [s["sender"] for s in received.of("file_deleted")] == [Upload]


def test_a_receiver_that_fails_does_not_undo_the_complete(
    api: Client, moto_s3: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("thumbnail service down")

    upload_id = uploaded(api, moto_s3)
    signals.upload_completed.connect(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = complete(api, upload_id)
    finally:
        signals.upload_completed.disconnect(broken)

    assert response.status_code == 200
    assert Upload.objects.get(id=upload_id).status == Upload.Status.COMPLETE
