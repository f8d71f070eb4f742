"""System checks: settings that would fail later (or only in production) fail `check` first."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from direct_to_s3.checks import check_shared_cache, check_upload_settings
from tests.conftest import change_app_settings

TIB = 1024**4
GIB = 1024**3
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
DUMMY = "django.core.cache.backends.dummy.DummyCache"
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"
REDIS = "django.core.cache.backends.redis.RedisCache"


def ids(messages: list[Error]) -> list[str]:
    return [message.id for message in messages]


def cache(backend: str) -> dict[str, dict[str, str]]:
    return {"default": {"BACKEND": backend, "LOCATION": "somewhere"}}


def test_the_default_upload_settings_pass() -> None:
    assert check_upload_settings() == []


def test_a_max_size_above_5_tib_is_an_error(settings: Any) -> None:
    change_app_settings(settings, MAX_SIZE=5 * TIB + 1)

    assert ids(check_upload_settings()) == ["direct_to_s3.E005"]


def test_a_max_size_of_exactly_5_tib_passes(settings: Any) -> None:
    change_app_settings(settings, MAX_SIZE=5 * TIB)

    assert check_upload_settings() == []


@pytest.mark.parametrize("threshold", [0, -1, 5 * GIB + 1])
def test_a_multipart_threshold_outside_1_byte_to_5_gib_is_an_error(
    settings: Any, threshold: int
) -> None:
    change_app_settings(settings, MULTIPART_THRESHOLD=threshold)

    assert ids(check_upload_settings()) == ["direct_to_s3.E006"]


def test_a_multipart_threshold_of_exactly_5_gib_passes(settings: Any) -> None:
    change_app_settings(settings, MULTIPART_THRESHOLD=5 * GIB)

    assert check_upload_settings() == []


def test_check_command_refuses_a_max_size_s3_cannot_store(settings: Any) -> None:
    change_app_settings(settings, MAX_SIZE=6 * TIB)

    with pytest.raises(SystemCheckError, match=r"direct_to_s3\.E005"):
        call_command("check")


@pytest.mark.parametrize("backend", [LOCMEM, DUMMY])
def test_a_process_local_cache_in_production_is_an_error(settings: Any, backend: str) -> None:
    settings.DEBUG = False
    settings.CACHES = cache(backend)

    assert ids(check_shared_cache()) == ["direct_to_s3.E007"]


@pytest.mark.parametrize("backend", [DATABASE_CACHE, REDIS])
def test_a_shared_cache_in_production_passes(settings: Any, backend: str) -> None:
    settings.DEBUG = False
    settings.CACHES = cache(backend)

    assert check_shared_cache() == []


def test_a_process_local_cache_is_fine_while_debugging(settings: Any) -> None:
    settings.DEBUG = True
    settings.CACHES = cache(LOCMEM)

    assert check_shared_cache() == []


def test_deploy_check_fails_on_a_process_local_cache(settings: Any) -> None:
    settings.DEBUG = False
    settings.CACHES = cache(LOCMEM)

    with pytest.raises(SystemCheckError, match=r"direct_to_s3\.E007"):
        call_command("check", "--deploy", "--tag=caches")


@pytest.mark.parametrize("name", ["S3_CONNECT_TIMEOUT", "S3_READ_TIMEOUT", "S3_MAX_ATTEMPTS"])
def test_an_s3_timeout_or_attempts_of_zero_is_an_error(settings: Any, name: str) -> None:
    change_app_settings(settings, **{name: 0})

    assert "direct_to_s3.E009" in ids(check_upload_settings())


def test_purging_rows_before_their_ticket_could_expire_is_an_error(settings: Any) -> None:
    change_app_settings(settings, PURGE_AFTER=60)

    assert "direct_to_s3.E010" in ids(check_upload_settings())


def test_a_form_reference_living_under_a_minute_is_an_error(settings: Any) -> None:
    change_app_settings(settings, FORM_REFERENCE_MAX_AGE=59)

    assert ids(check_upload_settings()) == ["direct_to_s3.E015"]


def test_a_form_reference_living_a_minute_passes(settings: Any) -> None:
    change_app_settings(settings, FORM_REFERENCE_MAX_AGE=60)

    assert check_upload_settings() == []


@pytest.mark.parametrize("name", ["ALLOWED_CONTENT_TYPES", "PRIVATE_ALLOWED_CONTENT_TYPES"])
def test_an_empty_type_list_is_an_error(settings: Any, name: str) -> None:
    change_app_settings(settings, **{name: []})

    assert ids(check_upload_settings()) == ["direct_to_s3.E003"]


@pytest.mark.parametrize("name", ["ALLOWED_CONTENT_TYPES", "PRIVATE_ALLOWED_CONTENT_TYPES"])
def test_a_type_list_entry_that_is_no_pattern_is_an_error(settings: Any, name: str) -> None:
    change_app_settings(settings, **{name: ["image/*", "images", "*"]})

    errors = check_upload_settings()

    assert ids(errors) == ["direct_to_s3.E016"]
    assert "'images', '*'" in errors[0].msg


def test_type_lists_of_types_families_and_any_pass(settings: Any) -> None:
    change_app_settings(
        settings,
        ALLOWED_CONTENT_TYPES=["image/*", "application/pdf"],
        PRIVATE_ALLOWED_CONTENT_TYPES=["*/*"],
    )

    assert check_upload_settings() == []
