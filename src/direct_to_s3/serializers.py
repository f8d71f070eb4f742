"""Models and service results as the JSON of `contract`, with the URLs clients follow.

URLs come from `reverse()` here, never from services: they follow wherever the app is mounted.
"""

from __future__ import annotations

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


def upload_link(upload: Upload) -> str:
    """A stable link for the UI and API: the public URL, or the app's gate for private files."""
    return upload_public_url(upload=upload) or reverse("direct_to_s3:file", args=[upload.id])


def upload_links(upload: Upload) -> UploadLinks:
    links: UploadLinks = {
        "self": reverse("direct_to_s3:api-upload", args=[upload.id]),
        "complete": reverse("direct_to_s3:api-complete", args=[upload.id]),
        "cancel": reverse("direct_to_s3:api-cancel", args=[upload.id]),
    }
    if upload.is_multipart:
        links["parts"] = reverse("direct_to_s3:api-parts", args=[upload.id])
        links["s3"] = reverse("direct_to_s3:api-s3", args=[upload.id])
    if upload.status == Upload.Status.PENDING:
        links["sign"] = reverse("direct_to_s3:api-sign", args=[upload.id])
    if upload.status == Upload.Status.COMPLETE:
        links["file"] = reverse("direct_to_s3:file", args=[upload.id])
    return links


def upload_as_dict(upload: Upload) -> UploadBody:
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
        "url": upload_link(upload) if complete else None,
        "form_reference": reference_for(upload) if complete else None,
        "links": upload_links(upload),
    }


def created_upload(upload: Upload, ticket: Ticket) -> CreatedUpload:
    return {**upload_as_dict(upload), "upload": ticket}


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
    return {
        "results": [
            {"status": item.status, "body": error_body(item)}
            if isinstance(item, UploadError)
            else {"status": 201, "body": created_upload(*item)}
            for item in results
        ]
    }


def completed_batch(results: list[Upload | UploadError]) -> CompletedBatch:
    return {
        "results": [
            {"status": item.status, "body": error_body(item)}
            if isinstance(item, UploadError)
            else {"status": 200, "body": upload_as_dict(item)}
            for item in results
        ]
    }
