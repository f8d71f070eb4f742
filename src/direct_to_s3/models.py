"""An upload and its life: pending → complete | failed | cancelled."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from direct_to_s3 import content_types
from direct_to_s3.keys import incoming_key


class Upload(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public"
        PRIVATE = "private"

    class Status(models.TextChoices):
        PENDING = "pending"
        COMPLETE = "complete"
        FAILED = "failed"
        CANCELLED = "cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads"
    )
    key = models.CharField(max_length=1024, unique=True)
    visibility = models.CharField(max_length=16, choices=Visibility.choices)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField(max_length=500, blank=True)
    etag = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(help_text="When the upload ticket stops working.")
    completed_at = models.DateTimeField(null=True, blank=True)
    # Multipart uploads (large files): S3's upload id and how the file is cut into parts.
    multipart_upload_id = models.CharField(max_length=1024, blank=True)
    part_size = models.PositiveBigIntegerField(null=True, blank=True)
    part_count = models.PositiveIntegerField(null=True, blank=True)
    # The browser's File.lastModified (ms), so a re-picked file can resume this upload.
    file_last_modified = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="upload_owner_newest"),
            # Answers the quota query of every start without reading the table.
            models.Index(fields=["owner", "status", "size"], name="upload_owner_usage"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="upload_size_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_multipart(self) -> bool:
        return self.part_size is not None

    @property
    def incoming_key(self) -> str | None:
        """Where a browser POSTs a small file before complete promotes it; None for multipart."""
        return None if self.is_multipart else incoming_key(self.key)

    def part_plan(self) -> tuple[int, int]:
        """(part size, part count) of a multipart upload."""
        if self.part_size is None or self.part_count is None:
            raise ValueError("This upload is not a multipart upload.")
        return self.part_size, self.part_count

    @property
    def extension(self) -> str:
        """The name's extension for an icon, e.g. "PDF"; empty when there is none."""
        stem, dot, extension = self.original_name.rpartition(".")
        return extension[:4].upper() if dot and stem and extension.isalnum() else ""

    @property
    def is_image(self) -> bool:
        """An image every browser shows (so a thumbnail of it is not a broken one)."""
        return content_types.matches(self.content_type, content_types.BROWSER_IMAGES)

    def mark_complete(self, *, etag: str) -> None:
        self.status = self.Status.COMPLETE
        self.etag = etag
        self.completed_at = timezone.now()
        self.failure_reason = ""

    def mark_failed(self, *, reason: str) -> None:
        self.status = self.Status.FAILED
        self.failure_reason = reason[:500]

    def mark_cancelled(self) -> None:
        self.status = self.Status.CANCELLED
