"""The Django admin with direct uploads: DirectFileFields in change forms and inlines.

    @admin.register(Document)
    class DocumentAdmin(DirectUploadAdminMixin, admin.ModelAdmin):
        inlines = [AttachmentInline]

    class AttachmentInline(DirectUploadAdminMixin, admin.StackedInline):
        model = Attachment

The widget uploads as the staff member using the admin: the mixin hands their user to each
DirectFileFormField, which accepts only their own completed uploads.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from direct_to_s3 import services
from direct_to_s3.forms import with_user
from direct_to_s3.models import Upload


class DirectUploadAdminMixin:
    """For a ModelAdmin or an InlineModelAdmin whose model has DirectFileFields."""

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)  # type: ignore[misc]
        return with_user(form, request.user)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        formset.form = with_user(formset.form, request.user)
        return formset


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Uploads are made and changed through the API only: the admin finds them and deletes
    them as the API does (the object on S3 too, `file_deleted` sent)."""

    list_display = ["original_name", "owner", "visibility", "status", "size", "created_at"]
    list_filter = ["status", "visibility"]
    search_fields = ["original_name", "key"]
    readonly_fields = [field.name for field in Upload._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Upload) -> None:
        services.upload_delete(upload=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Upload]) -> None:
        for upload in queryset:
            services.upload_delete(upload=upload)
