"""The site's URLs plus the benchmark-only views under /bench/ (devtools.settings uses it).

Static files too: the stack runs with DEBUG off and no static server (production serves them
from S3 or a CDN), and the browser rows of `make bench` load the real upload page. They load
before any measured upload begins.
"""

from django.contrib.staticfiles.views import serve
from django.urls import include, path, re_path

from config.urls import urlpatterns as site_urlpatterns
from devtools import bench_views

bench_patterns = [
    path("ping", bench_views.ping, name="ping"),
    path("insert", bench_views.insert_one_row, name="insert"),
    path("proxy-upload", bench_views.proxy_upload, name="proxy-upload"),
]

urlpatterns = [
    path("bench/", include((bench_patterns, "bench"))),
    re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True}),
    *site_urlpatterns,
]
