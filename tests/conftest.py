from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from django.core.cache import cache
from django.test import Client
from moto import mock_aws

from devtools.seaweedfs import LocalS3Server

TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        if TESTS / "integration" in path.parents:
            item.add_marker(pytest.mark.integration)
        if TESTS / "e2e" in path.parents:
            item.add_marker(pytest.mark.e2e)


# --- Users -----------------------------------------------------------------------------------


@pytest.fixture
def user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="alice", password="alice-password")


@pytest.fixture
def other_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="mallory", password="mallory-password")


@pytest.fixture
def staff_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        username="sam", password="sam-password", is_staff=True
    )


@pytest.fixture
def api(user: Any) -> Client:
    """A logged-in client that enforces CSRF like a browser, sending the token as a header."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # sets the csrftoken cookie
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    return client


def post_json(client: Client, path: str, data: Any = None) -> Any:
    body = json.dumps(data) if data is not None else ""
    return client.post(path, data=body, content_type="application/json")


# --- Settings ---------------------------------------------------------------------------------

# The STORAGES aliases that are S3 storages of the bucket in the test settings.
S3_ALIASES = ("default", "public_media", "private_media")


def change_app_settings(settings: Any, **changes: Any) -> None:
    """Change keys of DIRECT_TO_S3 for one test (pytest-django's `settings` restores it)."""
    settings.DIRECT_TO_S3 = {**settings.DIRECT_TO_S3, **changes}


def change_storage_options(
    settings: Any, *, aliases: tuple[str, ...] = S3_ALIASES, **options: Any
) -> None:
    """Change the OPTIONS of STORAGES aliases for one test, as a project's settings would."""
    settings.STORAGES = {
        alias: {**config, "OPTIONS": {**config.get("OPTIONS", {}), **options}}
        if alias in aliases
        else config
        for alias, config in settings.STORAGES.items()
    }


@pytest.fixture
def app_settings(settings: Any) -> Callable[..., None]:
    """`app_settings(MAX_SIZE=5)`: DIRECT_TO_S3 with these keys changed, for this test."""

    def change(**changes: Any) -> None:
        change_app_settings(settings, **changes)

    return change


@pytest.fixture
def storage_options(settings: Any) -> Callable[..., None]:
    """`storage_options(custom_domain="cdn.example.com", aliases=("public_media",))`."""

    def change(*, aliases: tuple[str, ...] = S3_ALIASES, **options: Any) -> None:
        change_storage_options(settings, aliases=aliases, **options)

    return change


def bucket_name() -> str:
    """The bucket the app uses, from its STORAGES."""
    from direct_to_s3 import s3

    return s3.bucket().name


def s3_endpoint_url() -> str | None:
    """Where the app server reaches S3, from its STORAGES (None: AWS)."""
    from direct_to_s3 import s3

    return s3.bucket().endpoint_url


# --- The live server --------------------------------------------------------------------------


@contextlib.contextmanager
def one_request_at_a_time(live_server: Any) -> Iterator[None]:
    """Let the live server run one Django request at a time.

    The test database is in-memory SQLite, so every request thread of the live server shares
    the test's single connection; two requests writing at once (the browser and the CLI send
    several in parallel: tickets, cancels, completes) then fail with "database table is locked".
    Clients still send in parallel and S3 still receives in parallel; only Django's handling is
    serialised. Response bodies are streamed after the lock is released.
    """
    httpd = live_server.thread.httpd
    django_app = httpd.get_app()
    lock = threading.Lock()

    def serialised(environ: dict[str, Any], start_response: Any) -> Any:
        with lock:
            return django_app(environ, start_response)

    httpd.set_app(serialised)
    try:
        yield
    finally:
        httpd.set_app(django_app)


@pytest.fixture
def fresh_rate_buckets() -> Iterator[None]:
    """The live server counts in this process's cache: start empty, leave nothing behind."""
    cache.clear()
    yield
    cache.clear()


# --- S3 ---------------------------------------------------------------------------------------


@pytest.fixture
def moto_s3() -> Iterator[Any]:
    """moto in place of S3: fast, but enforces no policy. Never proof of a security property."""
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=bucket_name())
        yield client


# Form fields of a POST ticket that become headers of the stored object, and boto3's names.
_STORED_FIELDS = {
    "Content-Type": "ContentType",
    "Cache-Control": "CacheControl",
    "Content-Disposition": "ContentDisposition",
    "Content-Encoding": "ContentEncoding",
}


def store_as_browser(s3: Any, ticket: dict[str, Any], body: bytes, **fields: str) -> None:
    """Put into moto what S3 holds after a browser POSTs the ticket's form with `body`.

    `fields` change or add form fields (`Content_Type="text/html"` for Content-Type), as a
    browser that does not follow the ticket would.
    """
    form = {**ticket["upload"]["fields"], **{k.replace("_", "-"): v for k, v in fields.items()}}
    headers = {param: form[name] for name, param in _STORED_FIELDS.items() if name in form}
    s3.put_object(Bucket=bucket_name(), Key=form["key"], Body=body, **headers)


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalS3Server]:
    """A real SeaweedFS S3 server on free ports for the whole test session."""
    server = LocalS3Server.on_free_ports(
        data_dir=tmp_path_factory.mktemp("seaweedfs"),
        access_key="integration-access-key",
        secret_key="integration-secret-key",
    )
    server.start()
    yield server
    server.stop()


def s3_client_for(server: LocalS3Server) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@pytest.fixture(scope="session")
def seaweedfs_bucket(seaweedfs: LocalS3Server) -> str:
    """One bucket for the session, prepared like production: policy + CORS (set per test)."""
    bucket = f"it-{uuid.uuid4().hex[:12]}"
    s3_client_for(seaweedfs).create_bucket(Bucket=bucket)
    return bucket


@pytest.fixture
def real_s3(settings: Any, seaweedfs: LocalS3Server, seaweedfs_bucket: str) -> Any:
    """Point the app at the real SeaweedFS and its prepared bucket; returns a boto3 client."""
    change_storage_options(
        settings,
        bucket_name=seaweedfs_bucket,
        endpoint_url=seaweedfs.endpoint_url,
        access_key=seaweedfs.access_key,
        secret_key=seaweedfs.secret_key,
    )
    change_app_settings(settings, BROWSER_ENDPOINT_URL=None)
    from direct_to_s3 import s3, visibility

    s3.put_public_read_policy(visibility.public_prefixes())
    return s3_client_for(seaweedfs)


@pytest.fixture(autouse=True)
def _s3_clients_follow_settings() -> Iterator[None]:
    """Clients are cached per process; tests change S3 settings, so start each one fresh."""
    from direct_to_s3 import s3

    s3.client.cache_clear()
    s3.signing_client.cache_clear()
    yield
    s3.client.cache_clear()
    s3.signing_client.cache_clear()


@pytest.fixture
def make_upload() -> Any:
    """Create an Upload row directly (no S3), for tests about reading and permissions."""
    from datetime import timedelta

    from django.utils import timezone

    from direct_to_s3 import visibility as visibilities
    from direct_to_s3.models import Upload

    def make(owner: Any, **fields: Any) -> Upload:
        upload_id = fields.pop("id", uuid.uuid4())
        visibility = fields.pop("visibility", "public")
        defaults = {
            "key": f"{visibilities.prefix(visibility)}{upload_id}/file.png",
            "original_name": "file.png",
            "content_type": "image/png",
            "size": 4,
            "status": Upload.Status.COMPLETE,
            "expires_at": timezone.now() + timedelta(minutes=10),
        }
        return Upload.objects.create(
            id=upload_id, owner=owner, visibility=visibility, **{**defaults, **fields}
        )

    return make
