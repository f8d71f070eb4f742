"""A used upload ticket never changes what is served (SeaweedFS, which enforces POST policies).

A presigned POST stays valid until it expires, also after the upload was completed, cancelled,
deleted or failed its check, and S3 itself cannot be told to forget it. Whatever bytes a reused
ticket sends land in the private incoming area: never at the key the app serves, never
readable, and gone after the next `sweep_uploads`.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
import requests
from django.core.management import call_command

from direct_to_s3 import s3, services
from direct_to_s3.models import Upload
from tests.conftest import bucket_name, post_json, s3_endpoint_url
from tests.integration.helpers import post_to_s3

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
# The attack: HTML padded to the declared size, under the ticket of a PNG.
HTML = (b"<!doctype html><script>alert(document.domain)</script>" + b" " * len(PNG))[: len(PNG)]
VISIBILITIES = ["public", "private"]
# What a reader of the object gets besides its bytes (not per-response ones such as Date).
OBJECT_HEADERS = {
    "content-type",
    "content-length",
    "cache-control",
    "content-disposition",
    "content-encoding",
    "expires",
    "etag",
    "last-modified",
}


def start(api: Any, visibility: str) -> dict[str, Any]:
    payload = {"filename": "photo.png", "content_type": "image/png", "size": len(PNG)}
    response = post_json(api, "/api/uploads", {**payload, "visibility": visibility})
    assert response.status_code == 201, response.json()
    return response.json()


def complete(api: Any, upload: dict[str, Any]) -> Any:
    return post_json(api, f"/api/uploads/{upload['id']}/complete")


def served(real_s3: Any, settings: Any, key: str) -> tuple[bytes, dict[str, str]] | None:
    """The bytes and headers S3 holds at `key`, or None."""
    try:
        response = real_s3.get_object(Bucket=bucket_name(), Key=key)
    except real_s3.exceptions.NoSuchKey:
        return None
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    return response["Body"].read(), {k: v for k, v in headers.items() if k in OBJECT_HEADERS}


def keys_of(real_s3: Any, settings: Any, upload: dict[str, Any]) -> list[str]:
    """Every object the bucket holds for this upload, incoming or served."""
    bucket = bucket_name()
    found = []
    for key in (upload["key"], upload["upload"]["fields"]["key"]):
        listing = real_s3.list_objects_v2(Bucket=bucket, Prefix=key)
        found += [item["Key"] for item in listing.get("Contents", [])]
    return found


def sweep() -> str:
    out = StringIO()
    call_command("sweep_uploads", stdout=out)
    return out.getvalue()


def anonymous_get(settings: Any, key: str) -> int:
    bucket_url = f"{s3_endpoint_url()}/{bucket_name()}"
    return requests.get(f"{bucket_url}/{key}", timeout=10).status_code


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_reusing_the_ticket_after_complete_changes_neither_bytes_nor_headers(
    api: Any, real_s3: Any, settings: Any, visibility: str
) -> None:
    upload = start(api, visibility)
    post_to_s3(upload["upload"], PNG)
    assert complete(api, upload).status_code == 200
    before = served(real_s3, settings, upload["key"])

    reuse = post_to_s3(
        upload["upload"],
        HTML,
        **{"Content-Disposition": 'attachment; filename="invoice.pdf.exe"'},
    )

    assert reuse.status_code == 201  # S3 takes it: the ticket has not expired
    assert served(real_s3, settings, upload["key"]) == before
    assert before is not None
    assert before[0] == PNG
    assert "content-disposition" not in before[1]
    assert Upload.objects.get(id=upload["id"]).etag == before[1]["etag"].strip('"')


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_bytes_a_reused_ticket_sends_after_complete_are_gone_after_the_sweep(
    api: Any, real_s3: Any, settings: Any, visibility: str
) -> None:
    upload = start(api, visibility)
    post_to_s3(upload["upload"], PNG)
    complete(api, upload)
    post_to_s3(upload["upload"], HTML)

    sweep()

    assert keys_of(real_s3, settings, upload) == [upload["key"]]
    assert served(real_s3, settings, upload["key"])[0] == PNG  # type: ignore[index]


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("ending", ["cancel", "delete"])
def test_a_reused_ticket_cannot_bring_back_a_cancelled_or_deleted_upload(
    api: Any, real_s3: Any, settings: Any, visibility: str, ending: str
) -> None:
    upload = start(api, visibility)
    post_to_s3(upload["upload"], PNG)
    if ending == "cancel":
        post_json(api, f"/api/uploads/{upload['id']}/cancel")
    else:
        complete(api, upload)
        api.delete(f"/api/uploads/{upload['id']}")

    reuse = post_to_s3(upload["upload"], HTML)

    assert reuse.status_code == 201
    assert served(real_s3, settings, upload["key"]) is None
    assert anonymous_get(settings, upload["upload"]["fields"]["key"]) == 403
    sweep()
    assert keys_of(real_s3, settings, upload) == []


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_reused_ticket_cannot_bring_back_bytes_that_failed_their_check(
    api: Any, real_s3: Any, settings: Any, visibility: str
) -> None:
    upload = start(api, visibility)
    post_to_s3(upload["upload"], HTML)
    assert complete(api, upload).status_code == 409

    post_to_s3(upload["upload"], HTML)

    assert Upload.objects.get(id=upload["id"]).status == Upload.Status.FAILED
    assert served(real_s3, settings, upload["key"]) is None
    assert complete(api, upload).status_code == 409
    sweep()
    assert keys_of(real_s3, settings, upload) == []


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_post_landing_after_delete_leaves_nothing_after_the_sweep(
    api: Any, real_s3: Any, settings: Any, visibility: str
) -> None:
    upload = start(api, visibility)
    assert api.delete(f"/api/uploads/{upload['id']}").status_code == 204

    late = post_to_s3(upload["upload"], PNG)  # the POST that was in flight

    assert late.status_code == 201
    assert served(real_s3, settings, upload["key"]) is None
    sweep()
    assert keys_of(real_s3, settings, upload) == []


def test_the_sweep_keeps_what_a_pending_upload_has_sent(
    api: Any, real_s3: Any, settings: Any
) -> None:
    upload = start(api, "public")
    post_to_s3(upload["upload"], PNG)

    sweep()

    assert complete(api, upload).status_code == 200


def test_bytes_replaced_while_complete_checks_them_are_never_promoted(
    api: Any, real_s3: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = start(api, "public")
    post_to_s3(upload["upload"], PNG)
    read_object = s3.read_object

    def reuse_the_ticket_mid_check(key: str, length: int) -> tuple[s3.StoredObject, bytes] | None:
        found = read_object(key, length)
        post_to_s3(upload["upload"], HTML)
        return found

    monkeypatch.setattr(s3, "read_object", reuse_the_ticket_mid_check)

    response = complete(api, upload)

    assert response.status_code == 409
    assert "changed" in response.json()["error"]
    assert Upload.objects.get(id=upload["id"]).status == Upload.Status.FAILED
    assert served(real_s3, settings, upload["key"]) is None


@pytest.mark.parametrize(
    "field",
    [
        {"Content-Disposition": 'attachment; filename="invoice.pdf.exe"'},
        {"Content-Encoding": "gzip"},
        {"Expires": "Thu, 01 Dec 2039 16:00:00 GMT"},
    ],
    ids=["content-disposition", "content-encoding", "expires"],
)
def test_an_object_with_headers_the_ticket_did_not_pin_is_refused(
    api: Any, real_s3: Any, settings: Any, field: dict[str, str]
) -> None:
    upload = start(api, "public")
    stored = post_to_s3(upload["upload"], PNG, **field)
    assert stored.status_code == 201  # SeaweedFS stores fields the policy did not name

    response = complete(api, upload)

    assert response.status_code == 409
    assert next(iter(field)) in response.json()["error"]
    assert Upload.objects.get(id=upload["id"]).status == Upload.Status.FAILED
    assert keys_of(real_s3, settings, upload) == []


def test_reconcile_removes_objects_no_upload_accounts_for(
    api: Any, real_s3: Any, settings: Any
) -> None:
    bucket = bucket_name()
    orphan = "media/00000000-0000-0000-0000-000000000000/orphan.png"
    real_s3.put_object(Bucket=bucket, Key=orphan, Body=PNG, ContentType="image/png")
    upload = start(api, "private")
    post_to_s3(upload["upload"], PNG)
    complete(api, upload)

    result = services.reconcile_served_objects(grace=services.timedelta(0))

    assert orphan in result.removed
    assert served(real_s3, settings, orphan) is None
    assert served(real_s3, settings, upload["key"]) is not None


def test_reconcile_reports_an_upload_whose_object_changed_since_it_was_verified(
    api: Any, real_s3: Any, settings: Any
) -> None:
    upload = start(api, "public")
    post_to_s3(upload["upload"], PNG)
    complete(api, upload)
    real_s3.put_object(
        Bucket=bucket_name(),
        Key=upload["key"],
        Body=HTML,
        ContentType="image/png",
    )
    err = StringIO()

    call_command("sweep_uploads", "--reconcile", stdout=StringIO(), stderr=err)

    assert upload["key"] in err.getvalue()
    assert "no longer match" in err.getvalue()
