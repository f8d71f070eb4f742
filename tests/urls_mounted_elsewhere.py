"""A host site that mounts the upload app under a prefix of its own, next to its own /api/."""

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def host_api(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"host": True})


urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/status", host_api),
    path("uploads-app/", include("direct_to_s3.urls")),
    # The demo site's pages, whose navigation its base template links to.
    path("documents/", include("demo.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
