"""The usage a quota is checked against: the owner's complete and unfinished uploads only."""

from __future__ import annotations

from typing import Any

import pytest

from direct_to_s3.limits import Usage, usage
from direct_to_s3.models import Upload

pytestmark = pytest.mark.django_db


def test_a_user_without_uploads_holds_nothing(user: Any) -> None:
    assert usage(user_id=user.pk) == Usage(stored=0, pending=0, pending_count=0)


def test_usage_adds_complete_bytes_and_pending_bytes_and_count_apart(
    user: Any, make_upload: Any
) -> None:
    make_upload(user, size=100)
    make_upload(user, size=20)
    make_upload(user, size=7, status=Upload.Status.PENDING)
    make_upload(user, size=5, status=Upload.Status.PENDING)

    assert usage(user_id=user.pk) == Usage(stored=120, pending=12, pending_count=2)


def test_failed_and_cancelled_uploads_hold_nothing(user: Any, make_upload: Any) -> None:
    make_upload(user, size=100, status=Upload.Status.FAILED)
    make_upload(user, size=100, status=Upload.Status.CANCELLED)

    assert usage(user_id=user.pk) == Usage(stored=0, pending=0, pending_count=0)


def test_other_users_uploads_do_not_count(user: Any, other_user: Any, make_upload: Any) -> None:
    make_upload(other_user, size=100)
    make_upload(other_user, size=9, status=Upload.Status.PENDING)

    assert usage(user_id=user.pk) == Usage(stored=0, pending=0, pending_count=0)


def test_sizes_beyond_32_bits_add_up(user: Any, make_upload: Any) -> None:
    make_upload(user, size=5 * 1024**4)
    make_upload(user, size=5 * 1024**4)

    assert usage(user_id=user.pk).stored == 10 * 1024**4
