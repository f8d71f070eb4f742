"""What "public" means, in one place: visibility → storage alias → prefix → URL.

A file's visibility names a STORAGES alias (the app settings PUBLIC_STORAGE and
PRIVATE_STORAGE); that storage's `location` is the prefix of its keys (`media/`, `private/` by
default). Public files are read by anyone, by bucket policy, at an unsigned URL (the public
storage's custom domain when it has one); private files only through a short-lived signed URL.
One exception keeps the bucket's origin safe: a type that can run script (HTML, SVG, XML) is
never served inline, public or not.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.utils.module_loading import import_string
from storages.backends.s3 import S3Storage

from direct_to_s3 import s3
from direct_to_s3.conf import app_settings
from direct_to_s3.sniffing import is_active_content

PUBLIC = "public"
PRIVATE = "private"
VISIBILITIES = (PUBLIC, PRIVATE)
# collectstatic's alias: its files are public too when it is an S3 storage.
STATIC_ALIAS = "staticfiles"
DEFAULT_STATIC_LOCATION = "static"


def storage_alias(visibility: str) -> str:
    if visibility == PUBLIC:
        return app_settings().public_storage
    if visibility == PRIVATE:
        return app_settings().private_storage
    raise ValueError(f"Unknown visibility {visibility!r}.")


def prefix(visibility: str) -> str:
    """Where keys of this visibility start, e.g. `media/`: its storage's location."""
    return _as_prefix(s3.storage(storage_alias(visibility)).location)


def served_prefixes() -> tuple[str, ...]:
    """Every prefix the app serves uploads from, public first."""
    return tuple(prefix(visibility) for visibility in VISIBILITIES)


def static_prefix() -> str:
    """Where collectstatic writes in the bucket: the staticfiles storage's location when it is
    an S3 storage, else where direct_to_s3.storages.StaticStorage would write."""
    backend = import_string(str(settings.STORAGES[STATIC_ALIAS]["BACKEND"]))
    if isinstance(backend, type) and issubclass(backend, S3Storage):
        static: S3Storage = storages[STATIC_ALIAS]
        return _as_prefix(static.location)
    return _as_prefix(DEFAULT_STATIC_LOCATION)


def public_prefixes() -> tuple[str, ...]:
    """What the bucket policy lets anyone read: public media and static files."""
    return (prefix(PUBLIC), static_prefix())


def is_served_publicly(*, visibility: str, content_type: str) -> bool:
    """At an unsigned URL anyone can open; script-capable types never are."""
    return visibility == PUBLIC and not is_active_content(content_type)


def file_url(
    *, key: str, visibility: str, content_type: str, download_name: str | None = None
) -> str:
    """Where a browser reads the file: its public URL, or a fresh short-lived signed one.

    A script-capable type goes through a signed URL that forces a download with a harmless
    type, never inline from the bucket's origin.
    """
    if is_served_publicly(visibility=visibility, content_type=content_type):
        return s3.public_url(key)
    return s3.signed_get_url(
        key=key,
        expires_in=app_settings().signed_url_expires,
        download_name=download_name,
        attachment=is_active_content(content_type),
    )


def _as_prefix(location: str) -> str:
    return f"{location.strip('/')}/"
