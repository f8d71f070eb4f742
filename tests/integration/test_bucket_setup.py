"""`manage.py s3_setup` prepares a real bucket, idempotently: policy and CORS that really work."""

from __future__ import annotations

import json
import uuid
from io import StringIO
from typing import Any

import pytest
import requests
from django.core.management import call_command

from tests.conftest import bucket_name, change_storage_options, s3_endpoint_url

APP_ORIGIN = "http://127.0.0.1:8000"


def setup_bucket(*origins: str) -> str:
    out = StringIO()
    args = [arg for origin in origins for arg in ("--origin", origin)]
    call_command("s3_setup", *args, stdout=out)
    return out.getvalue()


def preflight(settings: Any, origin: str) -> requests.Response:
    # The bucket root answers every preflight with "*"; object paths follow the CORS rules.
    url = f"{s3_endpoint_url()}/{bucket_name()}/media/x/y.png"
    return requests.options(
        url,
        headers={"Origin": origin, "Access-Control-Request-Method": "PUT"},
        timeout=10,
    )


@pytest.fixture
def fresh_bucket(real_s3: Any, settings: Any) -> str:
    change_storage_options(settings, bucket_name=f"setup-{uuid.uuid4().hex[:12]}")
    return bucket_name()


def test_creates_the_bucket(fresh_bucket: str, real_s3: Any) -> None:
    output = setup_bucket(APP_ORIGIN)

    assert "created" in output
    real_s3.head_bucket(Bucket=fresh_bucket)


def test_running_twice_is_harmless(fresh_bucket: str) -> None:
    setup_bucket(APP_ORIGIN)

    output = setup_bucket(APP_ORIGIN)

    assert "exists" in output


def test_policy_makes_media_and_static_public_and_nothing_else(
    fresh_bucket: str, real_s3: Any
) -> None:
    setup_bucket(APP_ORIGIN)

    policy = json.loads(real_s3.get_bucket_policy(Bucket=fresh_bucket)["Policy"])

    resources = policy["Statement"][0]["Resource"]
    assert sorted(resources) == [
        f"arn:aws:s3:::{fresh_bucket}/media/*",
        f"arn:aws:s3:::{fresh_bucket}/static/*",
    ]


def test_cors_allows_the_apps_origin(fresh_bucket: str, settings: Any) -> None:
    setup_bucket(APP_ORIGIN)

    response = preflight(settings, APP_ORIGIN)

    assert response.headers.get("Access-Control-Allow-Origin") == APP_ORIGIN


def test_cors_does_not_allow_other_origins(fresh_bucket: str, settings: Any) -> None:
    setup_bucket(APP_ORIGIN)

    response = preflight(settings, "https://evil.example")

    assert response.headers.get("Access-Control-Allow-Origin") is None


def test_unreachable_s3_is_a_clear_error(settings: Any) -> None:
    from django.core.management import CommandError

    change_storage_options(settings, endpoint_url="http://127.0.0.1:9")

    with pytest.raises(CommandError, match="Cannot reach S3"):
        setup_bucket(APP_ORIGIN)


def test_unfinished_multipart_uploads_are_aborted_by_s3_after_a_day(
    fresh_bucket: str, real_s3: Any
) -> None:
    setup_bucket(APP_ORIGIN)

    rules = real_s3.get_bucket_lifecycle_configuration(Bucket=fresh_bucket)["Rules"]

    (rule,) = [rule for rule in rules if "AbortIncompleteMultipartUpload" in rule]
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert rule["Filter"] == {"Prefix": ""}


def test_objects_left_in_the_incoming_area_expire_after_a_day(
    fresh_bucket: str, real_s3: Any
) -> None:
    setup_bucket(APP_ORIGIN)

    rules = real_s3.get_bucket_lifecycle_configuration(Bucket=fresh_bucket)["Rules"]

    (rule,) = [rule for rule in rules if "Expiration" in rule]
    assert rule["Filter"] == {"Prefix": "incoming/"}
    assert rule["Expiration"] == {"Days": 1}


def test_cors_exposes_the_headers_s3_clients_read(fresh_bucket: str, settings: Any) -> None:
    setup_bucket(APP_ORIGIN)
    url = f"{s3_endpoint_url()}/{bucket_name()}/private/x/missing.pdf"

    response = requests.get(url, headers={"Origin": APP_ORIGIN}, timeout=10)

    exposed = response.headers.get("Access-Control-Expose-Headers", "").lower()
    assert {"etag", "location", "x-amz-error-code", "x-amz-request-id"} <= {
        name.strip() for name in exposed.split(",")
    }
