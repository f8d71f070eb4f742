"""The app's settings: one project setting, `DIRECT_TO_S3 = {...}`, every key optional.

    DIRECT_TO_S3 = {"MAX_SIZE": 2 * 1024**3, "CORS_ORIGINS": ["https://uploads.example.com"]}

`app_settings()` answers them as a typed, frozen object, defaults filled in; it is cached and
forgotten when a test changes the setting. Where the bytes live (bucket, credentials, endpoint,
region, custom domain, prefixes) is not here but in the project's STORAGES: the aliases named
by PUBLIC_STORAGE and PRIVATE_STORAGE. `checks.py` reports unknown keys and wrong values.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from direct_to_s3 import content_types, parts

SETTING_NAME = "DIRECT_TO_S3"

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class AppSettings:
    """Each field is the key of the same name in capitals: `max_size` is `MAX_SIZE`."""

    # Largest file accepted, in bytes (at most S3's 5 TiB).
    max_size: int = 10 * GiB
    # Larger files go up as parallel, resumable multipart uploads (1 byte to 5 GiB).
    multipart_threshold: int = parts.DEFAULT_MULTIPART_THRESHOLD
    # What public and private files may be: types (`image/png`), families (`image/*`) or
    # anything (`*/*`), matched by `content_types.matches`; see that module for the defaults.
    allowed_content_types: tuple[str, ...] = content_types.DEFAULT_PUBLIC_TYPES
    private_allowed_content_types: tuple[str, ...] = content_types.DEFAULT_PRIVATE_TYPES
    # Seconds an upload ticket (presigned POST, part URLs) stays valid; at most 900.
    ticket_expires: int = 600
    # Seconds a signed link to a private file stays valid.
    signed_url_expires: int = 300
    # Per user: a token bucket of BURST requests at once refilled at RATE_PER_MINUTE (0 = off).
    # CREATE counts files (a batch takes one token per file): a folder of a few thousand goes
    # up at once.
    create_rate_per_minute: int = 300
    create_burst: int = 5000
    sign_rate_per_minute: int = 3000
    sign_burst: int = 600
    # Per user: bytes stored, bytes in unfinished uploads, number of unfinished uploads.
    quota_bytes: int = 100 * GiB
    quota_pending_bytes: int = 50 * GiB
    quota_pending_count: int = 1000
    # Seconds a form reference (`references.reference_for`) stays valid: time to finish the form.
    form_reference_max_age: int = 24 * 3600
    # Whether a DirectFileField without its own `delete_replaced` deletes the object it held
    # once a save replaces or clears it, or its instance is deleted.
    delete_replaced_files: bool = True
    # Seconds after which `sweep_uploads` abandons a pending upload.
    pending_max_age: int = 24 * 3600
    # Seconds failed and cancelled uploads stay listed before `sweep_uploads` deletes their rows.
    purge_after: int = 7 * 24 * 3600
    # The app server's calls to S3: seconds to connect, seconds to wait for an answer, attempts.
    s3_connect_timeout: int = 3
    s3_read_timeout: int = 10
    s3_max_attempts: int = 2
    # Browser origins allowed to upload to the bucket (CORS), written by `s3_setup`.
    cors_origins: tuple[str, ...] = ()
    # STORAGES aliases: where public and private files live (one bucket, two prefixes).
    public_storage: str = "public_media"
    private_storage: str = "private_media"
    # Where browsers reach S3 when that differs from the storages' endpoint_url (e.g. inside
    # compose); None: the same address. Used for signed URLs and unsigned public ones.
    browser_endpoint_url: str | None = None


FIELDS = {field.name.upper(): field for field in dataclasses.fields(AppSettings)}
_SEQUENCES = {"ALLOWED_CONTENT_TYPES", "PRIVATE_ALLOWED_CONTENT_TYPES", "CORS_ORIGINS"}
_OPTIONAL = {"BROWSER_ENDPOINT_URL"}


def configured() -> dict[str, Any]:
    """The project's DIRECT_TO_S3 as written (an empty dict when it is not set)."""
    return getattr(settings, SETTING_NAME, None) or {}


def problems(values: dict[str, Any]) -> list[str]:
    """Why `values` is not a valid DIRECT_TO_S3: unknown keys, values of the wrong type."""
    found = [f"unknown key {key!r}" for key in values if key not in FIELDS]
    for key, value in values.items():
        if key not in FIELDS or (key in _OPTIONAL and value is None):
            continue
        if key in _SEQUENCES:
            ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
            expected = "a list of strings"
        elif isinstance(FIELDS[key].default, bool):
            ok = isinstance(value, bool)
            expected = "True or False"
        elif FIELDS[key].default is not None and isinstance(FIELDS[key].default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
            expected = "an integer"
        else:
            ok = isinstance(value, str)
            expected = "a string"
        if not ok:
            found.append(f"{key} must be {expected}, not {value!r}")
    return found


@functools.cache
def app_settings() -> AppSettings:
    values = configured()
    if not isinstance(values, dict):
        return AppSettings()
    known: dict[str, Any] = {
        key.lower(): tuple(value) if key in _SEQUENCES else value
        for key, value in values.items()
        if key in FIELDS
    }
    return AppSettings(**known)


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTING_NAME:
        app_settings.cache_clear()
