"""The business rules of an upload: start, complete, cancel, delete, open."""

from __future__ import annotations

import copy
import functools
import threading
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, models, router, transaction
from django.utils import timezone

from direct_to_s3 import limits, s3, signals, visibility
from direct_to_s3.checks import MAX_TICKET_SECONDS
from direct_to_s3.cleanup import Cleanup
from direct_to_s3.conf import app_settings
from direct_to_s3.contract import MultipartTicket, PostTicket, SignedPart, Ticket
from direct_to_s3.errors import (
    InvalidUpload,
    SigningRefused,
    StorageUnavailable,
    UploadConflict,
    UploadError,
    UploadNotFound,
)
from direct_to_s3.keys import (
    INCOMING_PREFIX,
    incoming_key,
    object_key,
    served_key,
)
from direct_to_s3.models import Upload
from direct_to_s3.parts import part_count_for, part_length, part_size_for
from direct_to_s3.sniffing import SNIFF_BYTES, content_matches, is_active_content
from direct_to_s3.validation import PartRequest, S3Call, UploadRequest, human_size


def ticket_seconds() -> int:
    return max(1, min(app_settings().ticket_expires, MAX_TICKET_SECONDS))


def upload_start(*, owner: AbstractBaseUser, request: UploadRequest) -> tuple[Upload, Ticket]:
    """Record a pending upload under a key of our choosing and say how to send the bytes.

    Small files get a presigned POST for exactly that file's incoming key, type and size;
    complete promotes the checked object to the served key. Files above
    UPLOAD_MULTIPART_THRESHOLD get a multipart upload, created on S3 here, whose parts are
    signed one batch at a time by `upload_sign_parts`.
    """
    limits.check_rate(
        scope="create", user_id=owner.pk, per_minute=app_settings().create_rate_per_minute
    )
    s3.ensure_reachable()
    upload = _new_upload(owner, request)
    _reserve(upload)
    return upload, _ticket(upload)


def upload_start_batch(
    *, owner: AbstractBaseUser, requests: Sequence[UploadRequest | UploadError]
) -> list[tuple[Upload, Ticket] | UploadError]:
    """`upload_start` for many files at once, each checked as if it came alone.

    One rate-limit token per item (all or none: RateLimited for the whole batch), one quota
    query and one insert under the owner's lock. Items already refused (`UploadError`) and
    files over a quota come back as errors in their place; the others get their tickets.
    """
    limits.check_rate(
        scope="create",
        user_id=owner.pk,
        per_minute=app_settings().create_rate_per_minute,
        tokens=len(requests),
    )
    s3.ensure_reachable()
    results: list[tuple[Upload, Ticket] | UploadError | Upload] = [
        item if isinstance(item, UploadError) else _new_upload(owner, item) for item in requests
    ]
    fresh = [item for item in results if isinstance(item, Upload)]
    for upload in fresh:
        upload.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
    using = router.db_for_write(Upload)
    with transaction.atomic(using=using):
        _lock_owner(owner.pk, using=using)
        refusals = limits.quota_refusals(user_id=owner.pk, sizes=[upload.size for upload in fresh])
        refused = {upload.pk: refusal for upload, refusal in zip(fresh, refusals, strict=True)}
        Upload.objects.using(using).bulk_create(
            [upload for upload in fresh if refused[upload.pk] is None]
        )
    started: list[tuple[Upload, Ticket] | UploadError] = []
    for item in results:
        if not isinstance(item, Upload):
            started.append(item)
        elif (refusal := refused[item.pk]) is not None:
            started.append(refusal)
        else:
            started.append(_started(item))
    return started


def _started(upload: Upload) -> tuple[Upload, Ticket] | UploadError:
    try:
        return upload, _ticket(upload)
    except UploadError as error:
        return error


def _new_upload(owner: AbstractBaseUser, request: UploadRequest) -> Upload:
    upload_id = uuid.uuid4()
    upload = Upload(
        id=upload_id,
        owner_id=owner.pk,
        key=object_key(
            visibility=request.visibility,
            upload_id=upload_id,
            filename=request.filename,
            key_prefix=request.key_prefix,
        ),
        visibility=request.visibility,
        original_name=request.filename,
        content_type=request.content_type,
        size=request.size,
        file_last_modified=request.last_modified,
    )
    if request.size > app_settings().multipart_threshold:
        upload.part_size = part_size_for(upload.size)
        upload.part_count = part_count_for(upload.size, upload.part_size)
        upload.expires_at = timezone.now() + timedelta(seconds=app_settings().pending_max_age)
    else:
        upload.expires_at = timezone.now() + timedelta(seconds=ticket_seconds())
    return upload


def _ticket(upload: Upload) -> Ticket:
    """How to send the bytes of a recorded upload (creating its multipart upload on S3)."""
    if upload.is_multipart:
        return _start_multipart(upload)
    return _post_ticket(upload, expires_in=ticket_seconds())


def _post_ticket(upload: Upload, *, expires_in: int) -> PostTicket:
    post = s3.presigned_post(
        key=incoming_key(upload.key),
        content_type=upload.content_type,
        size=upload.size,
        expires_in=expires_in,
        extra_fields=stored_headers(upload),
    )
    return {"method": "POST", "url": post["url"], "fields": post["fields"]}


def _reserve(upload: Upload) -> None:
    """Check the owner's quotas and record the upload as one step per owner.

    Field checks only, on the hottest request we serve: the key holds a fresh UUID and the
    owner is the user who asked, so the uniqueness, constraint and owner-exists queries would
    find nothing (the database's own constraints still hold).
    """
    upload.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
    using = router.db_for_write(Upload)
    with transaction.atomic(using=using):
        _lock_owner(upload.owner_id, using=using)
        limits.check_quota(user_id=upload.owner_id, size=upload.size)
        upload.save(force_insert=True, using=using)


def _lock_owner(owner_id: int, *, using: str) -> None:
    """Count one owner's parallel starts one after another, so they cannot all pass a quota.

    Databases with row locks lock the owner's row. SQLite has none (Django drops FOR UPDATE
    there, leaving a query that does nothing): its database-wide write lock does the same,
    taken at BEGIN with IMMEDIATE transactions, or else at the INSERT, which fails in a
    transaction that read before another one wrote.
    """
    if not connections[using].features.has_select_for_update:
        return
    list(
        get_user_model()
        .objects.using(using)
        .select_for_update()
        .filter(pk=owner_id)
        .values_list("pk", flat=True)
    )


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


def _start_multipart(upload: Upload) -> MultipartTicket:
    """Create the S3 multipart upload for a recorded upload (outside any transaction)."""
    try:
        upload.multipart_upload_id = s3.create_multipart(
            key=upload.key, content_type=upload.content_type, extra_headers=stored_headers(upload)
        )
    except Exception:
        upload.delete()
        raise
    try:
        upload.save(update_fields=["multipart_upload_id", "updated_at"])
    except Exception:
        s3.abort_multipart(key=upload.key, upload_id=upload.multipart_upload_id)
        upload.delete()
        raise
    return multipart_ticket(upload)


def multipart_ticket(upload: Upload) -> MultipartTicket:
    part_size, part_count = upload.part_plan()
    return {
        "method": "multipart",
        "multipart_upload_id": upload.multipart_upload_id,
        "part_size": part_size,
        "part_count": part_count,
    }


def _require_pending_multipart(upload: Upload) -> None:
    if not upload.is_multipart:
        raise UploadConflict("This upload is sent in one piece; it has no parts.")
    if upload.status != Upload.Status.PENDING:
        raise UploadConflict(f"This upload is {upload.status}; its parts can no longer be sent.")
    if not upload.multipart_upload_id:
        raise UploadConflict("This upload is still being prepared; try again in a moment.")


def upload_sign_parts(*, upload: Upload, parts: list[PartRequest]) -> list[SignedPart]:
    """PUT URLs for parts of this upload's own key and S3 upload id, nothing else.

    Whoever sends a part adds a Content-MD5 header with the digest of its bytes; S3 verifies it.
    """
    _require_pending_multipart(upload)
    limits.check_rate(
        scope="sign", user_id=upload.owner_id, per_minute=app_settings().sign_rate_per_minute
    )
    part_size, part_count = upload.part_plan()
    expires_in = ticket_seconds()
    signed: list[SignedPart] = []
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


# What each S3 request a client may ask to have signed does, by (method, names an S3 upload
# id, names a part): the object's PUT (a small file), or a step of a multipart upload.
S3_ACTIONS = {
    ("PUT", False, False): "put",
    ("POST", False, False): "create",
    ("PUT", True, True): "part",
    ("GET", True, False): "list",
    ("POST", True, False): "complete",
    ("DELETE", True, False): "abort",
}


def upload_s3_action(*, upload: Upload, call: S3Call) -> str:
    """Which step of this upload `call` is, once it matches the record: the upload's own key,
    its own S3 upload id, its way of sending (one POST or parts); else SigningRefused. Both
    the signing of what an S3 client asks and the app's stand-in for S3 ask this.

    A part's number and size are checked where it is signed (`upload_sign_parts`).
    """
    action = S3_ACTIONS.get((call.method, call.upload_id is not None, call.part_number is not None))
    if action is None:
        raise SigningRefused(
            "The app signs an upload's PUT, its multipart create, part PUTs, list, complete "
            "and abort; nothing else.",
            field="method",
        )
    # Complete is idempotent (a client retrying after a lost answer); it says itself why an
    # upload that is not pending cannot be completed.
    if action != "complete" and upload.status != Upload.Status.PENDING:
        raise UploadConflict(f"This upload is {upload.status}; nothing more is signed for it.")
    if call.key != upload.key:
        raise SigningRefused("That is not this upload's key.", field="key")
    if action == "put":
        if upload.is_multipart:
            raise SigningRefused("This upload goes up in parts, not in one PUT.", field="method")
        return action
    if not upload.is_multipart:
        raise SigningRefused("This upload is sent in one piece; it has no parts.", field="method")
    if action != "create" and call.upload_id != upload.multipart_upload_id:
        raise SigningRefused("That is not this upload's S3 upload id.", field="uploadId")
    return action


def upload_post_ticket(*, upload: Upload) -> PostTicket:
    """The small file's POST policy again (a client retrying), valid no longer than the
    upload's own ticket; the rate limit of part signing applies."""
    limits.check_rate(
        scope="sign", user_id=upload.owner_id, per_minute=app_settings().sign_rate_per_minute
    )
    remaining = int((upload.expires_at - timezone.now()).total_seconds())
    if remaining < 1:
        raise UploadConflict("This upload's ticket has expired; start it again.")
    return _post_ticket(upload, expires_in=min(remaining, ticket_seconds()))


def upload_stored_parts(*, upload: Upload) -> list[s3.StoredPart]:
    """The parts S3 already holds, so a resumed upload sends only the rest."""
    _require_pending_multipart(upload)
    parts = s3.list_parts(key=upload.key, upload_id=upload.multipart_upload_id)
    if parts is None:
        raise UploadConflict("Storage no longer knows this upload; start it again.")
    return parts


def upload_complete(*, upload: Upload, cleanup: Cleanup | None = None) -> Upload:
    """Check the object S3 holds against what was declared; only then is the upload complete.

    A missing object leaves the upload pending (the browser may still be sending, or may
    retry). An object that differs is deleted and the upload failed: what was stored is not
    what the user was allowed to store. A small file is checked where the browser POSTed it,
    then copied (that very object, by ETag) to the key the app serves, which no ticket ever
    named: reusing the ticket later can only write to the incoming key again, which nothing
    serves and `sweep_uploads` empties. The incoming copy is deleted by `cleanup` once the
    answer has been sent (without one, as soon as the outcome is committed).

    S3 is called outside database transactions; the row is re-read under a lock only to
    record the outcome, so a cancel or delete that raced with these checks still wins.
    """
    return _complete_current(_reload(upload), cleanup or Cleanup.now())


def upload_complete_batch(
    *, owner: AbstractBaseUser, upload_ids: Sequence[str], cleanup: Cleanup | None = None
) -> list[Upload | UploadError]:
    """`upload_complete` for many of the owner's uploads, each checked on S3 as if alone.

    One query finds them all; an id naming no upload of this owner is UploadNotFound in its
    place, a repeated id gets the same outcome. The S3 checks of different uploads run
    COMPLETE_THREADS at a time (they are round trips, not work); the database records each
    outcome afterwards, from this thread, as `upload_complete` does; `cleanup` deletes what
    is left over in one request once the answer has been sent.
    """
    cleanup = cleanup or Cleanup.now()
    ids = {raw: _as_uuid(raw) for raw in upload_ids}
    found: dict[uuid.UUID | None, Upload] = {
        upload.pk: upload
        for upload in Upload.objects.filter(
            owner_id=owner.pk, id__in=[value for value in ids.values() if value is not None]
        )
    }
    outcomes: dict[uuid.UUID | None, Upload | UploadError] = {None: UploadNotFound()}
    to_check: list[Upload] = []
    for value in dict.fromkeys(ids.values()):
        upload = found.get(value)
        if upload is None:
            outcomes[value] = UploadNotFound()
        elif upload.status == Upload.Status.COMPLETE:
            outcomes[value] = upload
        elif upload.status != Upload.Status.PENDING:
            outcomes[value] = _not_pending(upload)
        else:
            to_check.append(upload)
    outage = threading.Event()

    def check(upload: Upload) -> _Checked:
        if outage.is_set():  # storage is down: do not wait on it once per file
            return _Checked(upload, error=StorageUnavailable())
        checked = _check_on_storage(upload)
        if isinstance(checked.error, StorageUnavailable):
            outage.set()
        return checked

    with ThreadPoolExecutor(COMPLETE_THREADS) as pool:
        checked = list(pool.map(check, to_check))
    passed = [item for item in checked if item.etag is not None]
    for item in checked:
        if item.etag is None:
            try:
                outcomes[item.upload.pk] = _record_checked(item, cleanup)
            except UploadError as error:
                outcomes[item.upload.pk] = error
    recorded = _record_complete_batch(passed)
    for pk, outcome in recorded.items():
        outcomes[pk] = outcome
    kept = [i.upload for i in passed if isinstance(recorded[i.upload.pk], Upload)]
    undone = [i.upload for i in passed if not isinstance(recorded[i.upload.pk], Upload)]
    # As `_record_complete` does: the served copy of an upload cancelled or deleted meanwhile
    # goes, the incoming copy of a complete one too, all in one request after the answer.
    cleanup.delete(
        [upload.key for upload in undone] + [u.incoming_key for u in kept if u.incoming_key]
    )
    return [outcomes[ids[raw]] for raw in upload_ids]


def _record_complete_batch(passed: list[_Checked]) -> dict[uuid.UUID, Upload | UploadError]:
    """`_record_complete` for many uploads checked on S3, in one transaction. An upload that
    stopped being pending meanwhile (cancelled, deleted) is an error: the caller removes its
    served copy, as `_record_complete` does."""
    outcomes: dict[uuid.UUID, Upload | UploadError] = {}
    with transaction.atomic():
        current = {
            upload.pk: upload
            for upload in Upload.objects.select_for_update().filter(
                pk__in=[item.upload.pk for item in passed]
            )
        }
        done: list[Upload] = []
        for item in passed:
            row = current.get(item.upload.pk)
            if row is None:
                outcomes[item.upload.pk] = UploadNotFound()
            elif row.status == Upload.Status.PENDING:
                assert item.etag is not None
                row.mark_complete(etag=item.etag)
                done.append(row)
                outcomes[item.upload.pk] = row
            elif row.status == Upload.Status.COMPLETE:
                outcomes[item.upload.pk] = row  # a parallel complete recorded the same object
            else:
                outcomes[item.upload.pk] = UploadConflict(
                    f"This upload was {row.status} while it was being checked."
                )
        now = timezone.now()
        for row in done:
            row.updated_at = now
        Upload.objects.bulk_update(
            done, ["status", "etag", "completed_at", "failure_reason", "updated_at"]
        )
        for row in done:
            transaction.on_commit(
                functools.partial(signals.upload_completed.send_robust, sender=Upload, upload=row)
            )
    return outcomes


# S3 requests of one batch complete at once (within botocore's default pool of 10).
COMPLETE_THREADS = 8


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _complete_current(upload: Upload, cleanup: Cleanup) -> Upload:
    """`upload_complete` of a row just read from the database."""
    if upload.status == Upload.Status.COMPLETE:
        return upload
    _require_pending(upload)
    return _record_checked(_check_on_storage(upload), cleanup)


@dataclass
class _Checked:
    """What S3 holds for a pending upload, found by `_check_on_storage`."""

    upload: Upload
    etag: str | None = None  # checked (and promoted to the served key): to record complete
    problem: str | None = None  # differs from the declared file, and was deleted
    missing: bool = False
    error: UploadError | None = None


def _check_on_storage(upload: Upload) -> _Checked:
    """The S3 half of a complete: check the object and promote it, or delete it. No database."""
    try:
        if upload.is_multipart:
            _assemble_parts(upload)
        checked_key = upload.incoming_key or upload.key
        found = s3.read_object(checked_key, SNIFF_BYTES)
        if found is None:
            return _Checked(upload, missing=True)
        stored, head = found
        try:
            problem = (
                _mismatch(upload, stored)
                or _unexpected_headers(upload, stored)
                or _wrong_contents(upload, head)
            )
            etag = stored.etag
            if problem is None and upload.incoming_key is not None:
                etag = s3.promote(
                    source=upload.incoming_key,
                    destination=upload.key,
                    etag=stored.etag,
                    content_type=upload.content_type,
                    headers=stored_headers(upload),
                )
        except s3.ObjectGone:
            return _Checked(upload, missing=True)
        except s3.ObjectChanged:
            problem = "The file changed in storage while it was being checked. It was removed."
        if problem is not None:
            s3.delete_object(checked_key)
            return _Checked(upload, problem=problem)
        return _Checked(upload, etag=etag)
    except UploadError as error:
        return _Checked(upload, error=error)


def _record_checked(checked: _Checked, cleanup: Cleanup) -> Upload:
    """The database half: record what `_check_on_storage` found; the incoming copy of a
    complete upload goes with `cleanup`."""
    upload = checked.upload
    if checked.error is not None:
        raise checked.error
    if checked.missing:
        return _not_there(upload)
    if checked.problem is not None:
        _record_failure(upload, reason=checked.problem)
        raise UploadConflict(checked.problem)
    assert checked.etag is not None
    completed = _record_complete(upload, etag=checked.etag)
    if upload.incoming_key is not None:
        cleanup.delete([upload.incoming_key])
    return completed


def _not_there(upload: Upload) -> Upload:
    """Nothing (any more) where the bytes should be: not sent yet, or a parallel complete
    (which removes the incoming object only after recording its result) or cancel took it."""
    upload = _reload(upload)
    if upload.status == Upload.Status.COMPLETE:
        return upload
    _require_pending(upload)
    raise UploadConflict("The file has not arrived in storage yet. Send it first, then try again.")


def _reload(upload: Upload) -> Upload:
    try:
        return Upload.objects.get(pk=upload.pk)
    except Upload.DoesNotExist:
        raise UploadNotFound() from None


def _require_pending(upload: Upload) -> None:
    if upload.status != Upload.Status.PENDING:
        raise _not_pending(upload)


def _not_pending(upload: Upload) -> UploadConflict:
    return UploadConflict(
        f"This upload is {upload.status} and cannot be completed; start a new one."
    )


def _record_complete(upload: Upload, *, etag: str) -> Upload:
    """Mark complete if still pending; if it was cancelled or deleted meanwhile, undo the copy."""
    with transaction.atomic():
        current = Upload.objects.select_for_update().filter(pk=upload.pk).first()
        if current is not None and current.status == Upload.Status.PENDING:
            current.mark_complete(etag=etag)
            current.save()
            transaction.on_commit(
                lambda: signals.upload_completed.send_robust(sender=Upload, upload=current)
            )
            return current
    if current is not None and current.status == Upload.Status.COMPLETE:
        return current  # a parallel complete recorded the same object
    s3.delete_object(upload.key)
    if current is None:
        raise UploadNotFound()
    raise UploadConflict(f"This upload was {current.status} while it was being checked.")


def _record_failure(upload: Upload, *, reason: str) -> bool:
    """Mark failed if still pending; True when this call did it."""
    with transaction.atomic():
        current = Upload.objects.select_for_update().filter(pk=upload.pk).first()
        if current is None or current.status != Upload.Status.PENDING:
            return False
        current.mark_failed(reason=reason)
        current.save()
    upload.status, upload.failure_reason = current.status, current.failure_reason
    return True


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


def _unexpected_headers(upload: Upload, stored: s3.StoredObject) -> str | None:
    """Headers S3 stored that the ticket did not pin (S3-compatible servers may accept them)."""
    expected = stored_headers(upload)
    wrong = sorted(
        name
        for name in {*stored.headers, *expected}
        if stored.headers.get(name) != expected.get(name)
    )
    if not wrong:
        return None
    return (
        f"The stored file carries headers the upload did not allow ({', '.join(wrong)}). "
        "It was removed; please upload it again."
    )


def _wrong_contents(upload: Upload, head: bytes) -> str | None:
    if content_matches(upload.content_type, head):
        return None
    return (
        f"The file's contents are not those of a {upload.content_type} file. "
        "It was removed. Check that you picked the right file."
    )


def upload_cancel(*, upload: Upload) -> Upload:
    """Stop a pending upload; whatever reached S3 already is removed.

    The row is marked first, so a complete racing with this one finds it cancelled and
    removes what it copied; asking again after an outage removes the bytes again.
    """
    with transaction.atomic():
        current = Upload.objects.select_for_update().filter(pk=upload.pk).first()
        if current is None:
            raise UploadNotFound()
        if current.status == Upload.Status.PENDING:
            current.mark_cancelled()
            current.save()
    if current.status == Upload.Status.COMPLETE:
        raise UploadConflict("This upload has already finished; delete it instead.")
    if current.status == Upload.Status.CANCELLED:
        _discard_bytes(current)
    return current


def upload_delete(*, upload: Upload, sender: type[models.Model] = Upload) -> None:
    """Remove the bytes, then the record; if S3 is unreachable both stay.

    `file_deleted` is sent by `sender`: a DirectFileField deleting its old file names its model.
    """
    _discard_bytes(upload)
    deleted = copy.copy(upload)  # keeps its id, which delete() clears
    upload.delete()
    transaction.on_commit(
        lambda: signals.file_deleted.send_robust(sender=sender, key=deleted.key, upload=deleted)
    )


def _discard_bytes(upload: Upload) -> None:
    """Everything an upload may have put on S3: its parts, its incoming and served objects.

    The incoming object goes first, so a complete racing with this cannot copy it afterwards.
    """
    if upload.is_multipart and upload.multipart_upload_id:
        s3.abort_multipart(key=upload.key, upload_id=upload.multipart_upload_id)
    if upload.incoming_key is not None:
        s3.delete_object(upload.incoming_key)
    s3.delete_object(upload.key)


def sweep_stale_uploads(*, older_than: timedelta) -> int:
    """Abandon uploads left pending too long: mark them failed, then free their parts and bytes."""
    cutoff = timezone.now() - older_than
    swept = 0
    stale = Upload.objects.filter(status=Upload.Status.PENDING, created_at__lt=cutoff)
    for upload in stale.iterator():
        if _record_failure(upload, reason="Abandoned: the upload was never finished."):
            _discard_bytes(upload)
            swept += 1
    return swept


def sweep_incoming() -> int:
    """Delete what sits in the incoming area with no pending upload to claim it, a page of
    keys per request; answer how many went.

    That is where a ticket reused after complete, cancel, delete or a failed check puts its
    bytes; nothing serves them, and after a ticket's expiry they cannot come back.
    """
    removed = 0
    page: list[str] = []
    for item in s3.list_objects(INCOMING_PREFIX):
        page.append(item.key)
        if len(page) == SWEEP_PAGE:
            removed += _remove_unclaimed(page)
            page = []
    return removed + (_remove_unclaimed(page) if page else 0)


SWEEP_PAGE = 500


def _remove_unclaimed(incoming: list[str]) -> int:
    pending = set(
        Upload.objects.filter(
            status=Upload.Status.PENDING, key__in=[served_key(key) for key in incoming]
        ).values_list("key", flat=True)
    )
    unclaimed = [key for key in incoming if served_key(key) not in pending]
    return len(unclaimed) - len(s3.delete_objects(unclaimed))  # the rest: the next sweep's


def purge_finished_rows(*, older_than: timedelta) -> int:
    """Delete the rows of uploads that failed or were cancelled longer ago than `older_than`."""
    cutoff = timezone.now() - older_than
    deleted, _ = Upload.objects.filter(
        status__in=[Upload.Status.FAILED, Upload.Status.CANCELLED], updated_at__lt=cutoff
    ).delete()
    return deleted


@dataclass(frozen=True)
class Reconciliation:
    removed: list[str]
    changed: list[str]


def reconcile_served_objects(*, grace: timedelta) -> Reconciliation:
    """Compare every object under the served prefixes with the rows.

    Objects no complete upload accounts for (older than `grace`, so a complete between its copy
    and its commit is left alone) are deleted; complete uploads whose object is missing or
    differs from what was verified (size, ETag) are reported, never changed.
    """
    cutoff = timezone.now() - grace
    removed: list[str] = []
    seen: dict[str, s3.ListedObject] = {}
    for prefix in visibility.served_prefixes():
        for item in s3.list_objects(prefix):
            seen[item.key] = item
    complete = {
        upload.key: upload
        for upload in Upload.objects.filter(status=Upload.Status.COMPLETE).only(
            "key", "size", "etag"
        )
    }
    in_progress = set(
        Upload.objects.filter(status=Upload.Status.PENDING, key__in=list(seen)).values_list(
            "key", flat=True
        )
    )
    for key, item in seen.items():
        if key not in complete and key not in in_progress and item.last_modified < cutoff:
            s3.delete_object(key)
            removed.append(key)
    changed = sorted(
        key
        for key, upload in complete.items()
        if key not in seen or (seen[key].size, seen[key].etag) != (upload.size, upload.etag)
    )
    return Reconciliation(removed=removed, changed=changed)


def upload_file_url(*, upload: Upload) -> str:
    """Where the owner's browser fetches the file: public URL, or a short-lived signed one."""
    return visibility.file_url(
        key=upload.key,
        visibility=upload.visibility,
        content_type=upload.content_type,
        download_name=upload.original_name,
    )


def upload_public_url(*, upload: Upload) -> str | None:
    """The file's stable public URL; None when it opens only through the app (private, or a
    type that could run script from the bucket's origin)."""
    if visibility.is_served_publicly(
        visibility=upload.visibility, content_type=upload.content_type
    ):
        return s3.public_url(upload.key)
    return None
