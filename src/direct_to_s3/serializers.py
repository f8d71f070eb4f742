"""The JSON shape of an upload."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from direct_to_s3.models import Upload
from direct_to_s3.services import upload_link


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def upload_as_dict(upload: Upload) -> dict[str, Any]:
    complete = upload.status == Upload.Status.COMPLETE
    return {
        "id": str(upload.id),
        "key": upload.key,
        "filename": upload.original_name,
        "content_type": upload.content_type,
        "size": upload.size,
        "visibility": upload.visibility,
        "status": upload.status,
        "error": upload.failure_reason or None,
        "created_at": _iso(upload.created_at),
        "expires_at": _iso(upload.expires_at),
        "completed_at": _iso(upload.completed_at),
        "method": "multipart" if upload.is_multipart else "POST",
        "part_size": upload.part_size,
        "part_count": upload.part_count,
        "last_modified": upload.file_last_modified,
        "url": upload_link(upload=upload) if complete else None,
        "download_url": reverse("direct_to_s3:file", args=[upload.id]) if complete else None,
    }
