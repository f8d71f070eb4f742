"""System checks for the app's settings; the production-only ones are tagged `deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from direct_to_s3 import conf, content_types, s3, visibility
from direct_to_s3.keys import INCOMING_PREFIX

MAX_TICKET_SECONDS = 15 * 60
MIN_FORM_REFERENCE_SECONDS = 60
# S3's own limits: the largest object, and the largest single PUT/POST or server-side copy.
S3_MAX_OBJECT_SIZE = 5 * 1024**4
S3_MAX_SINGLE_UPLOAD_SIZE = 5 * 1024**3
# Caches each process keeps to itself: counters and sessions in them are not seen by the others.
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def _key(name: str) -> str:
    return f"{conf.SETTING_NAME}[{name!r}]"


@register()
def check_upload_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    configured = conf.configured()
    if not isinstance(configured, dict):
        return [Error(f"{conf.SETTING_NAME} must be a dict.", id="direct_to_s3.E011")]
    problems = conf.problems(configured)
    if problems:
        return [
            Error(
                f"{conf.SETTING_NAME} has {problem}.",
                hint=f"Its keys and defaults: {', '.join(conf.FIELDS)} (see the README).",
                id="direct_to_s3.E011",
            )
            for problem in problems
        ]
    options = conf.app_settings()
    errors = []
    if not 0 < options.ticket_expires <= MAX_TICKET_SECONDS:
        errors.append(
            Error(
                f"{_key('TICKET_EXPIRES')} must be between 1 and 900 seconds.",
                id="direct_to_s3.E001",
            )
        )
    if options.max_size <= 0:
        errors.append(Error(f"{_key('MAX_SIZE')} must be positive.", id="direct_to_s3.E002"))
    if options.max_size > S3_MAX_OBJECT_SIZE:
        errors.append(
            Error(
                f"{_key('MAX_SIZE')} is above 5 TiB, the largest object S3 stores.",
                hint=f"Set it to {S3_MAX_OBJECT_SIZE} or less.",
                id="direct_to_s3.E005",
            )
        )
    if not 0 < options.multipart_threshold <= S3_MAX_SINGLE_UPLOAD_SIZE:
        errors.append(
            Error(
                f"{_key('MULTIPART_THRESHOLD')} must be between 1 byte and 5 GiB: S3 takes at "
                "most 5 GiB in one POST, and copies at most 5 GiB in one request.",
                hint=f"Set it to {S3_MAX_SINGLE_UPLOAD_SIZE} or less (the default is 32 MiB).",
                id="direct_to_s3.E006",
            )
        )
    for name in ("ALLOWED_CONTENT_TYPES", "PRIVATE_ALLOWED_CONTENT_TYPES"):
        errors += _check_type_patterns(name, getattr(options, name.lower()))
    if not 0 < options.signed_url_expires <= 7 * 24 * 3600:
        errors.append(
            Error(
                f"{_key('SIGNED_URL_EXPIRES')} must be between 1 second and 7 days.",
                id="direct_to_s3.E004",
            )
        )
    for name in ("S3_CONNECT_TIMEOUT", "S3_READ_TIMEOUT", "S3_MAX_ATTEMPTS"):
        if getattr(options, name.lower()) <= 0:
            errors.append(Error(f"{_key(name)} must be at least 1.", id="direct_to_s3.E009"))
    if options.purge_after < MAX_TICKET_SECONDS:
        errors.append(
            Error(
                f"{_key('PURGE_AFTER')} must be at least 900 seconds: a failed or cancelled "
                "upload stays listed at least as long as its ticket could still be used.",
                id="direct_to_s3.E010",
            )
        )
    if options.form_reference_max_age < MIN_FORM_REFERENCE_SECONDS:
        errors.append(
            Error(
                f"{_key('FORM_REFERENCE_MAX_AGE')} must be at least 60 seconds: a form "
                "reference must outlive the upload it names and the form's submission.",
                hint="The default is 86400 (24 hours).",
                id="direct_to_s3.E015",
            )
        )
    return errors + check_storages()


def _check_type_patterns(name: str, patterns: tuple[str, ...]) -> list[Error]:
    if not patterns:
        return [
            Error(
                f"{_key(name)} is empty: no file could be uploaded.",
                hint='To accept any type, say so: ["*/*"].',
                id="direct_to_s3.E003",
            )
        ]
    wrong = [pattern for pattern in patterns if not content_types.is_pattern(pattern)]
    if not wrong:
        return []
    return [
        Error(
            f"{_key(name)} has {', '.join(repr(p) for p in wrong)}, which "
            f"{'is not a type' if len(wrong) == 1 else 'are not types'}.",
            hint="Each entry is a MIME type (image/png), a family (image/*) or */* for any.",
            id="direct_to_s3.E016",
        )
    ]


def check_storages() -> list[Error]:
    """PUBLIC_STORAGE and PRIVATE_STORAGE: S3 storages, one bucket, two separate prefixes."""
    found = {}
    errors = []
    for kind in visibility.VISIBILITIES:
        alias = visibility.storage_alias(kind)
        try:
            found[kind] = s3.storage(alias)
        except Exception as error:  # a missing alias, a wrong backend or bad options
            errors.append(
                Error(
                    f"{_key(f'{kind.upper()}_STORAGE')} names STORAGES[{alias!r}], which is "
                    f"not a usable S3 storage: {error}",
                    hint="Add it to STORAGES with an S3 backend, e.g. "
                    f"direct_to_s3.storages.{kind.capitalize()}MediaStorage.",
                    id="direct_to_s3.E012",
                )
            )
    if errors:
        return errors
    public, private = found[visibility.PUBLIC], found[visibility.PRIVATE]
    if (public.bucket_name, public.endpoint_url) != (private.bucket_name, private.endpoint_url):
        errors.append(
            Error(
                "The public and private storages must be the same bucket on the same endpoint "
                f"(now {public.bucket_name!r} at {public.endpoint_url or 'AWS'} and "
                f"{private.bucket_name!r} at {private.endpoint_url or 'AWS'}).",
                hint="Give both STORAGES aliases the same bucket_name and endpoint_url; they "
                "differ only in their location.",
                id="direct_to_s3.E013",
            )
        )
    prefixes = [visibility.prefix(kind) for kind in visibility.VISIBILITIES]
    if (
        "/" in prefixes
        or prefixes[0].startswith(prefixes[1])
        or prefixes[1].startswith(prefixes[0])
        or any(p.startswith(INCOMING_PREFIX) or INCOMING_PREFIX.startswith(p) for p in prefixes)
    ):
        errors.append(
            Error(
                "The public and private storages need locations of their own (now "
                f"{' and '.join(repr(p) for p in prefixes)}), neither inside the other nor "
                f"in {INCOMING_PREFIX!r}: the bucket policy makes the public one readable.",
                hint="E.g. location 'media' and 'private' (the storages' defaults).",
                id="direct_to_s3.E014",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_production_storage(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    warnings = []
    try:
        access_key = s3.storage(conf.app_settings().public_storage).access_key
    except Exception:  # reported by check_storages
        access_key = None
    # The demo site's local-only key for its local S3 server.
    if access_key and access_key == getattr(settings, "LOCAL_S3_ACCESS_KEY", None):
        warnings.append(
            Warning(
                "The local development S3 credentials are in use.",
                hint="Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or leave them empty for "
                "an IAM role.",
                id="direct_to_s3.W001",
            )
        )
    if not conf.app_settings().cors_origins:
        warnings.append(
            Warning(
                f"{_key('CORS_ORIGINS')} is empty: browsers will not be allowed to upload to "
                "the bucket.",
                hint="Set it to the site's origin, e.g. https://uploads.example.com "
                "(S3_CORS_ORIGINS in the demo site).",
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
