"""Benchmark-only URLs, included under /bench/ by config.urls when BENCHMARK_VIEWS is on."""

from django.urls import path

from direct_to_s3 import bench_views

app_name = "bench"

urlpatterns = [
    path("ping", bench_views.ping, name="ping"),
    path("proxy-upload", bench_views.proxy_upload, name="proxy-upload"),
]
