"""Batches against the real app and SeaweedFS: each file is checked on storage as if alone."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from direct_to_s3.keys import incoming_key
from direct_to_s3.models import Upload
from tests.conftest import change_app_settings, one_request_at_a_time
from upload_client.client import LocalFile, MultipartForm, UploadClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(
    live_server: Any, real_s3: Any, user: Any, fresh_rate_buckets: None
) -> Iterator[UploadClient]:
    """Logged in as alice. It starts one batch while it completes another: one at a time."""
    with one_request_at_a_time(live_server):
        client = UploadClient(live_server.url)
        client.login("alice", "alice-password")
        yield client


def soon_gone(real_s3: Any, bucket: str, key: str, seconds: float = 10) -> bool:
    """Whether nothing is left at `key` within `seconds`: the server deletes an incoming copy
    after it has sent its answer, so the client can get there first."""
    deadline = time.monotonic() + seconds
    while real_s3.list_objects_v2(Bucket=bucket, Prefix=key)["KeyCount"]:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def notes(folder: Path, count: int) -> list[Path]:
    paths = []
    for number in range(count):
        path = folder / f"note-{number:03d}.txt"
        path.write_text(f"note {number}\n")
        paths.append(path)
    return paths


def test_many_small_files_go_up_in_batches_through_the_create_limit(
    client: UploadClient, settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    change_app_settings(settings, CREATE_BURST=5, CREATE_RATE_PER_MINUTE=600)

    with caplog.at_level(logging.WARNING, logger="upload_client"):
        results = client.upload_many(notes(tmp_path, 20))

    assert [result["status"] for result in results if isinstance(result, dict)] == ["complete"] * 20
    assert Upload.objects.filter(status=Upload.Status.COMPLETE).count() == 20
    assert any("(rate limit), then continuing." in message for message in caplog.messages)


def test_a_file_stored_with_other_bytes_fails_alone_and_is_removed(
    client: UploadClient, real_s3: Any, seaweedfs_bucket: str, tmp_path: Path
) -> None:
    paths = notes(tmp_path, 3)
    root = client.root()
    started = client.api(
        "POST",
        root["batch_start"],
        {
            "uploads": [
                {
                    "filename": p.name,
                    "content_type": "text/plain",
                    "size": p.stat().st_size,
                    "visibility": "private",
                }
                for p in paths
            ]
        },
    )["results"]
    bodies = [result["body"] for result in started]
    # The last ticket is used for a file of the same size but binary contents.
    paths[2].write_bytes(b"\x00\x01\x02\x03\x04\x05\x06")  # as long as "note 2\\n"
    for path, body in zip(paths, bodies, strict=True):
        form = MultipartForm(body["upload"]["fields"], LocalFile.at(path, "text/plain"))
        sent = requests.post(
            body["upload"]["url"],
            data=form,
            headers={"Content-Type": form.content_type},
            timeout=30,
        )
        assert sent.status_code in (201, 204)

    results = client.api("POST", root["batch_complete"], {"ids": [b["id"] for b in bodies]})

    assert [result["status"] for result in results["results"]] == [200, 200, 409]
    failed = Upload.objects.get(id=bodies[2]["id"])
    assert failed.status == Upload.Status.FAILED
    for key in (failed.key, incoming_key(failed.key)):
        assert real_s3.list_objects_v2(Bucket=seaweedfs_bucket, Prefix=key)["KeyCount"] == 0
    completed = Upload.objects.filter(id__in=[b["id"] for b in bodies[:2]])
    for upload in completed:  # the incoming copies go in the batch's one DeleteObjects
        assert real_s3.list_objects_v2(Bucket=seaweedfs_bucket, Prefix=upload.key)["KeyCount"] == 1
        assert soon_gone(real_s3, seaweedfs_bucket, incoming_key(upload.key))
