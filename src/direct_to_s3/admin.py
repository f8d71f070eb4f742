from django.contrib import admin

from direct_to_s3.models import Upload


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["original_name", "owner", "visibility", "status", "size", "created_at"]
    list_filter = ["status", "visibility"]
    search_fields = ["original_name", "key", "owner__username"]
    readonly_fields = [f.name for f in Upload._meta.fields]
