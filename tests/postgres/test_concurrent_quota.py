"""Quotas hold when one user starts many uploads at once: each start is counted in turn.

Needs real row locks (`select_for_update` on the owner), so PostgreSQL and real transactions.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from direct_to_s3 import services
from direct_to_s3.errors import QuotaExceeded
from direct_to_s3.models import Upload
from direct_to_s3.validation import UploadRequest
from tests.conftest import change_app_settings
from tests.postgres.conftest import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)

GiB = 1024**3


def test_parallel_starts_cannot_pass_the_pending_quota_together(
    on_postgres: None, user: Any, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, QUOTA_PENDING_BYTES=50 * GiB, CREATE_RATE_PER_MINUTE=0)
    request = UploadRequest(
        filename="big.mp4", content_type="video/mp4", size=10 * GiB, visibility="private"
    )
    start = threading.Barrier(20)
    started: list[Upload] = []
    refused: list[QuotaExceeded] = []

    def upload() -> None:
        start.wait(timeout=10)
        try:
            started.append(services.upload_start(owner=user, request=request)[0])
        except QuotaExceeded as error:
            refused.append(error)

    errors = run_in_threads(upload, 20)

    assert errors == []
    assert (len(started), len(refused)) == (5, 15)
    assert Upload.objects.filter(owner=user, status=Upload.Status.PENDING).count() == 5
