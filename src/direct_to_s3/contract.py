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
    sign: NotRequired[str]  # pending uploads: signs one S3 request an S3 client asks for
    s3: NotRequired[str]  # multipart uploads: the app's S3-speaking stand-in (see `S3Request`)
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
    etag: str


class StoredParts(TypedDict):
    part_size: int | None
    part_count: int | None
    parts: list[StoredPartBody]


class PartPlan(TypedDict):
    """How the app cuts a file, known before any upload starts: files over
    `multipart_threshold` bytes go up in parts of max(`min_part_size`, ⌈size / `max_parts`⌉)
    bytes, the last one holding the rest; smaller files in one POST. Up to `max_size` bytes."""

    multipart_threshold: int
    min_part_size: int
    max_parts: int
    max_size: int


class ApiRoot(TypedDict):
    uploads: str
    part_plan: PartPlan
    batch_start: str  # POST {"uploads": [...]}: many files' tickets at once
    batch_complete: str  # POST {"ids": [...]}: complete many uploads at once
    batch_limit: int  # the most items one batch request takes


class S3Request(TypedDict):
    """One S3 request an S3 client (Uppy's `signRequest`) asks the app to sign for an upload.

    PUT: the object (no `uploadId`; answered with a POST policy) or part `partNumber` of
    `uploadId`. POST: create (no `uploadId`) or complete a multipart upload. GET: list its
    parts. DELETE: abort it. Every field must match the upload's record.
    """

    method: str
    key: str
    uploadId: NotRequired[str]
    partNumber: NotRequired[int]
    contentType: NotRequired[str]


class Presigned(TypedDict):
    """The answer to an `S3Request`, as Uppy's `signRequest` returns it."""

    url: str
    key: NotRequired[str]
    fields: NotRequired[dict[str, str]]
    headers: NotRequired[dict[str, str]]


class Error(TypedDict):
    error: str
    field: str | None


class StartedItem(TypedDict):
    """One file of a batch start: what POST /api/uploads would have answered for it alone."""

    status: int  # 201, or the error's HTTP status
    body: CreatedUpload | Error


class StartedBatch(TypedDict):
    results: list[StartedItem]  # in the order of the request's `uploads`


class CompletedItem(TypedDict):
    """One id of a batch complete: what POST links.complete would have answered for it."""

    status: int  # 200, or the error's HTTP status
    body: UploadBody | Error


class CompletedBatch(TypedDict):
    results: list[CompletedItem]  # in the order of the request's `ids`
