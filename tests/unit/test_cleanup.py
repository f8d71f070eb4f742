"""What a complete leaves behind (the incoming copy) is deleted after the answer has been sent.

Real commits here (`transaction=True`): the deletion waits for the complete's transaction.
The views are also called without the test client, which closes the response before returning,
to see what S3 holds between the answer and its close.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory

from direct_to_s3 import api as views
from direct_to_s3 import s3, services
from direct_to_s3.keys import incoming_key
from direct_to_s3.models import Upload
from tests.conftest import bucket_name, post_json, store_as_browser

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n"
FAILURES = {
    "unreachable": EndpointConnectionError(endpoint_url="http://s3.invalid"),
    "refused": ClientError(
        {"Error": {"Code": "AccessDenied"}, "ResponseMetadata": {"HTTPStatusCode": 403}},
        "DeleteObject",
    ),
}


def sent(api: Client, moto_s3: Any) -> dict[str, Any]:
    """A small upload started and sent to its incoming key, as a browser does."""
    ticket = post_json(
        api,
        "/api/uploads",
        {
            "filename": "cat.png",
            "content_type": "image/png",
            "size": len(PNG),
            "visibility": "public",
        },
    ).json()
    store_as_browser(moto_s3, ticket, PNG, Content_Type="image/png")
    return ticket


def keys_in(moto_s3: Any) -> set[str]:
    listing = moto_s3.list_objects_v2(Bucket=bucket_name())
    return {item["Key"] for item in listing.get("Contents", [])}


def answer(view: Any, user: Any, body: Any = None, **kwargs: Any) -> HttpResponse:
    """The view's response, not yet closed (no server has sent it)."""
    request = RequestFactory().post(
        "/", data=json.dumps(body) if body is not None else "", content_type="application/json"
    )
    request.user = user
    response: HttpResponse = view(request, **kwargs)
    return response


def fail_deletes(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def failing(**kwargs: Any) -> None:
        raise error

    monkeypatch.setattr(s3.client(), "delete_object", failing)
    monkeypatch.setattr(s3.client(), "delete_objects", failing)


def test_complete_answers_before_it_deletes_the_incoming_copy(
    api: Client, user: Any, moto_s3: Any
) -> None:
    ticket = sent(api, moto_s3)

    response = answer(views.upload_complete, user, upload_id=ticket["id"])

    assert response.status_code == 200
    assert incoming_key(ticket["key"]) in keys_in(moto_s3)
    response.close()
    assert keys_in(moto_s3) == {ticket["key"]}


def test_after_complete_only_the_served_copy_is_left(api: Client, moto_s3: Any) -> None:
    ticket = sent(api, moto_s3)

    response = post_json(api, f"/api/uploads/{ticket['id']}/complete")

    assert response.status_code == 200
    assert keys_in(moto_s3) == {ticket["key"]}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_delete_after_complete_leaves_the_answer_as_it_was(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    ticket = sent(api, moto_s3)
    fail_deletes(monkeypatch, FAILURES[failure])

    response = post_json(api, f"/api/uploads/{ticket['id']}/complete")

    assert response.status_code == 200
    assert response.json()["status"] == "complete"
    assert Upload.objects.get(id=ticket["id"]).status == Upload.Status.COMPLETE


def test_a_failed_delete_after_complete_is_a_warning_naming_the_key(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ticket = sent(api, moto_s3)
    fail_deletes(monkeypatch, FAILURES["unreachable"])

    with caplog.at_level(logging.WARNING, logger="direct_to_s3.cleanup"):
        post_json(api, f"/api/uploads/{ticket['id']}/complete")

    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert incoming_key(ticket["key"]) in caplog.messages[0]


def test_the_sweep_removes_the_incoming_copy_a_complete_left(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = sent(api, moto_s3)
    fail_deletes(monkeypatch, FAILURES["unreachable"])
    post_json(api, f"/api/uploads/{ticket['id']}/complete")
    monkeypatch.undo()

    assert services.sweep_incoming() == 1
    assert keys_in(moto_s3) == {ticket["key"]}


def test_batch_complete_answers_before_it_deletes_the_incoming_copies(
    api: Client, user: Any, moto_s3: Any
) -> None:
    tickets = [sent(api, moto_s3), sent(api, moto_s3)]

    response = answer(views.batch_complete, user, {"ids": [t["id"] for t in tickets]})

    assert response.status_code == 200
    assert {incoming_key(t["key"]) for t in tickets} <= keys_in(moto_s3)
    response.close()
    assert keys_in(moto_s3) == {t["key"] for t in tickets}


def test_a_failed_batch_cleanup_is_a_warning_naming_the_keys(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tickets = [sent(api, moto_s3), sent(api, moto_s3)]
    fail_deletes(monkeypatch, FAILURES["refused"])

    with caplog.at_level(logging.WARNING, logger="direct_to_s3.cleanup"):
        response = post_json(
            api, "/api/uploads/batch/complete", {"ids": [t["id"] for t in tickets]}
        )

    assert [result["status"] for result in response.json()["results"]] == [200, 200]
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert all(incoming_key(t["key"]) in caplog.messages[0] for t in tickets)


def test_under_atomic_requests_the_incoming_copy_goes_after_the_commit_and_the_answer(
    api: Client, user: Any, moto_s3: Any
) -> None:
    ticket = sent(api, moto_s3)
    atomic_view = transaction.atomic(views.upload_complete)  # what ATOMIC_REQUESTS does

    response = answer(atomic_view, user, upload_id=ticket["id"])

    assert incoming_key(ticket["key"]) in keys_in(moto_s3)
    response.close()
    assert keys_in(moto_s3) == {ticket["key"]}


def test_a_complete_called_in_a_transaction_deletes_the_incoming_copy_once_it_commits(
    api: Client, moto_s3: Any
) -> None:
    ticket = sent(api, moto_s3)

    with transaction.atomic():
        services.upload_complete(upload=Upload.objects.get(id=ticket["id"]))
        assert incoming_key(ticket["key"]) in keys_in(moto_s3)

    assert keys_in(moto_s3) == {ticket["key"]}


def test_a_rolled_back_complete_keeps_the_incoming_copy_to_complete_again(
    api: Client, moto_s3: Any
) -> None:
    ticket = sent(api, moto_s3)

    def complete_then_fail() -> None:
        with transaction.atomic():
            services.upload_complete(upload=Upload.objects.get(id=ticket["id"]))
            raise RuntimeError("the caller's transaction fails")

    with pytest.raises(RuntimeError):
        complete_then_fail()

    assert incoming_key(ticket["key"]) in keys_in(moto_s3)
    assert post_json(api, f"/api/uploads/{ticket['id']}/complete").status_code == 200
