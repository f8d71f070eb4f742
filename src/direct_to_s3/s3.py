"""Everything that talks to S3. The only module of ours that imports boto3.

Where the objects live comes from the project's STORAGES: the bucket, credentials, endpoint,
region, addressing style and custom domain of the PUBLIC_STORAGE alias (`checks.py` makes sure
the PRIVATE_STORAGE alias is the same bucket). Two lazily built clients, reused for the life
of the process (building one costs far more than signing with it) and forgotten when those
settings change: `client()` for calls the app server makes itself, and `signing_client()` for
URLs handed to browsers, which may reach S3 under another address (the app setting
BROWSER_ENDPOINT_URL). Signing is offline, so the second never opens a connection.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from storages.backends.s3 import S3Storage

from direct_to_s3.conf import app_settings
from direct_to_s3.errors import StorageUnavailable


@dataclass(frozen=True)
class StoredPart:
    number: int
    size: int
    etag: str


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    content_type: str
    etag: str
    # Every other header S3 would send with the object (Cache-Control, Content-Disposition,
    # Content-Encoding, x-amz-meta-*, ...), so complete can refuse any it did not pin.
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListedObject:
    key: str
    size: int
    etag: str
    last_modified: datetime


class ObjectChanged(Exception):
    """The object is no longer the one that was checked: other bytes are there now."""


class ObjectGone(Exception):
    """The object that was checked is no longer there."""


@dataclass(frozen=True)
class Bucket:
    """The bucket the app's objects live in and how the app server and browsers reach it."""

    name: str
    region: str | None
    endpoint_url: str | None  # None: AWS itself
    browser_endpoint_url: str | None
    addressing_style: str | None
    custom_domain: str | None  # public files only


def storage(alias: str) -> S3Storage:
    """The project's storage `alias`, which must be an S3 storage."""
    found = storages[alias]
    if not isinstance(found, S3Storage):
        raise TypeError(f"STORAGES[{alias!r}] is not an S3 storage (storages.backends.s3).")
    return found


def bucket() -> Bucket:
    """Read from the PUBLIC_STORAGE alias; building a storage never touches the network."""
    public = storage(app_settings().public_storage)
    return Bucket(
        name=public.bucket_name,
        region=public.region_name,
        endpoint_url=public.endpoint_url,
        browser_endpoint_url=app_settings().browser_endpoint_url or public.endpoint_url,
        addressing_style=public.addressing_style,
        custom_domain=public.custom_domain or None,
    )


def _build_client(endpoint_url: str | None) -> Any:
    public = storage(app_settings().public_storage)
    options = app_settings()
    config = public.client_config.merge(
        Config(
            # POST policies must be signed with SigV4 (S3-compatible servers refuse V2).
            signature_version="s3v4",
            # Short and bounded: a request thread waiting on a hung S3 answers 503 soon
            # instead of tying up a worker (attempts times timeouts is the worst case).
            connect_timeout=options.s3_connect_timeout,
            read_timeout=options.s3_read_timeout,
            retries={"mode": "standard", "total_max_attempts": options.s3_max_attempts},
        )
    )
    # The storage's own credentials; None for each lets boto3 use its chain (an IAM role).
    session = boto3.session.Session(
        aws_access_key_id=public.access_key or None,
        aws_secret_access_key=public.secret_key or None,
        aws_session_token=public.security_token or None,
        profile_name=public.session_profile or None,
    )
    return session.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=public.region_name,
        use_ssl=public.use_ssl,
        verify=public.verify,
        config=config,
    )


@functools.cache
def client() -> Any:
    return _build_client(bucket().endpoint_url)


@functools.cache
def signing_client() -> Any:
    target = bucket()
    if target.browser_endpoint_url == target.endpoint_url:
        return client()
    return _build_client(target.browser_endpoint_url)


@receiver(setting_changed)
def _forget_clients(*, setting: str, **kwargs: Any) -> None:
    # django-storages falls back on AWS_* settings for options STORAGES leaves out.
    if setting in {"STORAGES", "DIRECT_TO_S3"} or setting.startswith("AWS_"):
        client.cache_clear()
        signing_client.cache_clear()
        forget_reachability()


def forget_reachability() -> None:
    """Check S3 again at the next start instead of trusting the last answer."""
    _last_reachable.clear()


def _bucket() -> str:
    return bucket().name


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _is_precondition_failure(error: ClientError) -> bool:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return _error_code(error) in {"PreconditionFailed", "412"} or status == 412


def _is_missing(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in {"404", "NoSuchKey", "NotFound"} or status == 404


class _translate_outage:
    """Turn "S3 cannot be reached or is failing" into StorageUnavailable; let others through."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        if isinstance(exc, BotoCoreError):
            raise StorageUnavailable() from exc
        if isinstance(exc, ClientError):
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if status >= 500:
                raise StorageUnavailable() from exc
        return False


# --- Browser-facing URLs ----------------------------------------------------------------------


def presigned_post(
    *,
    key: str,
    content_type: str,
    size: int,
    expires_in: int,
    extra_fields: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A POST policy for exactly this key, this Content-Type and exactly `size` bytes.

    `extra_fields` (e.g. Cache-Control, Content-Disposition) are pinned to their exact values
    too, so the stored object carries them whatever the browser sends.
    """
    fields = {"Content-Type": content_type, "success_action_status": "201", **(extra_fields or {})}
    conditions: list[Any] = [
        *({name: value} for name, value in fields.items()),
        ["content-length-range", size, size],
    ]
    post: dict[str, Any] = signing_client().generate_presigned_post(
        Bucket=_bucket(), Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires_in
    )
    return post


def signed_get_url(
    *,
    key: str,
    expires_in: int,
    download_name: str | None = None,
    attachment: bool = False,
) -> str:
    """A short-lived GET URL. `attachment` forces a download with a harmless type."""
    params: dict[str, str] = {"Bucket": _bucket(), "Key": key}
    if download_name is not None:
        disposition = "attachment" if attachment else "inline"
        params["ResponseContentDisposition"] = content_disposition(download_name, disposition)
    if attachment:
        params["ResponseContentType"] = "application/octet-stream"
    return str(
        signing_client().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)
    )


def presigned_part_url(
    *,
    key: str,
    upload_id: str,
    number: int,
    length: int,
    content_md5: str | None,
    expires_in: int,
) -> str:
    """A PUT URL for one part of our own multipart upload and nothing else.

    Content-Length is signed in, and Content-MD5 when known, so S3 refuses other bytes
    (BadDigest) or another length. S3 verifies an unsigned Content-MD5 header too.
    """
    params: dict[str, Any] = {
        "Bucket": _bucket(),
        "Key": key,
        "UploadId": upload_id,
        "PartNumber": number,
        "ContentLength": length,
    }
    if content_md5 is not None:
        params["ContentMD5"] = content_md5
    return str(
        signing_client().generate_presigned_url("upload_part", Params=params, ExpiresIn=expires_in)
    )


def content_disposition(filename: str, disposition: str = "inline") -> str:
    """RFC 6266/5987: an ASCII fallback plus the exact UTF-8 name."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def public_url(key: str) -> str:
    """The unsigned URL of a public object: CDN/custom domain, local endpoint, or AWS."""
    path = quote(key)
    target = bucket()
    if target.custom_domain:
        domain = target.custom_domain
        base = domain if "://" in domain else f"https://{domain}"
        return f"{base.rstrip('/')}/{path}"
    if target.browser_endpoint_url:
        return f"{target.browser_endpoint_url.rstrip('/')}/{target.name}/{path}"
    return f"https://{target.name}.s3.{target.region or 'us-east-1'}.amazonaws.com/{path}"


# --- Server-side calls ------------------------------------------------------------------------

REACHABILITY_TTL = 5.0
_last_reachable: dict[tuple[str | None, str], float] = {}


def ensure_reachable() -> None:
    """Fail fast (StorageUnavailable) when S3 cannot be reached, checked at most every 5 s.

    Signing a POST is offline; without this a ticket would be issued that cannot be used.
    """
    target = (bucket().endpoint_url, _bucket())
    now = time.monotonic()
    if now - _last_reachable.get(target, -REACHABILITY_TTL) < REACHABILITY_TTL:
        return
    with _translate_outage():
        try:
            client().head_bucket(Bucket=_bucket())
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if status >= 500:
                raise
    _last_reachable[target] = now


def head_object(key: str) -> StoredObject | None:
    """What S3 holds at `key`, or None when nothing is there."""
    with _translate_outage():
        try:
            response = client().head_object(Bucket=_bucket(), Key=key)
        except ClientError as error:
            if _is_missing(error):
                return None
            raise
    return _stored_object(key, response, size=response["ContentLength"])


def read_object(key: str, length: int) -> tuple[StoredObject, bytes] | None:
    """What S3 holds at `key` and its first `length` bytes, or None when nothing is there.

    One ranged GET: its answer carries every header a HEAD would (the object's size in
    Content-Range), and headers and bytes come from one and the same object. An empty object
    has no byte 0 to give (416 on AWS and SeaweedFS): a HEAD then says what it is.
    """
    with _translate_outage():
        try:
            response = client().get_object(Bucket=_bucket(), Key=key, Range=f"bytes=0-{length - 1}")
        except ClientError as error:
            if _is_missing(error):
                return None
            if _error_code(error) == "InvalidRange":
                stored = head_object(key)
                return None if stored is None else (stored, b"")
            raise
        body = response["Body"]
        try:
            head = bytes(body.read(length))
        finally:
            body.close()  # a server that ignored the range would send the whole object
    return _stored_object(key, response, size=_object_size(response)), head


def _object_size(response: dict[str, Any]) -> int:
    """The whole object's size: "bytes 0-511/12345" in Content-Range, or the length of an
    answer that is the whole object."""
    content_range = response.get("ContentRange")
    if content_range:
        return int(str(content_range).rpartition("/")[2])
    return int(response["ContentLength"])


def _stored_object(key: str, response: dict[str, Any], *, size: int) -> StoredObject:
    headers = {
        name: str(response[param]) for param, name in _STORED_HEADERS.items() if response.get(param)
    }
    headers.update(
        {f"x-amz-meta-{name}": value for name, value in response.get("Metadata", {}).items()}
    )
    return StoredObject(
        key=key,
        size=size,
        content_type=response.get("ContentType", ""),
        etag=response.get("ETag", "").strip('"'),
        headers=headers,
    )


# HeadObject and GetObject fields for headers S3 serves with an object, which a POST form
# may try to set.
_STORED_HEADERS = {
    "CacheControl": "Cache-Control",
    "ContentDisposition": "Content-Disposition",
    "ContentEncoding": "Content-Encoding",
    "ContentLanguage": "Content-Language",
    "Expires": "Expires",
    "ExpiresString": "Expires",
    "WebsiteRedirectLocation": "x-amz-website-redirect-location",
    "ServerSideEncryption": "x-amz-server-side-encryption",
    "StorageClass": "x-amz-storage-class",
    "ObjectLockMode": "x-amz-object-lock-mode",
    "ObjectLockLegalHoldStatus": "x-amz-object-lock-legal-hold",
}


def _raise_if_not_the_same(error: ClientError) -> None:
    if _is_precondition_failure(error):
        raise ObjectChanged() from error
    if _is_missing(error):
        raise ObjectGone() from error


def promote(
    *, source: str, destination: str, etag: str, content_type: str, headers: dict[str, str]
) -> str:
    """Copy the checked object to the key the app serves, inside S3, and answer its ETag.

    Only the object with `etag` is copied (ObjectChanged, ObjectGone), and its headers are
    replaced by exactly `content_type` and `headers`: nothing a browser sent comes along.
    A single copy covers up to 5 GiB, the most a POST can upload.
    """
    params = {_HEADER_PARAMS[name]: value for name, value in headers.items()}
    with _translate_outage():
        try:
            response = client().copy_object(
                Bucket=_bucket(),
                Key=destination,
                CopySource={"Bucket": _bucket(), "Key": source},
                CopySourceIfMatch=f'"{etag}"',
                MetadataDirective="REPLACE",
                ContentType=content_type,
                **params,
            )
        except ClientError as error:
            _raise_if_not_the_same(error)
            raise
    return str(response["CopyObjectResult"]["ETag"]).strip('"')


def list_objects(prefix: str) -> Iterator[ListedObject]:
    """Every object under `prefix`, a page (1000) at a time."""
    params: dict[str, Any] = {"Bucket": _bucket(), "Prefix": prefix}
    with _translate_outage():
        while True:
            page = client().list_objects_v2(**params)
            for item in page.get("Contents", []):
                yield ListedObject(
                    key=item["Key"],
                    size=item["Size"],
                    etag=item.get("ETag", "").strip('"'),
                    last_modified=item["LastModified"],
                )
            if not page.get("IsTruncated"):
                return
            params["ContinuationToken"] = page["NextContinuationToken"]


def delete_object(key: str) -> None:
    """Delete `key`; deleting what is already gone is not an error."""
    with _translate_outage():
        client().delete_object(Bucket=_bucket(), Key=key)


# The most keys one DeleteObjects request takes.
DELETE_BATCH = 1000


def delete_objects(keys: Sequence[str]) -> list[str]:
    """Delete `keys` as cleanup, up to a thousand a request; answer the keys that may remain.

    Never raises: what S3 refused, or could not be asked because it failed or could not be
    reached, is in the answer for the caller to leave to a sweep. Keys already gone are not
    errors.
    """
    remaining: list[str] = []
    for start in range(0, len(keys), DELETE_BATCH):
        chunk = list(keys[start : start + DELETE_BATCH])
        try:
            with _translate_outage():
                response = client().delete_objects(
                    Bucket=_bucket(),
                    Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True},
                )
        except (StorageUnavailable, ClientError):
            remaining.extend(chunk)
            continue
        remaining.extend(str(error["Key"]) for error in response.get("Errors", []))
    return remaining


_HEADER_PARAMS = {"Cache-Control": "CacheControl", "Content-Disposition": "ContentDisposition"}


def create_multipart(
    *, key: str, content_type: str, extra_headers: dict[str, str] | None = None
) -> str:
    params = {_HEADER_PARAMS[name]: value for name, value in (extra_headers or {}).items()}
    with _translate_outage():
        response = client().create_multipart_upload(
            Bucket=_bucket(), Key=key, ContentType=content_type, **params
        )
    return str(response["UploadId"])


def list_parts(*, key: str, upload_id: str) -> list[StoredPart] | None:
    """The parts S3 holds for this upload, or None when S3 no longer knows the upload."""
    parts: list[StoredPart] = []
    marker = 0
    with _translate_outage():
        while True:
            try:
                response = client().list_parts(
                    Bucket=_bucket(), Key=key, UploadId=upload_id, PartNumberMarker=marker
                )
            except ClientError as error:
                if _error_code(error) == "NoSuchUpload":
                    return None
                raise
            parts.extend(
                StoredPart(number=p["PartNumber"], size=p["Size"], etag=p["ETag"])
                for p in response.get("Parts", [])
            )
            if not response.get("IsTruncated"):
                return parts
            marker = response["NextPartNumberMarker"]


def complete_multipart(*, key: str, upload_id: str, parts: list[StoredPart]) -> None:
    with _translate_outage():
        client().complete_multipart_upload(
            Bucket=_bucket(),
            Key=key,
            UploadId=upload_id,
            MultipartUpload={
                "Parts": [{"PartNumber": part.number, "ETag": part.etag} for part in parts]
            },
        )


def abort_multipart(*, key: str, upload_id: str) -> None:
    """Abort and free the parts; an upload S3 no longer knows is already gone."""
    with _translate_outage():
        try:
            client().abort_multipart_upload(Bucket=_bucket(), Key=key, UploadId=upload_id)
        except ClientError as error:
            if _error_code(error) != "NoSuchUpload":
                raise


# --- Bucket setup -----------------------------------------------------------------------------


def public_read_policy(bucket: str, prefixes: tuple[str, ...]) -> dict[str, Any]:
    """Anyone may read objects under `prefixes` (each ending in `/`); nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadMediaAndStatic",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{bucket}/{prefix}*" for prefix in prefixes],
            }
        ],
    }


# What browser clients read from S3's answers: ETag (parts, resuming), Location (POST uploads;
# Uppy 5), S3's error code and message (Uppy 6 reads the code from a header), the request ids
# people quote to support, and the version id on versioned buckets.
EXPOSED_HEADERS = (
    "ETag",
    "Location",
    "x-amz-error-code",
    "x-amz-error-message",
    "x-amz-request-id",
    "x-amz-id-2",
    "x-amz-version-id",
)


def cors_configuration(origins: list[str]) -> dict[str, Any]:
    return {
        "CORSRules": [
            {
                "AllowedOrigins": list(origins),
                "AllowedMethods": ["GET", "HEAD", "POST", "PUT"],
                "AllowedHeaders": ["*"],
                "ExposeHeaders": list(EXPOSED_HEADERS),
                "MaxAgeSeconds": 3600,
            }
        ]
    }


def ensure_bucket() -> bool:
    """Create the bucket unless it exists; True when it was created."""
    s3 = client()
    with _translate_outage():
        try:
            s3.head_bucket(Bucket=_bucket())
            return False
        except ClientError as error:
            if not _is_missing(error):
                raise
        kwargs: dict[str, Any] = {"Bucket": _bucket()}
        target = bucket()
        region = target.region
        if region and region != "us-east-1" and not target.endpoint_url:
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            s3.create_bucket(**kwargs)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
                raise
            return False
    return True


def allow_public_bucket_policy() -> None:
    """On AWS, new buckets block public policies; keep ACLs blocked, allow the policy."""
    with _translate_outage():
        try:
            client().put_public_access_block(
                Bucket=_bucket(),
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": False,
                    "RestrictPublicBuckets": False,
                },
            )
        except ClientError as error:
            if _error_code(error) not in {"NotImplemented", "MethodNotAllowed", "InvalidRequest"}:
                raise


def put_public_read_policy(prefixes: tuple[str, ...]) -> None:
    with _translate_outage():
        client().put_bucket_policy(
            Bucket=_bucket(), Policy=json.dumps(public_read_policy(_bucket(), prefixes))
        )


def put_lifecycle_rules(*, incoming_prefix: str) -> None:
    """Let S3 itself abort multipart uploads nobody finished, and clear incoming, within a day."""
    with _translate_outage():
        client().put_bucket_lifecycle_configuration(
            Bucket=_bucket(),
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": "abort-incomplete-multipart-uploads",
                        "Status": "Enabled",
                        "Filter": {"Prefix": ""},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                    },
                    {
                        # A backstop for `sweep_uploads`: nothing stays in the incoming area.
                        "ID": "expire-incoming-uploads",
                        "Status": "Enabled",
                        "Filter": {"Prefix": incoming_prefix},
                        "Expiration": {"Days": 1},
                    },
                ]
            },
        )


def put_cors(origins: list[str]) -> None:
    with _translate_outage():
        client().put_bucket_cors(Bucket=_bucket(), CORSConfiguration=cors_configuration(origins))
