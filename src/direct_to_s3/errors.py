"""Errors a user can cause or meet, each with a message a person understands."""

from __future__ import annotations


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
