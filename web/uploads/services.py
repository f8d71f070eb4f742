"""The business rules of an upload: start, complete, cancel, delete, open."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from uploads import limits, s3
from uploads.checks import MAX_TICKET_SECONDS
from uploads.errors import InvalidUpload, UploadConflict
from uploads.keys import object_key
from uploads.models import Upload
from uploads.parts import part_count_for, part_length, part_size_for
from uploads.sniffing import SNIFF_BYTES, content_matches, is_active_content
from uploads.validation import PartRequest, UploadRequest, human_size


def ticket_seconds() -> int:
    return max(1, min(settings.UPLOAD_TICKET_EXPIRES, MAX_TICKET_SECONDS))


def upload_start(
    *, owner: AbstractBaseUser, request: UploadRequest
) -> tuple[Upload, dict[str, Any]]:
    """Record a pending upload under a key of our choosing and say how to send the bytes.

    Small files get a presigned POST for exactly that key, type and size. Files above
    UPLOAD_MULTIPART_THRESHOLD get a multipart upload, created on S3 here, whose parts are
    signed one batch at a time by `upload_sign_parts`.
    """
    limits.check_rate(
        scope="create", user_id=owner.pk, per_minute=settings.UPLOAD_CREATE_RATE_PER_MINUTE
    )
    limits.check_quota(user_id=owner.pk, size=request.size)
    s3.ensure_reachable()
    upload_id = uuid.uuid4()
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
        file_last_modified=request.last_modified,
    )
    if request.size > settings.UPLOAD_MULTIPART_THRESHOLD:
        return upload, _start_multipart(upload)
    expires_in = ticket_seconds()
    upload.expires_at = timezone.now() + timedelta(seconds=expires_in)
    post = s3.presigned_post(
        key=upload.key,
        content_type=upload.content_type,
        size=upload.size,
        expires_in=expires_in,
        extra_fields=stored_headers(upload),
    )
    _validate(upload)
    upload.save()
    return upload, {"method": "POST", "url": post["url"], "fields": post["fields"]}


def _validate(upload: Upload) -> None:
    """Field checks only: the key holds a fresh UUID and the size was checked already, so the
    uniqueness and constraint queries would only cost time on the hottest request we serve."""
    upload.full_clean(validate_unique=False, validate_constraints=False)


def stored_headers(upload: Upload) -> dict[str, str]:
    """Headers the object keeps on S3.

    Keys are unique per upload, so a public object never changes; a day's caching still lets a
    deleted file disappear from CDNs and browsers soon enough.
    """
    headers = {
        "Cache-Control": "public, max-age=86400" if upload.is_public else "private, max-age=300"
    }
    if is_active_content(upload.content_type):
        headers["Content-Disposition"] = "attachment"
    return headers


def _start_multipart(upload: Upload) -> dict[str, Any]:
    upload.part_size = part_size_for(upload.size)
    upload.part_count = part_count_for(upload.size, upload.part_size)
    upload.expires_at = timezone.now() + timedelta(seconds=settings.UPLOAD_PENDING_MAX_AGE)
    _validate(upload)
    upload.multipart_upload_id = s3.create_multipart(
        key=upload.key, content_type=upload.content_type, extra_headers=stored_headers(upload)
    )
    try:
        upload.save()
    except Exception:
        s3.abort_multipart(key=upload.key, upload_id=upload.multipart_upload_id)
        raise
    return multipart_ticket(upload)


def multipart_ticket(upload: Upload) -> dict[str, Any]:
    return {
        "method": "multipart",
        "upload_id": upload.multipart_upload_id,
        "part_size": upload.part_size,
        "part_count": upload.part_count,
        "parts_url": reverse("uploads:api-parts", args=[upload.id]),
        "complete_url": reverse("uploads:api-complete", args=[upload.id]),
    }


def _require_pending_multipart(upload: Upload) -> None:
    if not upload.is_multipart:
        raise UploadConflict("This upload is sent in one piece; it has no parts.")
    if upload.status != Upload.Status.PENDING:
        raise UploadConflict(f"This upload is {upload.status}; its parts can no longer be sent.")


def upload_sign_parts(*, upload: Upload, parts: list[PartRequest]) -> list[dict[str, Any]]:
    """PUT URLs for parts of this upload's own key and S3 upload id, nothing else.

    Whoever sends a part adds a Content-MD5 header with the digest of its bytes; S3 verifies it.
    """
    _require_pending_multipart(upload)
    limits.check_rate(
        scope="sign", user_id=upload.owner_id, per_minute=settings.UPLOAD_SIGN_RATE_PER_MINUTE
    )
    part_size, part_count = upload.part_plan()
    expires_in = ticket_seconds()
    signed = []
    for part in parts:
        if part.number > part_count:
            raise InvalidUpload(
                f"Part {part.number} does not exist: this upload has {part_count} parts.",
                field="parts",
            )
        length = part_length(number=part.number, part_size=part_size, size=upload.size)
        url = s3.presigned_part_url(
            key=upload.key,
            upload_id=upload.multipart_upload_id,
            number=part.number,
            length=length,
            content_md5=part.content_md5,
            expires_in=expires_in,
        )
        signed.append(
            {
                "part_number": part.number,
                "url": url,
                "size": length,
                "signed_md5": part.content_md5 is not None,
            }
        )
    return signed


def upload_stored_parts(*, upload: Upload) -> list[s3.StoredPart]:
    """The parts S3 already holds, so a resumed upload sends only the rest."""
    _require_pending_multipart(upload)
    parts = s3.list_parts(key=upload.key, upload_id=upload.multipart_upload_id)
    if parts is None:
        raise UploadConflict("Storage no longer knows this upload; start it again.")
    return parts


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
        if upload.is_multipart:
            _assemble_parts(upload)
        stored = s3.head_object(upload.key)
        if stored is None:
            raise UploadConflict(
                "The file has not arrived in storage yet. Send it first, then try again."
            )
        problem = _mismatch(upload, stored) or _wrong_contents(upload)
        if problem is None:
            upload.mark_complete(etag=stored.etag)
            upload.save()
            return upload
        s3.delete_object(upload.key)
        upload.mark_failed(reason=problem)
        upload.save()
    raise UploadConflict(problem)


def _assemble_parts(upload: Upload) -> None:
    """Check the parts S3 holds (never the client's word for it) and join them."""
    _, part_count = upload.part_plan()
    parts = s3.list_parts(key=upload.key, upload_id=upload.multipart_upload_id)
    if parts is None:
        return  # already joined (or aborted): the HEAD that follows tells which
    have = {part.number: part for part in parts}
    missing = [n for n in range(1, part_count + 1) if n not in have]
    if missing:
        raise UploadConflict(
            f"{len(missing)} of {part_count} parts have not arrived yet. Send them, then try again."
        )
    ordered = [have[n] for n in range(1, part_count + 1)]
    if sum(part.size for part in ordered) != upload.size:
        raise UploadConflict("The parts in storage do not add up to the announced size.")
    s3.complete_multipart(key=upload.key, upload_id=upload.multipart_upload_id, parts=ordered)


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


def _wrong_contents(upload: Upload) -> str | None:
    head = s3.read_head(upload.key, SNIFF_BYTES)
    if content_matches(upload.content_type, head):
        return None
    return (
        f"The file's contents are not those of a {upload.content_type} file. "
        "It was removed. Check that you picked the right file."
    )


def upload_cancel(*, upload: Upload) -> Upload:
    """Stop a pending upload; whatever reached S3 already is removed."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.status == Upload.Status.COMPLETE:
            raise UploadConflict("This upload has already finished; delete it instead.")
        if upload.status == Upload.Status.PENDING:
            _discard_bytes(upload)
            upload.mark_cancelled()
            upload.save()
    return upload


def upload_delete(*, upload: Upload) -> None:
    """Remove the object, then the record; if S3 is unreachable both stay."""
    if upload.status == Upload.Status.PENDING:
        _discard_bytes(upload)
    else:
        s3.delete_object(upload.key)
    upload.delete()


def _discard_bytes(upload: Upload) -> None:
    """Everything a pending upload may have put on S3: its parts and any object."""
    if upload.is_multipart:
        s3.abort_multipart(key=upload.key, upload_id=upload.multipart_upload_id)
    s3.delete_object(upload.key)


def sweep_stale_uploads(*, older_than: timedelta) -> int:
    """Abandon uploads left pending too long: free their parts and bytes, mark them failed."""
    cutoff = timezone.now() - older_than
    swept = 0
    for upload in Upload.objects.filter(status=Upload.Status.PENDING, created_at__lt=cutoff):
        with transaction.atomic():
            locked = Upload.objects.select_for_update().get(pk=upload.pk)
            if locked.status != Upload.Status.PENDING:
                continue
            _discard_bytes(locked)
            locked.mark_failed(reason="Abandoned: the upload was never finished.")
            locked.save()
            swept += 1
    return swept


def upload_file_url(*, upload: Upload) -> str:
    """Where the owner's browser fetches the file: public URL, or a short-lived signed one.

    Types that can run script (HTML, SVG, XML) always go through a signed URL that forces a
    download with a harmless type, never inline from the bucket's origin.
    """
    active = is_active_content(upload.content_type)
    if upload.is_public and not active:
        return s3.public_url(upload.key)
    return s3.signed_get_url(
        key=upload.key,
        expires_in=settings.SIGNED_URL_EXPIRES,
        download_name=upload.original_name,
        attachment=active,
    )


def upload_link(*, upload: Upload) -> str:
    """A stable link for the UI and API: the public URL, or the app's gate for private files."""
    if upload.is_public and not is_active_content(upload.content_type):
        return s3.public_url(upload.key)
    return reverse("uploads:file", args=[upload.id])
