from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("direct_to_s3.urls")),
]

handler400 = "direct_to_s3.views.bad_request"
handler403 = "direct_to_s3.views.permission_denied"
handler404 = "direct_to_s3.views.not_found"
handler500 = "direct_to_s3.views.server_error"
