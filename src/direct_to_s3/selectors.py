"""Read-side queries. Another user's upload is simply not found."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from direct_to_s3.errors import UploadNotFound
from direct_to_s3.models import Upload


def request_user(request: HttpRequest) -> AbstractBaseUser:
    """The user of a request that a view already required to be logged in."""
    user = request.user
    if not isinstance(user, AbstractBaseUser):
        raise PermissionDenied("Log in first.")
    return user


def upload_list(*, owner: AbstractBaseUser, status: str | None = None) -> QuerySet[Upload]:
    uploads = Upload.objects.filter(owner_id=owner.pk)
    if status is not None:
        uploads = uploads.filter(status=status)
    return uploads.order_by("-created_at", "-id")


def upload_get(*, owner: AbstractBaseUser, upload_id: str) -> Upload:
    try:
        return Upload.objects.get(owner_id=owner.pk, id=uuid.UUID(str(upload_id)))
    except (ValueError, Upload.DoesNotExist):
        raise UploadNotFound() from None


def upload_get_for_download(*, user: AbstractBaseUser | AnonymousUser, upload_id: str) -> Upload:
    """A complete upload that `user` may open: their own, or anyone's for staff."""
    uploads = Upload.objects.filter(status=Upload.Status.COMPLETE)
    if not getattr(user, "is_staff", False):
        uploads = uploads.filter(owner_id=user.pk)
    try:
        return uploads.get(id=uuid.UUID(str(upload_id)))
    except (ValueError, Upload.DoesNotExist):
        raise UploadNotFound() from None
