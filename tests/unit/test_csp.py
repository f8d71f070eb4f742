"""The Content-Security-Policy's S3 origins: from settings alone, the same ones boto3 signs for."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from config.csp import content_security_policy
from direct_to_s3 import s3
from direct_to_s3.csp import s3_origins
from tests.conftest import change_app_settings, change_storage_options

pytestmark = pytest.mark.django_db

LOCAL = "http://127.0.0.1:8333"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def signed_origins() -> set[str]:
    """Origins of what boto3 really signs for browsers with the app's client, and public links."""
    signer = s3.signing_client()
    bucket = s3.bucket().name
    urls = [
        signer.generate_presigned_post(Bucket=bucket, Key="media/x", ExpiresIn=60)["url"],
        signer.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": "private/x"}, ExpiresIn=60
        ),
        signer.generate_presigned_url(
            "upload_part",
            Params={"Bucket": bucket, "Key": "private/x", "UploadId": "u", "PartNumber": 1},
            ExpiresIn=60,
        ),
        s3.public_url("media/x"),
    ]
    return {origin(url) for url in urls}


# The demo site's environment variables, and where its settings put each.
STORAGE_OPTIONS = {
    "AWS_STORAGE_BUCKET_NAME": "bucket_name",
    "AWS_S3_ENDPOINT_URL": "endpoint_url",
    "AWS_S3_CUSTOM_DOMAIN": "custom_domain",
    "AWS_S3_REGION_NAME": "region_name",
    "AWS_S3_ADDRESSING_STYLE": "addressing_style",
}


def configure(settings: Any, **values: Any) -> None:
    """Configure the storages and the app as the demo site does from these variables."""
    defaults = {
        "AWS_STORAGE_BUCKET_NAME": "uploads-prod",
        "AWS_S3_ENDPOINT_URL": None,
        "AWS_S3_PUBLIC_ENDPOINT_URL": None,
        "AWS_S3_CUSTOM_DOMAIN": None,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "auto",
    }
    values = {**defaults, **values}
    change_storage_options(
        settings, **{option: values[name] for name, option in STORAGE_OPTIONS.items()}
    )
    change_app_settings(settings, BROWSER_ENDPOINT_URL=values["AWS_S3_PUBLIC_ENDPOINT_URL"])


@pytest.fixture
def no_credentials(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Production without any AWS credentials anywhere (and no instance metadata to ask)."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    settings.DEBUG = False
    change_storage_options(settings, access_key=None, secret_key=None)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(
            {
                "AWS_S3_ENDPOINT_URL": LOCAL,
                "AWS_S3_PUBLIC_ENDPOINT_URL": LOCAL,
                "AWS_S3_ADDRESSING_STYLE": "path",
            },
            (LOCAL,),
            id="endpoint",
        ),
        pytest.param(
            {},
            (
                "https://uploads-prod.s3.amazonaws.com",
                "https://uploads-prod.s3.us-east-1.amazonaws.com",
            ),
            id="aws-us-east-1",
        ),
        pytest.param(
            {"AWS_S3_REGION_NAME": "eu-west-1"},
            (
                "https://uploads-prod.s3.amazonaws.com",
                "https://uploads-prod.s3.eu-west-1.amazonaws.com",
            ),
            id="aws-eu-west-1",
        ),
        pytest.param(
            {"AWS_S3_CUSTOM_DOMAIN": "d123.cloudfront.net"},
            ("https://uploads-prod.s3.amazonaws.com", "https://d123.cloudfront.net"),
            id="custom-domain",
        ),
    ],
)
def test_origins_are_those_of_the_urls_boto3_signs(
    settings: Any, values: dict[str, Any], expected: tuple[str, ...]
) -> None:
    configure(settings, **values)

    assert s3_origins() == expected
    assert set(s3_origins()) == signed_origins()


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "cn-north-1"])
@pytest.mark.parametrize("style", ["auto", "path", "virtual"])
@pytest.mark.parametrize("bucket", ["uploads-prod", "uploads.example.com"])
def test_origins_cover_every_url_boto3_signs(
    settings: Any, region: str, style: str, bucket: str
) -> None:
    configure(
        settings,
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_REGION_NAME=region,
        AWS_S3_ADDRESSING_STYLE=style,
    )

    assert signed_origins() <= set(s3_origins())


def test_browsers_may_reach_s3_where_the_app_server_does_not(settings: Any) -> None:
    configure(
        settings,
        AWS_S3_ENDPOINT_URL="http://s3:8333",
        AWS_S3_PUBLIC_ENDPOINT_URL="http://localhost:8333",
        AWS_S3_ADDRESSING_STYLE="path",
    )

    assert s3_origins() == ("http://localhost:8333",)


def test_the_policy_follows_changed_settings(settings: Any) -> None:
    configure(settings)
    before = content_security_policy()

    change_storage_options(settings, custom_domain="cdn.example.com")

    assert "https://cdn.example.com" not in before
    assert "https://cdn.example.com" in content_security_policy()


def test_pages_may_load_their_scripts_and_styles_from_the_bucket_with_static_on_s3(
    settings: Any,
) -> None:
    configure(settings)
    settings.USE_S3_STATIC = True

    policy = content_security_policy()

    assert "script-src 'self' https://uploads-prod.s3.us-east-1.amazonaws.com " in policy
    assert "style-src 'self' https://uploads-prod.s3.us-east-1.amazonaws.com;" in policy


def test_pages_may_run_webassembly_in_workers_started_from_blobs_and_nothing_else(
    settings: Any,
) -> None:
    configure(settings)

    directives = dict(d.split(" ", 1) for d in content_security_policy().split("; "))

    # The upload page hashes parts with hash-wasm in blob-started workers (js/hashing.js).
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["worker-src"] == "blob:"


def test_the_policy_is_computed_without_signing(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(settings)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("built an S3 client")

    monkeypatch.setattr(s3, "_build_client", refuse)

    assert "https://uploads-prod.s3.amazonaws.com" in content_security_policy()


@pytest.mark.usefixtures("no_credentials")
def test_the_login_page_answers_with_a_csp_without_aws_credentials() -> None:
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    assert "connect-src 'self' https://s3.amazonaws.com" in response["Content-Security-Policy"]


@pytest.mark.usefixtures("no_credentials")
def test_the_upload_page_answers_with_a_csp_without_aws_credentials(user: Any) -> None:
    client = Client()
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 200
    assert "https://test-uploads.s3.us-east-1.amazonaws.com" in response["Content-Security-Policy"]
