"""A project's own model with direct-upload fields, as the README shows it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from direct_to_s3.fields import DirectFileField


class Document(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    cover = DirectFileField(visibility="public", allowed_types=["image/*"], max_size="20 MB")
    contract = DirectFileField(visibility="private", blank=True)

    def __str__(self) -> str:
        return f"Document {self.pk}"
