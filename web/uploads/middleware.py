"""Content-Security-Policy for pages: scripts and styles from the app only; S3 for files."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from uploads import s3


def content_security_policy() -> str:
    storage = " ".join(s3.browser_origins())
    static = ""
    if settings.STATIC_URL.startswith(("http://", "https://")):
        static = " " + "/".join(settings.STATIC_URL.split("/", 3)[:3])
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


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", content_security_policy())
        return response
