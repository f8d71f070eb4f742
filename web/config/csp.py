"""The site's Content-Security-Policy: scripts and styles from the site only; files from the
S3 origins the upload app names (`direct_to_s3.csp.s3_origins`).

Hand-written rather than django-csp 4.0: its policy is a dict fixed when settings load, while
these origins are read from the storage settings when first needed and must follow changed
settings (tests); that would take a CSPMiddleware subclass rewriting the policy per response,
no shorter than this and one dependency more.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from direct_to_s3 import s3
from direct_to_s3.csp import s3_origins


@functools.cache
def content_security_policy() -> str:
    storage = " ".join(s3_origins())
    static = ""
    if settings.STATIC_URL.startswith(("http://", "https://")):
        parts = urlsplit(settings.STATIC_URL)
        static = f" {parts.scheme}://{parts.netloc}"
    elif getattr(settings, "USE_S3_STATIC", False):
        # collectstatic put the files in the bucket: the pages load them from its public origin.
        parts = urlsplit(s3.public_url("static/"))
        static = f" {parts.scheme}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            # WebAssembly: the upload page hashes parts with hash-wasm, in workers started from
            # blob: URLs (see direct_to_s3/js/hashing.js), which inherit this policy.
            f"script-src 'self'{static} 'wasm-unsafe-eval'",
            "worker-src blob:",
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
    content_security_policy.cache_clear()


class ContentSecurityPolicyMiddleware:
    """Adds the policy to HTML responses that do not set their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", content_security_policy())
        return response
