"""Models and service results as the JSON of `contract`, with the URLs clients follow.

URLs come from `reverse()` here, never from services: they follow wherever the app is mounted.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import urlencode
from xml.etree import ElementTree

from django.urls import reverse

from direct_to_s3.contract import (
    CompletedBatch,
    CreatedUpload,
    Error,
    Presigned,
    SignedPart,
    SignedParts,
    StartedBatch,
    StoredPartBody,
    StoredParts,
    Ticket,
    UploadBody,
    UploadLinks,
)
from direct_to_s3.errors import UploadError
from direct_to_s3.models import Upload
from direct_to_s3.references import reference_for
from direct_to_s3.s3 import StoredPart
from direct_to_s3.services import upload_public_url


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class UploadUrls:
    """The app's URLs of uploads, for one answer: each named URL is reversed once, for a
    placeholder id, then filled in for each upload. reverse() costs about 50 µs a call, and
    an upload has four to six URLs: a batch or a page of 100 uploads paid 20-30 ms for them.

    One instance per request: the result depends on the request's urlconf and script prefix.
    """

    _PLACEHOLDER = str(uuid.UUID(int=0))

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str, upload_id: uuid.UUID) -> str:
        pattern = self._patterns.get(name)
        if pattern is None:
            url = reverse(f"direct_to_s3:{name}", args=[self._PLACEHOLDER])
            head, _, tail = url.rpartition(self._PLACEHOLDER)
            pattern = self._patterns[name] = (head, tail)
        return f"{pattern[0]}{upload_id}{pattern[1]}"


def upload_link(upload: Upload, *, urls: UploadUrls | None = None) -> str:
    """A stable link for the UI and API: the public URL, or the app's gate for private files."""
    return upload_public_url(upload=upload) or (urls or UploadUrls())("file", upload.id)


def upload_links(upload: Upload, *, urls: UploadUrls | None = None) -> UploadLinks:
    url = urls or UploadUrls()
    links: UploadLinks = {
        "self": url("api-upload", upload.id),
        "complete": url("api-complete", upload.id),
        "cancel": url("api-cancel", upload.id),
    }
    if upload.is_multipart:
        links["parts"] = url("api-parts", upload.id)
        links["s3"] = url("api-s3", upload.id)
    if upload.status == Upload.Status.PENDING:
        links["sign"] = url("api-sign", upload.id)
    if upload.status == Upload.Status.COMPLETE:
        links["file"] = url("file", upload.id)
    return links


def upload_as_dict(upload: Upload, *, urls: UploadUrls | None = None) -> UploadBody:
    urls = urls or UploadUrls()
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
        "url": upload_link(upload, urls=urls) if complete else None,
        "form_reference": reference_for(upload) if complete else None,
        "links": upload_links(upload, urls=urls),
    }


def created_upload(
    upload: Upload, ticket: Ticket, *, urls: UploadUrls | None = None
) -> CreatedUpload:
    return {**upload_as_dict(upload, urls=urls), "upload": ticket}


def signed_parts(parts: list[SignedPart]) -> SignedParts:
    return {"parts": parts}


def stored_parts(upload: Upload, parts: list[StoredPart]) -> StoredParts:
    listed: list[StoredPartBody] = [
        {"part_number": part.number, "size": part.size, "etag": part.etag} for part in parts
    ]
    return {"part_size": upload.part_size, "part_count": upload.part_count, "parts": listed}


def presigned_by_app(upload: Upload, *, csrf_token: str, create: bool) -> Presigned:
    """A multipart step the app does itself: the client sends it to the app's stand-in for S3,
    as the same user (the session cookie goes with it; the CSRF token is a header). Like S3,
    the stand-in tells create (no `uploadId`) from the steps of a created upload."""
    url = reverse("direct_to_s3:api-s3", args=[upload.id])
    if not create:
        url = f"{url}?{urlencode({'uploadId': upload.multipart_upload_id})}"
    return {
        "url": url,
        "key": upload.key,
        "headers": {"X-CSRFToken": csrf_token},
    }


def s3_xml(root: str, fields: dict[str, str | list[dict[str, str]]]) -> bytes:
    """An S3 answer: `<root><Name>value</Name>…</root>`, a list repeating its element."""
    element = ElementTree.Element(root)
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            child = ElementTree.SubElement(element, name)
            if isinstance(item, dict):
                for inner, text in item.items():
                    ElementTree.SubElement(child, inner).text = text
            else:
                child.text = item
    return bytes(ElementTree.tostring(element, encoding="utf-8", xml_declaration=True))


def initiated_multipart_xml(upload: Upload) -> bytes:
    return s3_xml(
        "InitiateMultipartUploadResult",
        {"Key": upload.key, "UploadId": upload.multipart_upload_id},
    )


def listed_parts_xml(upload: Upload, parts: list[StoredPart]) -> bytes:
    listed = [
        {"PartNumber": str(part.number), "ETag": part.etag.strip('"'), "Size": str(part.size)}
        for part in parts
    ]
    return s3_xml(
        "ListPartsResult",
        {"Key": upload.key, "UploadId": upload.multipart_upload_id, "Part": listed},
    )


def completed_multipart_xml(upload: Upload) -> bytes:
    return s3_xml(
        "CompleteMultipartUploadResult",
        {"Location": upload_link(upload), "Key": upload.key, "ETag": upload.etag.strip('"')},
    )


def error_body(error: UploadError) -> Error:
    return {"error": error.message, "field": error.field}


def started_batch(results: list[tuple[Upload, Ticket] | UploadError]) -> StartedBatch:
    urls = UploadUrls()
    return {
        "results": [
            {"status": item.status, "body": error_body(item)}
            if isinstance(item, UploadError)
            else {"status": 201, "body": created_upload(*item, urls=urls)}
            for item in results
        ]
    }


def completed_batch(results: list[Upload | UploadError]) -> CompletedBatch:
    urls = UploadUrls()
    return {
        "results": [
            {"status": item.status, "body": error_body(item)}
            if isinstance(item, UploadError)
            else {"status": 200, "body": upload_as_dict(item, urls=urls)}
            for item in results
        ]
    }
