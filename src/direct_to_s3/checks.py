"""System checks for upload settings; the production-only ones are tagged `deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

MAX_TICKET_SECONDS = 15 * 60
# S3's own limits: the largest object, and the largest single PUT/POST or server-side copy.
S3_MAX_OBJECT_SIZE = 5 * 1024**4
S3_MAX_SINGLE_UPLOAD_SIZE = 5 * 1024**3
# Caches each process keeps to itself: counters and sessions in them are not seen by the others.
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register()
def check_upload_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if not 0 < settings.UPLOAD_TICKET_EXPIRES <= MAX_TICKET_SECONDS:
        errors.append(
            Error(
                "UPLOAD_TICKET_EXPIRES must be between 1 and 900 seconds.",
                id="direct_to_s3.E001",
            )
        )
    if settings.UPLOAD_MAX_SIZE <= 0:
        errors.append(Error("UPLOAD_MAX_SIZE must be positive.", id="direct_to_s3.E002"))
    if settings.UPLOAD_MAX_SIZE > S3_MAX_OBJECT_SIZE:
        errors.append(
            Error(
                "UPLOAD_MAX_SIZE is above 5 TiB, the largest object S3 stores.",
                hint=f"Set it to {S3_MAX_OBJECT_SIZE} or less.",
                id="direct_to_s3.E005",
            )
        )
    if not 0 < settings.UPLOAD_MULTIPART_THRESHOLD <= S3_MAX_SINGLE_UPLOAD_SIZE:
        errors.append(
            Error(
                "UPLOAD_MULTIPART_THRESHOLD must be between 1 byte and 5 GiB: S3 takes at most "
                "5 GiB in one POST, and copies at most 5 GiB in one request.",
                hint=f"Set it to {S3_MAX_SINGLE_UPLOAD_SIZE} or less (the default is 64 MiB).",
                id="direct_to_s3.E006",
            )
        )
    if not settings.UPLOAD_ALLOWED_CONTENT_TYPES:
        errors.append(Error("UPLOAD_ALLOWED_CONTENT_TYPES is empty.", id="direct_to_s3.E003"))
    if not 0 < settings.SIGNED_URL_EXPIRES <= 7 * 24 * 3600:
        errors.append(
            Error("SIGNED_URL_EXPIRES must be between 1 second and 7 days.", id="direct_to_s3.E004")
        )
    for name in ("UPLOAD_S3_CONNECT_TIMEOUT", "UPLOAD_S3_READ_TIMEOUT", "UPLOAD_S3_MAX_ATTEMPTS"):
        if getattr(settings, name) <= 0:
            errors.append(Error(f"{name} must be at least 1.", id="direct_to_s3.E009"))
    if settings.UPLOAD_PURGE_AFTER < MAX_TICKET_SECONDS:
        errors.append(
            Error(
                "UPLOAD_PURGE_AFTER must be at least 900 seconds: a failed or cancelled upload "
                "stays listed at least as long as its ticket could still be used.",
                id="direct_to_s3.E010",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_production_storage(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    warnings = []
    if settings.AWS_ACCESS_KEY_ID == settings.LOCAL_S3_ACCESS_KEY:
        warnings.append(
            Warning(
                "The local development S3 credentials are in use.",
                hint="Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or leave them empty for "
                "an IAM role.",
                id="direct_to_s3.W001",
            )
        )
    if not settings.S3_CORS_ORIGINS:
        warnings.append(
            Warning(
                "S3_CORS_ORIGINS is empty: browsers will not be allowed to upload to the bucket.",
                hint="Set it to the site's origin, e.g. https://uploads.example.com.",
                id="direct_to_s3.W002",
            )
        )
    return warnings


@register(Tags.caches, Tags.security, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is private to each process: "
            "with several workers or servers each one counts rate limits on its own, and "
            "sessions cannot be cached (a logout would not reach the other processes).",
            hint="Set DJANGO_CACHE_BACKEND and DJANGO_CACHE_LOCATION to a cache every process "
            "shares, e.g. django.core.cache.backends.db.DatabaseCache (after "
            "`manage.py createcachetable`) or Redis.",
            id="direct_to_s3.E007",
        )
    ]
