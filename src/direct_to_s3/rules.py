"""A form field's own upload rules, carried to the API as a signed token.

A `DirectFileField(visibility="public", allowed_types=["image/*"], max_size="20 MB",
key_prefix="covers/")` narrows (or widens) what the app accepts by default. Its widget renders
the field's rules signed by the server (`rules_token`); the browser sends that token with its
ticket request, and the server checks the file and signs the S3 policy by those rules: the
visibility, types, size limit and key folder come from the token, never from the browser.
The token expires like a form reference: a page left open for days asks to be reloaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing

from direct_to_s3.conf import app_settings
from direct_to_s3.errors import InvalidUpload

RULES_SALT = "direct_to_s3.rules"
_KEY_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*/$")


@dataclass(frozen=True)
class UploadRules:
    """None means "the app's default" for each rule."""

    visibility: str | None = None
    allowed_types: tuple[str, ...] | None = None
    max_size: int | None = None
    key_prefix: str = ""


def normalise_key_prefix(value: str) -> str:
    """`"covers"` or `"covers/2026/"` as a folder below the visibility's prefix: lowercase
    letters, digits, `-` and `_` per segment, ending in `/`; ValueError otherwise."""
    prefix = value.strip().lower()
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    if prefix and not _KEY_PREFIX.match(prefix):
        raise ValueError(
            f"key_prefix must be folder names of lowercase letters, digits, '-' and '_' "
            f"separated by '/', like 'covers/' (not {value!r})."
        )
    return prefix


def rules_token(rules: UploadRules) -> str:
    payload: dict[str, Any] = {}
    if rules.visibility is not None:
        payload["v"] = rules.visibility
    if rules.allowed_types is not None:
        payload["t"] = list(rules.allowed_types)
    if rules.max_size is not None:
        payload["m"] = rules.max_size
    if rules.key_prefix:
        payload["p"] = rules.key_prefix
    return signing.dumps(payload, salt=RULES_SALT, compress=True)


def rules_from_token(token: Any) -> UploadRules:
    """The rules a `rules_token` carries; InvalidUpload for anything the server did not sign
    or signed more than FORM_REFERENCE_MAX_AGE seconds ago."""
    if token is None:
        return UploadRules()
    if not isinstance(token, str):
        raise InvalidUpload("rules must be the token the form gave.", field="rules")
    try:
        payload = signing.loads(
            token, salt=RULES_SALT, max_age=app_settings().form_reference_max_age
        )
    except signing.SignatureExpired:
        raise InvalidUpload(
            "This form is too old to upload to. Reload the page and try again.", field="rules"
        ) from None
    except signing.BadSignature:
        raise InvalidUpload("rules must be the token the form gave.", field="rules") from None
    return UploadRules(
        visibility=payload.get("v"),
        allowed_types=_types(payload.get("t")),
        max_size=payload.get("m"),
        key_prefix=payload.get("p", ""),
    )


def _types(value: Sequence[str] | None) -> tuple[str, ...] | None:
    return tuple(value) if value is not None else None
