"""No call to S3 runs while a database transaction is open.

A transaction held across a network call holds its locks (SQLite's whole-database write lock)
as long as S3 takes to answer: a hung S3 would stop every other user's writes, logins included.
Real transactions here (`transaction=True`), so an open one is visible to the hook.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from direct_to_s3 import conf, s3, services
from tests.conftest import post_json, store_as_browser

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(56)
SMALL = {"filename": "a.png", "content_type": "image/png", "size": len(PNG), "visibility": "public"}


@pytest.fixture
def s3_calls(moto_s3: Any) -> Iterator[list[tuple[str, bool]]]:
    """(operation, inside a transaction) for every call the app's S3 client makes."""
    calls: list[tuple[str, bool]] = []
    s3.forget_reachability()

    def record(model: Any, **kwargs: Any) -> None:
        calls.append((model.name, connection.in_atomic_block))

    s3.client().meta.events.register("before-call.s3", record)
    yield calls
    s3.client().meta.events.unregister("before-call.s3", record)


def inside_transactions(calls: list[tuple[str, bool]]) -> list[str]:
    return [name for name, in_transaction in calls if in_transaction]


def test_starting_uploads_calls_s3_outside_transactions(
    api: Client, s3_calls: list[tuple[str, bool]], settings: Any
) -> None:
    post_json(api, "/api/uploads", SMALL)
    post_json(api, "/api/uploads", {**SMALL, "size": conf.app_settings().multipart_threshold + 1})

    assert {"HeadBucket", "CreateMultipartUpload"} <= {name for name, _ in s3_calls}
    assert inside_transactions(s3_calls) == []


def test_completing_calls_s3_outside_transactions(
    api: Client, moto_s3: Any, s3_calls: list[tuple[str, bool]]
) -> None:
    ticket = post_json(api, "/api/uploads", SMALL).json()
    store_as_browser(moto_s3, ticket, PNG)

    response = post_json(api, f"/api/uploads/{ticket['id']}/complete")

    assert response.status_code == 200
    assert {"GetObject", "CopyObject", "DeleteObject"} <= {name for name, _ in s3_calls}
    assert inside_transactions(s3_calls) == []


def test_a_failed_check_calls_s3_outside_transactions(
    api: Client, moto_s3: Any, s3_calls: list[tuple[str, bool]]
) -> None:
    ticket = post_json(api, "/api/uploads", SMALL).json()
    store_as_browser(moto_s3, ticket, b"<html>" + bytes(len(PNG) - 6))

    response = post_json(api, f"/api/uploads/{ticket['id']}/complete")

    assert response.status_code == 409
    assert "DeleteObject" in {name for name, _ in s3_calls}
    assert inside_transactions(s3_calls) == []


def test_cancel_and_delete_call_s3_outside_transactions(
    api: Client, moto_s3: Any, s3_calls: list[tuple[str, bool]], settings: Any
) -> None:
    small = post_json(api, "/api/uploads", SMALL).json()
    big = post_json(
        api, "/api/uploads", {**SMALL, "size": conf.app_settings().multipart_threshold + 1}
    ).json()

    post_json(api, f"/api/uploads/{small['id']}/cancel")
    post_json(api, f"/api/uploads/{big['id']}/cancel")
    api.delete(f"/api/uploads/{small['id']}")

    assert {"DeleteObject", "AbortMultipartUpload"} <= {name for name, _ in s3_calls}
    assert inside_transactions(s3_calls) == []


def test_the_sweep_calls_s3_outside_transactions(
    api: Client, moto_s3: Any, s3_calls: list[tuple[str, bool]]
) -> None:
    ticket = post_json(api, "/api/uploads", SMALL).json()
    store_as_browser(moto_s3, ticket, PNG)

    services.sweep_stale_uploads(older_than=timedelta(0))
    services.sweep_incoming()
    services.reconcile_served_objects(grace=timedelta(0))

    assert {"DeleteObject", "ListObjectsV2"} <= {name for name, _ in s3_calls}
    assert inside_transactions(s3_calls) == []
