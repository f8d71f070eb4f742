"""Which S3 origins a page's Content-Security-Policy must allow: the site writes the policy."""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urlsplit

from django.core.signals import setting_changed
from django.dispatch import receiver

from direct_to_s3 import s3

# Bucket names botocore puts in the host name over HTTPS (with dots, TLS names would not match).
_VIRTUAL_HOSTABLE = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _signing_origins() -> list[str]:
    """Where the URLs boto3 signs for browsers point: uploads, parts, private downloads."""
    target = s3.bucket()
    bucket, style, endpoint = target.name, target.addressing_style, target.browser_endpoint_url
    if endpoint:
        parts = urlsplit(endpoint)
        if style == "virtual":
            return [f"{parts.scheme}://{bucket}.{parts.netloc}", _origin(endpoint)]
        return [_origin(endpoint)]
    region = target.region or "us-east-1"
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    regional = f"s3.{region}.{domain}"
    if style == "path" or not _VIRTUAL_HOSTABLE.fullmatch(bucket):
        return ["https://s3.amazonaws.com" if region == "us-east-1" else f"https://{regional}"]
    if region == "us-east-1":
        return [f"https://{bucket}.s3.amazonaws.com"]
    if style == "virtual" or domain != "amazonaws.com":
        return [f"https://{bucket}.{regional}"]
    # "auto" signs with the global name, which S3 redirects to the regional one for a new bucket.
    return [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.{regional}"]


@functools.cache
def s3_origins() -> tuple[str, ...]:
    """Origins a page must let the browser talk to (uploads, parts, downloads, public files:
    img-src, media-src, connect-src), from settings alone: no signing, no network."""
    origins = [*_signing_origins(), _origin(s3.public_url("media/x"))]
    return tuple(dict.fromkeys(origins))


@receiver(setting_changed)
def _forget_origins(**kwargs: Any) -> None:
    s3_origins.cache_clear()
