from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from direct_to_s3.models import Upload

# ModelAdmin is generic only in django-stubs; at run time it takes no type argument.
if TYPE_CHECKING:
    UploadModelAdmin = admin.ModelAdmin[Upload]
else:
    UploadModelAdmin = admin.ModelAdmin


@admin.register(Upload)
class UploadAdmin(UploadModelAdmin):
    list_display = ["original_name", "owner", "visibility", "status", "size", "created_at"]
    list_filter = ["status", "visibility"]
    search_fields = ["original_name", "key", "owner__username"]
    readonly_fields = [f.name for f in Upload._meta.fields]
