"""Mountable under any prefix: every URL a client needs is reversed, never written out."""

from django.urls import path

from direct_to_s3 import api, views

app_name = "direct_to_s3"

urlpatterns = [
    path("", views.index, name="index"),
    path("uploads/list", views.upload_list, name="list"),
    path("uploads/<str:upload_id>/delete", views.upload_delete, name="delete"),
    path("files/<str:upload_id>", views.file_redirect, name="file"),
    path("api/", api.root, name="api-root"),
    path("api/uploads", api.uploads, name="api-uploads"),
    path("api/uploads/batch", api.batch_start, name="api-batch-start"),
    path("api/uploads/batch/complete", api.batch_complete, name="api-batch-complete"),
    path("api/uploads/<str:upload_id>", api.upload_detail, name="api-upload"),
    path("api/uploads/<str:upload_id>/complete", api.upload_complete, name="api-complete"),
    path("api/uploads/<str:upload_id>/cancel", api.upload_cancel, name="api-cancel"),
    path("api/uploads/<str:upload_id>/parts", api.upload_parts, name="api-parts"),
    path("api/uploads/<str:upload_id>/sign", api.upload_sign, name="api-sign"),
    path("api/uploads/<str:upload_id>/s3", api.upload_s3, name="api-s3"),
]
