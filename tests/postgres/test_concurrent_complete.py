"""Two browsers (or a retry) completing the same upload at once: one outcome, no lock held on S3.

Needs real row locks (`select_for_update`), so PostgreSQL and real transactions.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from direct_to_s3 import s3, services
from direct_to_s3.models import Upload
from tests.conftest import bucket_name
from tests.postgres.conftest import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


PNG = b"\x89PNG\r\n\x1a\n" + bytes(56)


def test_simultaneous_completions_both_answer_complete_with_one_object(
    on_postgres: None,
    user: Any,
    make_upload: Any,
    moto_s3: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    upload = make_upload(user, status=Upload.Status.PENDING, size=len(PNG))
    bucket = bucket_name()
    moto_s3.put_object(
        Bucket=bucket,
        Key=upload.incoming_key,
        Body=PNG,
        ContentType="image/png",
        CacheControl=services.stored_headers(upload)["Cache-Control"],
    )
    heads: list[tuple[float, float]] = []
    real_read = s3.read_object

    def slow_read(key: str, length: int) -> tuple[s3.StoredObject, bytes] | None:
        started = time.monotonic()
        time.sleep(0.5)  # long enough for the other request to arrive meanwhile
        found = real_read(key, length)
        heads.append((started, time.monotonic()))
        return found

    monkeypatch.setattr(s3, "read_object", slow_read)
    start = threading.Barrier(2)
    results: list[Upload] = []

    def complete() -> None:
        mine = Upload.objects.get(pk=upload.pk)
        start.wait(timeout=10)
        results.append(services.upload_complete(upload=mine))

    errors = run_in_threads(complete, 2, timeout=30)

    assert errors == []
    # The second checked S3 while the first was still checking: no row lock is held on S3.
    assert len(heads) == 2
    assert max(started for started, _ in heads) < min(ended for _, ended in heads)
    assert [r.status for r in results] == [Upload.Status.COMPLETE] * 2
    assert len({r.etag for r in results}) == 1
    upload.refresh_from_db()
    assert upload.status == Upload.Status.COMPLETE
    keys = [item["Key"] for item in moto_s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == [upload.key]
