"""The site's URLs plus the benchmark-only views under /bench/ (devtools.settings uses it)."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns
from devtools import bench_views

bench_patterns = [
    path("ping", bench_views.ping, name="ping"),
    path("insert", bench_views.insert_one_row, name="insert"),
    path("proxy-upload", bench_views.proxy_upload, name="proxy-upload"),
]

urlpatterns = [path("bench/", include((bench_patterns, "bench"))), *site_urlpatterns]
