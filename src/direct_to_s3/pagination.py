"""Keyset pagination of uploads, newest first: stable while files are added or deleted.

A cursor names the last upload of a page by (created_at, id); the next page starts after it, so
no upload is shown twice or skipped when new ones arrive in between (unlike offsets).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q, QuerySet

from direct_to_s3.errors import InvalidUpload
from direct_to_s3.models import Upload

MAX_PAGE_SIZE = 500
BAD_CURSOR = "This page link is not valid; start again from the first page."


@dataclass(frozen=True)
class Page:
    uploads: list[Upload]
    next_cursor: str | None


def encode_cursor(upload: Upload) -> str:
    raw = f"{upload.created_at.isoformat()}|{upload.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, upload_id = raw.split("|")
        when = datetime.fromisoformat(created_at)
        if when.tzinfo is None:
            raise ValueError("naive time")
        return when.astimezone(UTC), uuid.UUID(upload_id)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError):
        raise InvalidUpload(BAD_CURSOR, field="cursor") from None


def parse_limit(text: str | None, default: int) -> int:
    if text is None or text == "":
        return default
    # The length first: int() refuses (ValueError) strings of thousands of digits.
    valid = text.isascii() and text.isdigit() and len(text) <= len(str(MAX_PAGE_SIZE))
    if not valid or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise InvalidUpload(
            f"limit must be a whole number from 1 to {MAX_PAGE_SIZE}.", field="limit"
        )
    return int(text)


def page_of(uploads: QuerySet[Upload], *, cursor: str | None, limit: int) -> Page:
    """`limit` uploads after `cursor`, newest first, and the cursor of the page after them."""
    ordered = uploads.order_by("-created_at", "-id")
    if cursor:
        created_at, upload_id = decode_cursor(cursor)
        ordered = ordered.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=upload_id)
        )
    rows = list(ordered[: limit + 1])
    if len(rows) <= limit:
        return Page(uploads=rows, next_cursor=None)
    return Page(uploads=rows[:limit], next_cursor=encode_cursor(rows[limit - 1]))
