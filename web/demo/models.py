"""The demo's Documents: a project's own model using the upload app's fields."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from direct_to_s3.fields import DirectFileField


class Document(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    cover = DirectFileField(
        visibility="public", allowed_types=["image/*"], max_size="20 MB", key_prefix="covers/"
    )
    contract = DirectFileField(visibility="private", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """Several files per document: one row each."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = DirectFileField(visibility="private")

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
