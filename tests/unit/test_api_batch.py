"""Batch start and batch complete: each file answered as its single request would be."""

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from direct_to_s3 import limits, s3, services
from direct_to_s3.keys import incoming_key
from direct_to_s3.models import Upload
from tests.conftest import bucket_name, change_app_settings, post_json, store_as_browser

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n"
START = "/api/uploads/batch"
COMPLETE = "/api/uploads/batch/complete"


def png(**changes: Any) -> dict[str, Any]:
    return {
        "filename": "cat.png",
        "content_type": "image/png",
        "size": len(PNG),
        "visibility": "public",
        **changes,
    }


def start_batch(api: Client, items: list[Any]) -> Any:
    return post_json(api, START, {"uploads": items})


def started(api: Client, count: int) -> list[dict[str, Any]]:
    results = start_batch(api, [png(filename=f"{n}.png") for n in range(count)]).json()["results"]
    return [result["body"] for result in results]


def complete_batch(api: Client, ids: list[Any]) -> Any:
    return post_json(api, COMPLETE, {"ids": ids})


@pytest.fixture(autouse=True)
def _fresh_rate_counters() -> None:
    cache.clear()


@pytest.fixture
def s3_operations(moto_s3: Any) -> Iterator[list[str]]:
    """The name of every S3 operation the app's client calls."""
    operations: list[str] = []

    def record(model: Any, **kwargs: Any) -> None:
        operations.append(model.name)

    s3.client().meta.events.register("before-call.s3", record)
    yield operations
    s3.client().meta.events.unregister("before-call.s3", record)


def keys_in(moto_s3: Any) -> set[str]:
    listing = moto_s3.list_objects_v2(Bucket=bucket_name())
    return {item["Key"] for item in listing.get("Contents", [])}


def test_batch_start_answers_a_ticket_per_file_in_order(api: Client, moto_s3: Any) -> None:
    response = start_batch(api, [png(filename="a.png"), png(filename="b.png")])

    results = response.json()["results"]
    assert response.status_code == 200
    assert [result["status"] for result in results] == [201, 201]
    assert [result["body"]["filename"] for result in results] == ["a.png", "b.png"]
    assert all(result["body"]["upload"]["method"] == "POST" for result in results)
    assert Upload.objects.filter(status="pending").count() == 2


def test_a_bad_file_is_refused_in_its_place_and_the_others_start(api: Client, moto_s3: Any) -> None:
    items = [png(filename="a.png"), png(content_type="text/html"), png(size=-1), "nonsense"]

    results = start_batch(api, items).json()["results"]

    assert [result["status"] for result in results] == [201, 400, 400, 400]
    assert results[1]["body"]["field"] == "content_type"
    assert results[2]["body"]["field"] == "size"
    assert "error" in results[3]["body"]
    assert Upload.objects.count() == 1


def test_each_file_keeps_its_own_rules_token(api: Client, moto_s3: Any) -> None:
    response = start_batch(api, [png(rules="forged-token")])

    result = response.json()["results"][0]
    assert result["status"] == 400
    assert Upload.objects.count() == 0


def test_a_batch_longer_than_the_limit_is_refused_whole(api: Client, moto_s3: Any) -> None:
    response = start_batch(api, [png()] * (limits.MAX_BATCH + 1))

    assert response.status_code == 400
    assert response.json()["field"] == "uploads"
    assert f"at most {limits.MAX_BATCH}" in response.json()["error"]
    assert Upload.objects.count() == 0


@pytest.mark.parametrize("body", [None, [], {"uploads": "a.png"}, {"files": []}])
def test_a_batch_that_is_not_a_list_of_uploads_is_a_json_400(
    api: Client, moto_s3: Any, body: Any
) -> None:
    response = post_json(api, START, body)

    assert response.status_code == 400
    assert response.json()["error"]


def test_the_batch_limit_follows_a_lower_create_burst(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, CREATE_BURST=5)

    too_long = start_batch(api, [png()] * 6)
    root = api.get("/api/").json()

    assert too_long.status_code == 400
    assert "at most 5" in too_long.json()["error"]
    assert root["batch_limit"] == 5


def test_the_api_root_lists_the_batch_endpoints(api: Client) -> None:
    root = api.get("/api/").json()

    assert root["batch_start"] == START
    assert root["batch_complete"] == COMPLETE
    assert root["batch_limit"] == limits.MAX_BATCH


def test_a_batch_takes_one_rate_token_per_file(api: Client, moto_s3: Any, settings: Any) -> None:
    change_app_settings(settings, CREATE_BURST=5, CREATE_RATE_PER_MINUTE=1)
    start_batch(api, [png()] * 3)

    refused = start_batch(api, [png()] * 3)
    single = post_json(api, "/api/uploads", png())

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert single.status_code == 201  # the refused batch took none of the tokens
    assert Upload.objects.count() == 4


def test_the_rate_limiter_costs_one_cache_round_per_batch(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    for name in ("get", "add", "set"):
        original = getattr(cache, name)
        monkeypatch.setattr(
            cache, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k)
        )

    start_batch(api, [png()] * 20)

    assert calls == ["get", "add", "set"]


def test_quota_is_checked_for_the_batch_with_one_query(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, QUOTA_PENDING_COUNT=2)

    with CaptureQueriesContext(connection) as queries:
        results = start_batch(api, [png()] * 3).json()["results"]

    assert [result["status"] for result in results] == [201, 201, 413]
    assert "unfinished uploads" in results[2]["body"]["error"]
    assert sum("SUM(" in query["sql"] for query in queries.captured_queries) == 1
    assert Upload.objects.count() == 2


def test_quota_counts_the_files_before_in_the_same_batch(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, QUOTA_PENDING_BYTES=20)

    results = start_batch(api, [png(size=8), png(size=8), png(size=8), png(size=4)]).json()

    assert [result["status"] for result in results["results"]] == [201, 201, 413, 201]


def test_batch_complete_verifies_each_upload_on_storage(api: Client, moto_s3: Any) -> None:
    arrived, missing, wrong = started(api, 3)
    store_as_browser(moto_s3, arrived, PNG, Content_Type="image/png")
    store_as_browser(moto_s3, wrong, b"<html>!!", Content_Type="image/png")

    response = complete_batch(api, [arrived["id"], missing["id"], wrong["id"]])

    results = response.json()["results"]
    assert response.status_code == 200
    assert [result["status"] for result in results] == [200, 409, 409]
    assert results[0]["body"]["status"] == "complete"
    assert "not arrived" in results[1]["body"]["error"]
    assert "contents" in results[2]["body"]["error"]
    statuses = {upload.id.hex: upload.status for upload in Upload.objects.all()}
    assert sorted(statuses.values()) == ["complete", "failed", "pending"]


@pytest.mark.django_db(transaction=True)  # the cleanup waits for a real commit
def test_batch_complete_reads_and_copies_each_file_once_and_cleans_up_in_one_request(
    api: Client, moto_s3: Any, s3_operations: list[str]
) -> None:
    uploads = started(api, 3)
    for upload in uploads:
        store_as_browser(moto_s3, upload, PNG, Content_Type="image/png")
    s3_operations.clear()

    results = complete_batch(api, [upload["id"] for upload in uploads]).json()["results"]

    assert [result["status"] for result in results] == [200, 200, 200]
    assert sorted(s3_operations) == ["CopyObject"] * 3 + ["DeleteObjects"] + ["GetObject"] * 3
    assert keys_in(moto_s3) == {upload["key"] for upload in uploads}


@pytest.mark.django_db(transaction=True)  # the cleanup waits for a real commit
def test_batch_complete_stands_when_its_cleanup_cannot_reach_storage(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch, s3_operations: list[str]
) -> None:
    uploads = started(api, 2)
    for upload in uploads:
        store_as_browser(moto_s3, upload, PNG, Content_Type="image/png")

    def unreachable(**kwargs: Any) -> None:
        raise EndpointConnectionError(endpoint_url="http://s3.invalid")

    monkeypatch.setattr(s3.client(), "delete_objects", unreachable)

    results = complete_batch(api, [upload["id"] for upload in uploads]).json()["results"]

    assert [result["status"] for result in results] == [200, 200]
    assert set(Upload.objects.values_list("status", flat=True)) == {Upload.Status.COMPLETE}
    incoming = {incoming_key(upload["key"]) for upload in uploads}
    assert incoming <= keys_in(moto_s3)
    monkeypatch.undo()
    s3_operations.clear()
    assert services.sweep_incoming() == 2  # what it left, the sweep removes in one request
    assert s3_operations == ["ListObjectsV2", "DeleteObjects"]
    assert keys_in(moto_s3) == {upload["key"] for upload in uploads}


def test_batch_complete_refuses_another_users_upload_in_its_place(
    api: Client, moto_s3: Any, other_user: Any
) -> None:
    other = Client()
    other.force_login(other_user)
    theirs = post_json(other, "/api/uploads", png()).json()
    store_as_browser(moto_s3, theirs, PNG, Content_Type="image/png")
    mine = started(api, 1)[0]
    store_as_browser(moto_s3, mine, PNG, Content_Type="image/png")

    results = complete_batch(api, [theirs["id"], mine["id"], "not-an-id"]).json()["results"]

    assert [result["status"] for result in results] == [404, 200, 404]
    assert Upload.objects.get(id=theirs["id"]).status == "pending"


def test_batch_complete_is_idempotent(api: Client, moto_s3: Any) -> None:
    upload = started(api, 1)[0]
    store_as_browser(moto_s3, upload, PNG, Content_Type="image/png")

    first = complete_batch(api, [upload["id"], upload["id"]]).json()["results"]
    again = complete_batch(api, [upload["id"]]).json()["results"]

    assert [result["status"] for result in first + again] == [200, 200, 200]
    assert first[0]["body"]["status"] == "complete"
    assert again[0]["body"]["completed_at"] == first[0]["body"]["completed_at"]


def test_batch_complete_longer_than_the_limit_is_refused(api: Client, moto_s3: Any) -> None:
    response = complete_batch(api, ["x"] * (limits.MAX_BATCH + 1))

    assert response.status_code == 400
    assert response.json()["field"] == "ids"


def test_batch_complete_ids_must_be_strings(api: Client, moto_s3: Any) -> None:
    response = complete_batch(api, [{"id": 1}])

    assert response.status_code == 400
    assert response.json()["field"] == "ids"


def test_batch_endpoints_answer_json_to_other_methods_and_anonymous_users(
    api: Client, moto_s3: Any
) -> None:
    assert api.get(START).status_code == 405
    assert api.get(COMPLETE).json()["error"]
    assert post_json(Client(), START, {"uploads": [png()]}).status_code == 401
