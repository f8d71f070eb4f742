"""Errors a user can cause or meet, each with a message a person understands; and which
requests want them as the API's JSON."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def wants_json(request: HttpRequest) -> bool:
    """Whether an error for this request should be the API's JSON rather than an HTML page.

    For the host's error handlers: errors raised before one of the app's views runs (a CSRF
    failure, a body too large for the middleware, a path under the app's API that matches
    nothing) are answered like the API's own, wherever the app is mounted. Other requests get
    JSON only when their Accept header prefers it to HTML.
    """
    match = request.resolver_match
    if match is not None and "direct_to_s3" in match.app_names:
        if (match.url_name or "").startswith("api-"):
            return True
    elif _under_api(request):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _under_api(request: HttpRequest) -> bool:
    try:
        root = reverse("direct_to_s3:api-root", urlconf=getattr(request, "urlconf", None))
    except NoReverseMatch:  # the host did not mount the app
        return False
    return request.path.startswith(root)


class UploadError(Exception):
    """Base: carries the HTTP status, the message shown to the user and the field at fault."""

    status = 400
    default_message = "Something is wrong with this upload."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)


class InvalidUpload(UploadError):
    status = 400


class UploadNotFound(UploadError):
    status = 404
    default_message = "No such upload."


class UploadConflict(UploadError):
    status = 409


class SigningRefused(UploadError):
    """An S3 request the app will not sign: not this upload's key, S3 upload id or plan."""

    status = 403


class StorageUnavailable(UploadError):
    status = 503
    default_message = (
        "File storage cannot be reached right now. Nothing was lost; please try again shortly."
    )


class QuotaExceeded(UploadError):
    status = 413


class RateLimited(UploadError):
    status = 429

    def __init__(self, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"Too many requests. Please wait {retry_after} seconds, then try again.")
