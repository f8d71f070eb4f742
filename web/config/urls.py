from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("uploads.urls")),
]
if settings.BENCHMARK_VIEWS:
    urlpatterns.insert(0, path("bench/", include("uploads.bench_urls")))

handler400 = "uploads.views.bad_request"
handler403 = "uploads.views.permission_denied"
handler404 = "uploads.views.not_found"
handler500 = "uploads.views.server_error"
