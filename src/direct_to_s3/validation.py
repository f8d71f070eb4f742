"""Checks what a browser or script asks to upload, before anything is signed."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from direct_to_s3 import content_types
from direct_to_s3.conf import app_settings
from direct_to_s3.content_types import describe, matches
from direct_to_s3.errors import InvalidUpload
from direct_to_s3.keys import display_name
from direct_to_s3.models import Upload
from direct_to_s3.rules import UploadRules, rules_from_token

MAX_FILENAME_LENGTH = 1024
MAX_CONTENT_TYPE_LENGTH = 255  # the database column's
# JavaScript's latest Date (ms): no File.lastModified is larger, and it fits the database column.
MAX_LAST_MODIFIED = 8_640_000_000_000_000
# Above any real file; checked first so that human_size (floats) never meets a larger number.
MAX_PLAUSIBLE_SIZE = 2**62


@dataclass(frozen=True)
class UploadRequest:
    filename: str
    content_type: str
    size: int
    visibility: str
    last_modified: int | None = None
    # The folder below the visibility's prefix that a form field's rules asked for.
    key_prefix: str = ""


@dataclass(frozen=True)
class PartRequest:
    number: int
    content_md5: str | None = None


@dataclass(frozen=True)
class S3Call:
    """An S3 request a client asks the app to sign (the contract's `S3Request`)."""

    method: str
    key: str
    upload_id: str | None = None
    part_number: int | None = None


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def allowed_types(visibility: str) -> tuple[str, ...]:
    """The patterns files of this visibility may match (ALLOWED_CONTENT_TYPES for public
    files, PRIVATE_ALLOWED_CONTENT_TYPES for private ones)."""
    options = app_settings()
    if visibility == Upload.Visibility.PUBLIC:
        return options.allowed_content_types
    return options.private_allowed_content_types


def type_refusal(
    content_type: str, visibility: str, field_types: Sequence[str] | None = None
) -> str | None:
    """Why a file of this type may not be uploaded with this visibility, in words; None: it
    may. `field_types`: a form field's own types, else the app's for the visibility. A file
    of no recognisable type is `content_types.UNKNOWN`."""
    patterns = field_types if field_types is not None else allowed_types(visibility)
    if matches(content_type, patterns):
        return None
    # Only the upload page lets a person pick the visibility; a form field's is fixed.
    privately = (
        field_types is None
        and visibility == Upload.Visibility.PUBLIC
        and matches(content_type, allowed_types(Upload.Visibility.PRIVATE))
    )
    allowed = describe(patterns)
    if content_types.essence(content_type) == content_types.UNKNOWN:
        if privately:
            return (
                "This file's type could not be recognised. Files of unknown type can be "
                "uploaded as private files only."
            )
        return f"This file's type could not be recognised. Allowed: {allowed}."
    where = "here" if field_types is not None else f"as {visibility} files"
    message = f"Files of type {content_type} are not allowed {where}. Allowed: {allowed}."
    return message + " It can be uploaded as a private file." if privately else message


def parse_upload_request(data: Any) -> UploadRequest:
    """The request checked by the app's defaults, or by the rules of the form field whose
    signed token it carries (`rules`, see rules.py)."""
    if not isinstance(data, dict):
        raise InvalidUpload("Send the upload details as a JSON object.")
    rules = rules_from_token(data.get("rules"))
    filename = _filename(data.get("filename"))
    visibility = _visibility(data.get("visibility", rules.visibility or "private"), rules)
    return UploadRequest(
        filename=filename,
        content_type=_content_type(data.get("content_type"), visibility, rules),
        size=_size(data.get("size"), rules),
        visibility=visibility,
        last_modified=_last_modified(data.get("last_modified")),
        key_prefix=rules.key_prefix,
    )


def parse_batch_start(data: Any, *, limit: int) -> list[UploadRequest | InvalidUpload]:
    """`{"uploads": [...]}`: each item what POST /api/uploads takes, checked on its own; an
    item refused is its error in its place."""
    requests: list[UploadRequest | InvalidUpload] = []
    for item in _batch(data, "uploads", limit=limit):
        try:
            requests.append(parse_upload_request(item))
        except InvalidUpload as error:
            requests.append(error)
    return requests


def parse_batch_ids(data: Any, *, limit: int) -> list[str]:
    """`{"ids": [...]}`: the ids of uploads, as strings."""
    ids = _batch(data, "ids", limit=limit)
    if not all(isinstance(value, str) for value in ids):
        raise InvalidUpload("ids must be a list of upload ids (strings).", field="ids")
    return ids


def _batch(data: Any, name: str, *, limit: int) -> list[Any]:
    items = data.get(name) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise InvalidUpload(f'Send {{"{name}": [...]}}, a JSON object with a list.', field=name)
    if len(items) > limit:
        raise InvalidUpload(
            f"A batch takes at most {limit} files; this one has {len(items)}. "
            "Send them in several batches.",
            field=name,
        )
    return items


MAX_PARTS_PER_REQUEST = 100


def parse_part_requests(data: Any) -> list[PartRequest]:
    """`{"part_numbers": [1, 2, …], "content_md5": {"1": "<base64 MD5>", …}}`.

    `content_md5` is optional: a digest given here is signed into the part's URL, so S3
    refuses any other bytes; without it the client sends its own Content-MD5 header, which
    S3 verifies just the same.
    """
    if not isinstance(data, dict):
        raise InvalidUpload("Send the part numbers as a JSON object.", field="part_numbers")
    numbers = data.get("part_numbers")
    if not isinstance(numbers, list) or not numbers:
        raise InvalidUpload(
            'List the parts to sign, e.g. {"part_numbers": [1, 2, 3]}.', field="part_numbers"
        )
    if len(numbers) > MAX_PARTS_PER_REQUEST:
        raise InvalidUpload(
            f"Ask for at most {MAX_PARTS_PER_REQUEST} parts at a time.", field="part_numbers"
        )
    for number in numbers:
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 10_000:
            raise InvalidUpload(
                "Part numbers are whole numbers from 1 to 10000.", field="part_numbers"
            )
    if len(set(numbers)) != len(numbers):
        raise InvalidUpload("Each part may be listed only once.", field="part_numbers")
    digests = data.get("content_md5") or {}
    if not isinstance(digests, dict):
        raise InvalidUpload(
            'content_md5 maps part numbers to digests, e.g. {"1": "…"}.', field="content_md5"
        )
    wanted = {str(number) for number in numbers}
    for name, digest in digests.items():
        if name not in wanted or not isinstance(digest, str) or not _is_base64_md5(digest):
            raise InvalidUpload(
                f"content_md5 for part {name} must be the base64 MD5 digest of a listed part.",
                field="content_md5",
            )
    return [PartRequest(number=n, content_md5=digests.get(str(n))) for n in numbers]


def _is_base64_md5(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == 16
    except (ValueError, binascii.Error):
        return False


def _last_modified(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LAST_MODIFIED:
        raise InvalidUpload(
            "last_modified must be the file's modification time in milliseconds.",
            field="last_modified",
        )
    return value


def _filename(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidUpload("Give the file's name.", field="filename")
    if not _is_encodable(value):
        raise InvalidUpload(
            "The file name has characters that cannot be stored (broken Unicode). "
            "Rename the file and try again.",
            field="filename",
        )
    if len(value) > MAX_FILENAME_LENGTH:
        raise InvalidUpload(
            f"The file name is too long (over {MAX_FILENAME_LENGTH} characters). "
            "Rename the file and try again.",
            field="filename",
        )
    name = display_name(value)
    if not name:
        raise InvalidUpload("The file name has no usable characters.", field="filename")
    return name


def _is_encodable(text: str) -> bool:
    """False for a lone surrogate (`"\\ud800"` in JSON), which no database or header can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _content_type(value: Any, visibility: str, rules: UploadRules) -> str:
    """The declared type without case or parameters; "" (a browser's word for a file of no
    recognisable type) is `application/octet-stream`."""
    if value is None:
        raise InvalidUpload("Say what type of file this is, e.g. image/png.", field="content_type")
    if not isinstance(value, str):
        raise InvalidUpload("The file type must be text, e.g. image/png.", field="content_type")
    content_type = content_types.essence(value) or content_types.UNKNOWN
    if len(content_type) > MAX_CONTENT_TYPE_LENGTH or not content_types.is_type(content_type):
        raise InvalidUpload(
            "The file type must be a MIME type such as image/png.", field="content_type"
        )
    refusal = type_refusal(content_type, visibility, rules.allowed_types)
    if refusal is not None:
        raise InvalidUpload(refusal, field="content_type")
    return content_type


def _size(value: Any, rules: UploadRules) -> int:
    if value is None:
        raise InvalidUpload("Give the file's size in bytes.", field="size")
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidUpload("The file size must be a whole number of bytes.", field="size")
    if value <= 0:
        raise InvalidUpload("This file is empty; there is nothing to upload.", field="size")
    limit = rules.max_size if rules.max_size is not None else app_settings().max_size
    if value > MAX_PLAUSIBLE_SIZE:
        raise InvalidUpload(
            f"This file is too big; the limit is {human_size(limit)}.", field="size"
        )
    if value > limit:
        size_text, limit_text = human_size(value), human_size(limit)
        if size_text == limit_text:  # "5.0 MB is over the 5.0 MB limit" reads as a bug
            size_text, limit_text = f"{value:,} bytes", f"{limit:,} bytes ({limit_text})"
        raise InvalidUpload(
            f"This file is too big ({size_text}); the limit is {limit_text}.", field="size"
        )
    return value


def _visibility(value: Any, rules: UploadRules) -> str:
    if value not in Upload.Visibility.values:
        raise InvalidUpload("Choose whether the file is public or private.", field="visibility")
    if rules.visibility is not None and value != rules.visibility:
        raise InvalidUpload(f"This field takes {rules.visibility} files.", field="visibility")
    return str(value)


def parse_s3_request(data: Any) -> S3Call:
    """`{"method", "key", "uploadId"?, "partNumber"?, "contentType"?}`, as Uppy's
    `signRequest` receives it; whether it is this upload's is the service's to say."""
    if not isinstance(data, dict):
        raise InvalidUpload("Send the S3 request to sign as a JSON object.", field="method")
    method, key = data.get("method"), data.get("key")
    if method not in {"GET", "PUT", "POST", "DELETE"}:
        raise InvalidUpload("method must be GET, PUT, POST or DELETE.", field="method")
    if not isinstance(key, str) or not key:
        raise InvalidUpload("key must be the upload's key.", field="key")
    upload_id = data.get("uploadId")
    if upload_id is not None and (not isinstance(upload_id, str) or not upload_id):
        raise InvalidUpload("uploadId must be the upload's S3 upload id.", field="uploadId")
    number = data.get("partNumber")
    if number is not None and (
        isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 10_000
    ):
        raise InvalidUpload("partNumber is a whole number from 1 to 10000.", field="partNumber")
    return S3Call(method=method, key=key, upload_id=upload_id, part_number=number)
