"""The business rules of an upload: start, complete, cancel, delete, open."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from uploads import s3
from uploads.checks import MAX_TICKET_SECONDS
from uploads.errors import UploadConflict
from uploads.keys import object_key
from uploads.models import Upload
from uploads.validation import UploadRequest, human_size


@dataclass(frozen=True)
class UploadTicket:
    """How the browser sends the bytes: a POST form to `url` with `fields` then the file."""

    method: str
    url: str
    fields: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "fields": self.fields}


def ticket_seconds() -> int:
    return max(1, min(settings.UPLOAD_TICKET_EXPIRES, MAX_TICKET_SECONDS))


def upload_start(*, owner: AbstractBaseUser, request: UploadRequest) -> tuple[Upload, UploadTicket]:
    """Record a pending upload under a key of our choosing and sign a POST for exactly it."""
    upload_id = uuid.uuid4()
    expires_in = ticket_seconds()
    upload = Upload(
        id=upload_id,
        owner=owner,
        key=object_key(
            visibility=request.visibility, upload_id=upload_id, filename=request.filename
        ),
        visibility=request.visibility,
        original_name=request.filename,
        content_type=request.content_type,
        size=request.size,
        expires_at=timezone.now() + timedelta(seconds=expires_in),
    )
    post = s3.presigned_post(
        key=upload.key,
        content_type=upload.content_type,
        size=upload.size,
        expires_in=expires_in,
    )
    upload.full_clean()
    upload.save()
    return upload, UploadTicket(method="POST", url=post["url"], fields=post["fields"])


def upload_complete(*, upload: Upload) -> Upload:
    """Check the object S3 holds against what was declared; only then is the upload complete.

    A missing object leaves the upload pending (the browser may still be sending, or may
    retry). An object that differs is deleted and the upload failed: what was stored is not
    what the user was allowed to store.
    """
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.status == Upload.Status.COMPLETE:
            return upload
        if upload.status != Upload.Status.PENDING:
            raise UploadConflict(
                f"This upload is {upload.status} and cannot be completed; start a new one."
            )
        stored = s3.head_object(upload.key)
        if stored is None:
            raise UploadConflict(
                "The file has not arrived in storage yet. Send it first, then try again."
            )
        problem = _mismatch(upload, stored)
        if problem is None:
            upload.mark_complete(etag=stored.etag)
            upload.save()
            return upload
        s3.delete_object(upload.key)
        upload.mark_failed(reason=problem)
        upload.save()
    raise UploadConflict(problem)


def _mismatch(upload: Upload, stored: s3.StoredObject) -> str | None:
    if stored.key != upload.key:
        return "The stored file is not at the expected place. It was removed."
    if stored.size != upload.size:
        return (
            f"The stored file is {human_size(stored.size)}, not the {human_size(upload.size)} "
            "that was announced. It was removed; please upload it again."
        )
    if stored.content_type.lower() != upload.content_type:
        return (
            f"The stored file has type {stored.content_type or 'unknown'}, not the announced "
            f"{upload.content_type}. It was removed; please upload it again."
        )
    return None


def upload_cancel(*, upload: Upload) -> Upload:
    """Stop a pending upload; whatever reached S3 already is removed."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.status == Upload.Status.COMPLETE:
            raise UploadConflict("This upload has already finished; delete it instead.")
        if upload.status == Upload.Status.PENDING:
            s3.delete_object(upload.key)
            upload.mark_cancelled()
            upload.save()
    return upload


def upload_delete(*, upload: Upload) -> None:
    """Remove the object, then the record; if S3 is unreachable both stay."""
    s3.delete_object(upload.key)
    upload.delete()


def upload_file_url(*, upload: Upload) -> str:
    """Where the owner's browser fetches the file: public URL, or a short-lived signed one."""
    if upload.is_public:
        return s3.public_url(upload.key)
    return s3.signed_get_url(
        key=upload.key,
        expires_in=settings.SIGNED_URL_EXPIRES,
        download_name=upload.original_name,
    )


def upload_link(*, upload: Upload) -> str:
    """A stable link for the UI and API: the public URL, or the app's gate for private files."""
    if upload.is_public:
        return s3.public_url(upload.key)
    return reverse("uploads:file", args=[upload.id])
