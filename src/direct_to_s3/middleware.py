"""Content-Security-Policy for pages: scripts and styles from the app only; S3 for files."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

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
def s3_browser_origins() -> tuple[str, ...]:
    """Origins a page must let the browser talk to, from settings alone: no signing, no network."""
    origins = [*_signing_origins(), _origin(s3.public_url("media/x"))]
    return tuple(dict.fromkeys(origins))


@functools.cache
def content_security_policy() -> str:
    storage = " ".join(s3_browser_origins())
    static = ""
    if settings.STATIC_URL.startswith(("http://", "https://")):
        static = " " + _origin(settings.STATIC_URL)
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self'{static}",
            f"style-src 'self'{static}",
            f"img-src 'self' data: {storage}",
            f"media-src 'self' {storage}",
            f"connect-src 'self' {storage}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


@receiver(setting_changed)
def _forget_policy(**kwargs: Any) -> None:
    s3_browser_origins.cache_clear()
    content_security_policy.cache_clear()


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", content_security_policy())
        return response
