"""A form field's rules on real S3 (SeaweedFS): the policy signed for a field's upload names
the field's folder, and S3 refuses the bytes of anything else under that ticket."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from direct_to_s3.rules import UploadRules, rules_token
from tests.conftest import post_json
from tests.integration.helpers import post_to_s3, s3_error_code

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300
COVER = UploadRules(
    visibility="public", allowed_types=("image/*",), max_size=1024, key_prefix="covers/"
)


def start(api: Any) -> dict[str, Any]:
    payload = {"filename": "cover.png", "content_type": "image/png", "size": len(PNG)}
    response = post_json(api, "/api/uploads", {**payload, "rules": rules_token(COVER)})
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_fields_upload_is_served_from_its_folder(api: Any, real_s3: Any) -> None:
    upload = start(api)

    assert post_to_s3(upload["upload"], PNG).status_code in (201, 204)
    completed = post_json(api, f"/api/uploads/{upload['id']}/complete").json()

    assert completed["status"] == "complete", completed
    assert completed["key"].startswith("media/covers/")
    assert requests.get(completed["url"], timeout=10).content == PNG


def test_the_fields_ticket_refuses_another_key(api: Any, real_s3: Any) -> None:
    ticket = start(api)["upload"]
    elsewhere = ticket["fields"]["key"].replace("covers/", "other/")

    response = post_to_s3(ticket, PNG, key=elsewhere)

    assert response.status_code == 403, response.text
    assert s3_error_code(response) == "AccessDenied"


def test_the_fields_ticket_refuses_another_type(api: Any, real_s3: Any) -> None:
    ticket = start(api)["upload"]

    response = post_to_s3(ticket, PNG, **{"Content-Type": "text/html"})

    assert response.status_code == 403, response.text
