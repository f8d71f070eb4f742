"""The JSON the API speaks, in one place: what clients send back and forth with the app.

Two ids never share a name: `id` is the app's upload (a UUID, also in every URL), while
`multipart_upload_id` is S3's UploadId of a multipart upload. Clients follow `links` rather
than building paths, so the app can be mounted under any prefix.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class PostTicket(TypedDict):
    """Send the file as one form POST to `url`: the `fields` first, then the file."""

    method: Literal["POST"]
    url: str
    fields: dict[str, str]


class MultipartTicket(TypedDict):
    """Sign parts at `links.parts` of the upload, PUT them, then POST `links.complete`."""

    method: Literal["multipart"]
    multipart_upload_id: str
    part_size: int
    part_count: int


Ticket = PostTicket | MultipartTicket


class UploadLinks(TypedDict):
    self: str
    complete: str
    cancel: str
    parts: NotRequired[str]  # multipart uploads only
    file: NotRequired[str]  # complete uploads only: the app's gate to the file


class UploadBody(TypedDict):
    id: str
    key: str
    filename: str
    content_type: str
    size: int
    visibility: str
    status: str
    error: str | None
    created_at: str | None
    expires_at: str | None
    completed_at: str | None
    method: Literal["POST", "multipart"]
    part_size: int | None
    part_count: int | None
    last_modified: int | None
    url: str | None  # complete uploads: the public URL, or the app's gate for private files
    # Complete uploads: the signed, expiring reference a DirectFileFormField accepts.
    form_reference: str | None
    links: UploadLinks


class CreatedUpload(UploadBody):
    upload: Ticket


class UploadPage(TypedDict):
    uploads: list[UploadBody]
    next: str | None


class SignedPart(TypedDict):
    part_number: int
    url: str
    size: int
    signed_md5: bool


class SignedParts(TypedDict):
    parts: list[SignedPart]


class StoredPartBody(TypedDict):
    part_number: int
    size: int


class StoredParts(TypedDict):
    part_size: int | None
    part_count: int | None
    parts: list[StoredPartBody]


class ApiRoot(TypedDict):
    uploads: str


class Error(TypedDict):
    error: str
    field: str | None
