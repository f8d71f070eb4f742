"""The app's URLs with the benchmark views mounted, as BENCHMARK_VIEWS=true does."""

from django.urls import include, path

from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bench/", include("direct_to_s3.bench_urls")), *app_urlpatterns]
