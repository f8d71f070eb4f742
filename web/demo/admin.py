from __future__ import annotations

from django.contrib import admin

from demo.models import Attachment, Document
from direct_to_s3.admin import DirectUploadAdminMixin


class AttachmentInline(DirectUploadAdminMixin, admin.StackedInline):  # type: ignore[type-arg]
    model = Attachment
    extra = 0


@admin.register(Document)
class DocumentAdmin(DirectUploadAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "owner"]
    inlines = [AttachmentInline]
