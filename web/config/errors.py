"""The site's error pages and CSRF failure view: the upload API's JSON where the request is
for it (`direct_to_s3.errors.wants_json`), this site's HTML pages everywhere else."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults
from django.views.csrf import csrf_failure as html_csrf_failure

from direct_to_s3.api import error_response, too_large_message
from direct_to_s3.errors import wants_json


def _error(
    request: HttpRequest, status: int, message: str, page: Callable[[], HttpResponse]
) -> HttpResponse:
    """The one place that picks an error's shape."""
    if wants_json(request):
        return error_response(status, message)
    return page()


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Also what Django calls when reading the body fails, e.g. in the CSRF middleware."""

    def page() -> HttpResponse:
        return defaults.bad_request(request, exception)

    if isinstance(exception, RequestDataTooBig):
        return _error(request, 413, too_large_message(), page)
    return _error(request, 400, "This request is malformed and cannot be handled.", page)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        "The security token (CSRF) is missing or wrong. Reload the page and try again.",
        lambda: html_csrf_failure(request, reason),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        "You are not allowed to do this.",
        lambda: defaults.permission_denied(request, exception),
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Not found.", lambda: render(request, "404.html", status=404))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        "Something went wrong on our side. Please try again.",
        lambda: render(request, "500.html", status=500),
    )
