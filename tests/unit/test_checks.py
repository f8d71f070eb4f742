"""System checks: settings that would fail later (or only in production) fail `check` first."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from uploads.checks import check_upload_settings

TIB = 1024**4
GIB = 1024**3


def ids(messages: list[Error]) -> list[str]:
    return [message.id for message in messages]


def test_the_default_upload_settings_pass() -> None:
    assert check_upload_settings() == []


def test_a_max_size_above_5_tib_is_an_error(settings: Any) -> None:
    settings.UPLOAD_MAX_SIZE = 5 * TIB + 1

    assert ids(check_upload_settings()) == ["uploads.E005"]


def test_a_max_size_of_exactly_5_tib_passes(settings: Any) -> None:
    settings.UPLOAD_MAX_SIZE = 5 * TIB

    assert check_upload_settings() == []


@pytest.mark.parametrize("threshold", [0, -1, 5 * GIB + 1])
def test_a_multipart_threshold_outside_1_byte_to_5_gib_is_an_error(
    settings: Any, threshold: int
) -> None:
    settings.UPLOAD_MULTIPART_THRESHOLD = threshold

    assert ids(check_upload_settings()) == ["uploads.E006"]


def test_a_multipart_threshold_of_exactly_5_gib_passes(settings: Any) -> None:
    settings.UPLOAD_MULTIPART_THRESHOLD = 5 * GIB

    assert check_upload_settings() == []


def test_check_command_refuses_a_max_size_s3_cannot_store(settings: Any) -> None:
    settings.UPLOAD_MAX_SIZE = 6 * TIB

    with pytest.raises(SystemCheckError, match=r"uploads\.E005"):
        call_command("check")
