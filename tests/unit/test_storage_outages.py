"""S3 that hangs or goes away: short, bounded waits and clear answers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from direct_to_s3 import conf, s3
from direct_to_s3.models import Upload
from tests.conftest import change_app_settings, change_storage_options, post_json

pytestmark = pytest.mark.django_db

SMALL = {"filename": "a.png", "content_type": "image/png", "size": 64, "visibility": "public"}


@pytest.fixture
def hung_s3() -> Iterator[str]:
    """An endpoint that accepts connections and reads requests but never answers (SIGSTOP-like)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_a_hung_s3_at_complete_is_a_503_within_the_configured_timeouts(
    api: Client, user: Any, make_upload: Any, settings: Any, hung_s3: str
) -> None:
    upload = make_upload(user, status=Upload.Status.PENDING, size=64)
    change_storage_options(settings, endpoint_url=hung_s3)
    change_app_settings(settings, S3_READ_TIMEOUT=1, S3_MAX_ATTEMPTS=2)
    started = time.monotonic()

    response = post_json(api, f"/api/uploads/{upload.id}/complete")

    assert response.status_code == 503
    assert "cannot be reached" in response.json()["error"]
    assert time.monotonic() - started < 2 * 1 + 3  # two attempts of one second, and slack
    assert Upload.objects.get(id=upload.id).status == Upload.Status.PENDING


def test_s3_timeouts_and_attempts_come_from_settings(settings: Any) -> None:
    change_app_settings(settings, S3_CONNECT_TIMEOUT=2, S3_READ_TIMEOUT=7, S3_MAX_ATTEMPTS=4)

    config = s3.client().meta.config

    assert (config.connect_timeout, config.read_timeout) == (2, 7)
    assert config.retries["total_max_attempts"] == 4


def _unreachable(**kwargs: Any) -> None:
    raise EndpointConnectionError(endpoint_url="http://s3.invalid")


def test_a_ticket_is_still_issued_when_s3_was_reachable_moments_ago(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert post_json(api, "/api/uploads", SMALL).status_code == 201
    monkeypatch.setattr(s3.client(), "head_bucket", _unreachable)

    response = post_json(api, "/api/uploads", SMALL)

    assert response.status_code == 201  # reachability is remembered for REACHABILITY_TTL
    assert Upload.objects.count() == 2


def test_once_the_reachability_check_is_due_a_start_is_503_and_records_nothing(
    api: Client, moto_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert post_json(api, "/api/uploads", SMALL).status_code == 201
    monkeypatch.setattr(s3.client(), "head_bucket", _unreachable)
    monkeypatch.setattr(s3, "REACHABILITY_TTL", 0.0)

    response = post_json(api, "/api/uploads", SMALL)

    assert response.status_code == 503
    assert Upload.objects.count() == 1


@pytest.mark.parametrize("status", [Upload.Status.FAILED, Upload.Status.CANCELLED])
def test_the_sweep_purges_failed_and_cancelled_rows_after_their_age(
    user: Any, make_upload: Any, moto_s3: Any, settings: Any, status: str
) -> None:

    old = make_upload(user, status=status)
    recent = make_upload(user, status=status)
    Upload.objects.filter(id=old.id).update(
        updated_at=timezone.now() - timedelta(seconds=conf.app_settings().purge_after + 1)
    )

    call_command("sweep_uploads", stdout=StringIO())

    assert not Upload.objects.filter(id=old.id).exists()
    assert Upload.objects.filter(id=recent.id).exists()


def test_the_sweep_never_purges_complete_or_pending_rows(
    user: Any, make_upload: Any, moto_s3: Any, settings: Any
) -> None:

    complete = make_upload(user, status=Upload.Status.COMPLETE)
    Upload.objects.filter(id=complete.id).update(updated_at=timezone.now() - timedelta(days=400))

    call_command("sweep_uploads", stdout=StringIO())

    assert Upload.objects.filter(id=complete.id).exists()
