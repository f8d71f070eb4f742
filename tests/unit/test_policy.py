"""What the presigned POST policy pins, read back from the signed policy document."""

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import change_app_settings, post_json

pytestmark = pytest.mark.django_db


def create(api: Any, **overrides: Any) -> dict[str, Any]:
    payload = {
        "filename": "cat.png",
        "content_type": "image/png",
        "size": 1234,
        "visibility": "public",
        **overrides,
    }
    response = post_json(api, "/api/uploads", payload)
    assert response.status_code == 201, response.content
    return response.json()


def policy_of(ticket: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(ticket["upload"]["fields"]["policy"]))


def test_policy_pins_the_exact_incoming_key(api: Any, moto_s3: Any) -> None:
    ticket = create(api)

    assert {"key": f"incoming/{ticket['key']}"} in policy_of(ticket)["conditions"]
    assert ticket["upload"]["fields"]["key"] == f"incoming/{ticket['key']}"


def test_policy_never_names_the_served_key(api: Any, moto_s3: Any) -> None:
    ticket = create(api)

    assert ticket["key"].startswith("media/")
    assert ticket["key"] not in [
        value
        for condition in policy_of(ticket)["conditions"]
        for value in condition_values(condition)
    ]


def condition_values(condition: Any) -> list[Any]:
    return list(condition.values()) if isinstance(condition, dict) else list(condition)


def test_policy_pins_the_exact_content_type(api: Any, moto_s3: Any) -> None:
    ticket = create(api)

    assert {"Content-Type": "image/png"} in policy_of(ticket)["conditions"]
    assert ticket["upload"]["fields"]["Content-Type"] == "image/png"


def test_policy_pins_the_exact_declared_size(api: Any, moto_s3: Any) -> None:
    ticket = create(api, size=1234)

    assert ["content-length-range", 1234, 1234] in policy_of(ticket)["conditions"]


def test_policy_asks_for_a_201_answer(api: Any, moto_s3: Any) -> None:
    ticket = create(api)

    assert {"success_action_status": "201"} in policy_of(ticket)["conditions"]


def test_policy_expires_within_fifteen_minutes(api: Any, moto_s3: Any, settings: Any) -> None:
    change_app_settings(settings, TICKET_EXPIRES=24 * 3600)  # a misconfiguration is still capped

    ticket = create(api)
    expiration = datetime.fromisoformat(policy_of(ticket)["expiration"].replace("Z", "+00:00"))

    assert expiration <= datetime.now(UTC) + timedelta(minutes=15, seconds=5)


def test_policy_is_signed_with_sigv4(api: Any, moto_s3: Any) -> None:
    fields = create(api)["upload"]["fields"]

    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert "x-amz-signature" in fields


def test_server_chooses_the_key_whatever_the_filename(api: Any, moto_s3: Any) -> None:
    ticket = create(api, filename="../../private/other-user/secret.png", visibility="public")

    assert ticket["key"].startswith("media/")
    assert ticket["key"].endswith("/secret.png")
    assert ".." not in ticket["key"]


def test_private_uploads_get_a_private_key(api: Any, moto_s3: Any) -> None:
    ticket = create(api, visibility="private")

    assert ticket["key"] == f"private/{ticket['id']}/cat.png"
