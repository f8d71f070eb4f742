"""Proof that S3 itself — a real server, not the app — refuses what the ticket does not allow."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
import requests

from tests.conftest import bucket_name, change_app_settings, post_json, s3_endpoint_url
from tests.integration.helpers import post_to_s3, s3_error_code

pytestmark = pytest.mark.django_db

CONTENT = b"0123456789" * 10  # 100 bytes


def ticket_for(api: Any, size: int = len(CONTENT), **changes: Any) -> dict[str, Any]:
    payload = {
        "filename": "notes.txt",
        "content_type": "text/plain",
        "size": size,
        "visibility": "public",
        **changes,
    }
    response = post_json(api, "/api/uploads", payload)
    assert response.status_code == 201, response.json()
    return response.json()["upload"]


def object_exists(real_s3: Any, settings: Any, key: str) -> bool:
    listing = real_s3.list_objects_v2(Bucket=bucket_name(), Prefix=key)
    return listing.get("KeyCount", 0) > 0


def test_exact_size_is_accepted(api: Any, real_s3: Any, settings: Any) -> None:
    ticket = ticket_for(api)

    response = post_to_s3(ticket, CONTENT)

    assert response.status_code == 201
    assert object_exists(real_s3, settings, ticket["fields"]["key"])


def test_larger_file_than_declared_is_refused(api: Any, real_s3: Any, settings: Any) -> None:
    ticket = ticket_for(api)

    response = post_to_s3(ticket, CONTENT + b"!")

    assert response.status_code == 400
    assert s3_error_code(response) == "EntityTooLarge"
    assert not object_exists(real_s3, settings, ticket["fields"]["key"])


def test_smaller_file_than_declared_is_refused(api: Any, real_s3: Any, settings: Any) -> None:
    ticket = ticket_for(api)

    response = post_to_s3(ticket, CONTENT[:-1])

    assert response.status_code == 400
    assert s3_error_code(response) == "EntityTooSmall"


def test_other_content_type_is_refused(api: Any, real_s3: Any, settings: Any) -> None:
    ticket = ticket_for(api)

    response = post_to_s3(ticket, CONTENT, **{"Content-Type": "text/html"})

    assert response.status_code == 403
    assert not object_exists(real_s3, settings, ticket["fields"]["key"])


def test_other_key_is_refused(api: Any, real_s3: Any, settings: Any) -> None:
    ticket = ticket_for(api)

    response = post_to_s3(ticket, CONTENT, key="media/chosen-by-attacker.txt")

    assert response.status_code == 403
    assert not object_exists(real_s3, settings, "media/chosen-by-attacker.txt")


def test_public_ticket_cannot_write_under_private(api: Any, real_s3: Any, settings: Any) -> None:
    ticket = ticket_for(api, visibility="public")
    private_key = ticket["fields"]["key"].replace("media/", "private/", 1)

    response = post_to_s3(ticket, CONTENT, key=private_key)

    assert response.status_code == 403
    assert not object_exists(real_s3, settings, private_key)


def test_expired_ticket_is_refused(api: Any, real_s3: Any, settings: Any) -> None:
    change_app_settings(settings, TICKET_EXPIRES=1)
    ticket = ticket_for(api)
    time.sleep(2.5)

    response = post_to_s3(ticket, CONTENT)

    assert response.status_code == 403
    assert "expired" in response.text.lower()


def test_tampered_policy_is_refused(api: Any, real_s3: Any, settings: Any) -> None:
    ticket = ticket_for(api)
    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))
    policy["conditions"] = [
        ["content-length-range", 0, 10**9] if isinstance(c, list) else c
        for c in policy["conditions"]
    ]
    forged = base64.b64encode(json.dumps(policy).encode()).decode()

    response = post_to_s3(ticket, CONTENT * 2, policy=forged)

    assert response.status_code == 403
    assert s3_error_code(response) == "SignatureDoesNotMatch"


def test_tampered_signature_is_refused(api: Any, real_s3: Any, settings: Any) -> None:
    ticket = ticket_for(api)
    signature = ticket["fields"]["x-amz-signature"]
    forged = ("0" if signature[0] != "0" else "1") + signature[1:]

    response = post_to_s3(ticket, CONTENT, **{"x-amz-signature": forged})

    assert response.status_code == 403


def test_a_completed_public_object_is_readable_without_a_signature(
    api: Any, real_s3: Any, settings: Any
) -> None:
    upload = post_json(
        api,
        "/api/uploads",
        {
            "filename": "notes.txt",
            "content_type": "text/plain",
            "size": len(CONTENT),
            "visibility": "public",
        },
    ).json()
    post_to_s3(upload["upload"], CONTENT)
    post_json(api, f"/api/uploads/{upload['id']}/complete")
    bucket_url = f"{s3_endpoint_url()}/{bucket_name()}"

    response = requests.get(f"{bucket_url}/{upload['key']}", timeout=10)

    assert response.status_code == 200
    assert response.content == CONTENT


def test_a_public_upload_is_not_readable_where_the_browser_posted_it(
    api: Any, real_s3: Any, settings: Any
) -> None:
    ticket = ticket_for(api, visibility="public")
    post_to_s3(ticket, CONTENT)
    bucket_url = f"{s3_endpoint_url()}/{bucket_name()}"

    response = requests.get(f"{bucket_url}/{ticket['fields']['key']}", timeout=10)

    assert response.status_code == 403


def test_signed_get_stops_working_after_it_expires(api: Any, real_s3: Any, settings: Any) -> None:
    from direct_to_s3 import s3

    ticket = ticket_for(api, visibility="private")
    post_to_s3(ticket, CONTENT)
    url = s3.signed_get_url(key=ticket["fields"]["key"], expires_in=1)

    fresh = requests.get(url, timeout=10)
    time.sleep(2.5)
    stale = requests.get(url, timeout=10)

    assert fresh.status_code == 200
    assert stale.status_code == 403


def test_tampered_signed_get_is_refused(api: Any, real_s3: Any, settings: Any) -> None:
    from direct_to_s3 import s3

    ticket = ticket_for(api, visibility="private")
    post_to_s3(ticket, CONTENT)
    url = s3.signed_get_url(key=ticket["fields"]["key"], expires_in=60)
    other_key = ticket["fields"]["key"].replace("notes.txt", "other.txt")

    response = requests.get(url.replace(ticket["fields"]["key"], other_key), timeout=10)

    assert response.status_code == 403
