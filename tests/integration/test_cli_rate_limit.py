"""The CLI client against the real app and SeaweedFS: the create limit's 429s are waited out."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from direct_to_s3.models import Upload
from tests.conftest import change_app_settings
from upload_client.client import UploadClient

pytestmark = pytest.mark.django_db(transaction=True)


def test_files_started_faster_than_the_create_limit_all_go_up(
    live_server: Any,
    real_s3: Any,
    settings: Any,
    user: Any,
    tmp_path: Path,
    fresh_rate_buckets: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    change_app_settings(settings, CREATE_RATE_PER_MINUTE=60)  # one new upload a second
    change_app_settings(settings, CREATE_BURST=1)
    client = UploadClient(live_server.url)
    client.login("alice", "alice-password")
    paths = []
    for number in range(3):
        path = tmp_path / f"note-{number}.txt"
        path.write_text(f"note {number}\n")
        paths.append(path)

    with caplog.at_level(logging.WARNING, logger="upload_client"):
        results = [client.upload(path, resume=False) for path in paths]

    assert [result["status"] for result in results] == ["complete"] * 3
    assert Upload.objects.filter(status=Upload.Status.COMPLETE).count() == 3
    assert "Waiting 1 s (rate limit), then continuing." in caplog.messages
