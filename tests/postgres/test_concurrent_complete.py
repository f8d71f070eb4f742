"""Two browsers (or a retry) completing the same upload at once: S3 is checked exactly once.

Needs real row locks (`select_for_update`), so PostgreSQL and real transactions.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from uploads import s3, services
from uploads.models import Upload

pytestmark = pytest.mark.django_db(transaction=True)


PNG = b"\x89PNG\r\n\x1a\n" + bytes(56)


def test_simultaneous_completions_check_and_complete_once(
    on_postgres: None,
    user: Any,
    make_upload: Any,
    moto_s3: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    upload = make_upload(user, status=Upload.Status.PENDING, size=len(PNG))
    moto_s3.put_object(
        Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=upload.key, Body=PNG, ContentType="image/png"
    )
    heads: list[float] = []
    entered: list[float] = []
    real_head = s3.head_object

    def slow_head(key: str) -> s3.StoredObject | None:
        heads.append(time.monotonic())
        time.sleep(0.5)  # long enough for the other request to arrive meanwhile
        return real_head(key)

    monkeypatch.setattr(s3, "head_object", slow_head)
    start = threading.Barrier(2)
    results: list[Upload] = []
    errors: list[BaseException] = []

    def complete() -> None:
        try:
            mine = Upload.objects.get(pk=upload.pk)
            start.wait(timeout=10)
            entered.append(time.monotonic())
            results.append(services.upload_complete(upload=mine))
        except BaseException as error:  # reported by the assertions below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(heads) == 1
    # Both asked while the first was still checking S3: the second waited on the row lock.
    assert max(entered) < heads[0] + 0.5
    assert [r.status for r in results] == [Upload.Status.COMPLETE] * 2
    assert len({r.etag for r in results}) == 1
    upload.refresh_from_db()
    assert upload.status == Upload.Status.COMPLETE
