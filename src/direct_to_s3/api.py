"""The JSON API: parse → call one service → respond with a shape of `contract`. Errors are JSON."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, RawPostDataException
from django.middleware.csrf import get_token
from django.urls import reverse

from direct_to_s3 import limits, selectors, serializers, services
from direct_to_s3.cleanup import Cleanup
from direct_to_s3.conf import app_settings
from direct_to_s3.contract import ApiRoot, Error, Presigned, UploadPage
from direct_to_s3.errors import InvalidUpload, RateLimited, SigningRefused, UploadError
from direct_to_s3.models import Upload
from direct_to_s3.pagination import page_of, parse_limit
from direct_to_s3.parts import part_plan
from direct_to_s3.validation import (
    PartRequest,
    S3Call,
    human_size,
    parse_batch_ids,
    parse_batch_start,
    parse_part_requests,
    parse_s3_request,
    parse_upload_request,
)

logger = logging.getLogger(__name__)

Handler = Callable[..., HttpResponse]
API_PAGE_SIZE = 100


def error_response(status: int, message: str, field: str | None = None) -> JsonResponse:
    body: Error = {"error": message, "field": field}
    return JsonResponse(body, status=status)


class CleanupAfterAnswer(JsonResponse):
    """A JSON answer that runs `cleanup` once it has been sent: servers close a response after
    its last byte, before the worker takes its next request."""

    def __init__(self, data: Any, *, cleanup: Cleanup, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.cleanup = cleanup

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.cleanup.run()


def too_large_message() -> str:
    return (
        f"The request is too large (over {human_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}). "
        "Only the upload's details come here; the file itself goes straight to storage."
    )


def api_view(handlers: dict[str, Handler]) -> Callable[..., HttpResponse]:
    """One URL, one handler per HTTP method; login required; UploadError → JSON."""

    allowed = ", ".join(sorted(handlers))

    @functools.wraps(next(iter(handlers.values())))
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        handler = handlers.get(request.method or "")
        if handler is None:
            response = error_response(405, f"Use {allowed} here.")
            response["Allow"] = allowed
            return response
        if not request.user.is_authenticated:
            return error_response(401, "Log in first: your session has ended or is missing.")
        try:
            return handler(request, **kwargs)
        except RequestDataTooBig:
            return error_response(413, too_large_message())
        except UploadError as error:
            if error.status >= 500:
                logger.warning("Upload API %s: %s", request.path, error.__cause__ or error)
            response = error_response(error.status, error.message, error.field)
            if isinstance(error, RateLimited):
                response["Retry-After"] = str(error.retry_after)
            return response

    return view


def _json_body(request: HttpRequest) -> Any:
    try:
        body = request.body
    except RawPostDataException:  # multipart/form-data, already read as a form by the CSRF check
        raise InvalidUpload(
            "Send the request body as JSON (Content-Type: application/json), not as a form."
        ) from None
    try:
        return json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):  # Recursion: `[[[[…` nested deep
        raise InvalidUpload("The request body is not valid JSON.") from None


def _create(request: HttpRequest) -> HttpResponse:
    upload_request = parse_upload_request(_json_body(request))
    upload, ticket = services.upload_start(
        owner=selectors.request_user(request), request=upload_request
    )
    return JsonResponse(serializers.created_upload(upload, ticket), status=201)


def _start_batch(request: HttpRequest) -> HttpResponse:
    requests = parse_batch_start(_json_body(request), limit=limits.batch_limit())
    results = services.upload_start_batch(owner=selectors.request_user(request), requests=requests)
    return JsonResponse(serializers.started_batch(results))


def _complete_batch(request: HttpRequest) -> HttpResponse:
    upload_ids = parse_batch_ids(_json_body(request), limit=limits.batch_limit())
    cleanup = Cleanup()
    results = services.upload_complete_batch(
        owner=selectors.request_user(request), upload_ids=upload_ids, cleanup=cleanup
    )
    return CleanupAfterAnswer(serializers.completed_batch(results), cleanup=cleanup)


def _list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status is not None and status not in Upload.Status.values:
        raise InvalidUpload(
            f"status must be one of {', '.join(Upload.Status.values)}.", field="status"
        )
    limit = parse_limit(request.GET.get("limit"), default=API_PAGE_SIZE)
    page = page_of(
        selectors.upload_list(owner=selectors.request_user(request), status=status),
        cursor=request.GET.get("cursor"),
        limit=limit,
    )
    next_url = None
    if page.next_cursor:
        query = {
            "cursor": page.next_cursor,
            "limit": limit,
            **({"status": status} if status else {}),
        }
        next_url = f"{request.path}?{urlencode(query)}"
    urls = serializers.UploadUrls()
    body: UploadPage = {
        "uploads": [serializers.upload_as_dict(upload, urls=urls) for upload in page.uploads],
        "next": next_url,
    }
    return JsonResponse(body)


def _detail(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = selectors.upload_get(owner=selectors.request_user(request), upload_id=upload_id)
    return JsonResponse(serializers.upload_as_dict(upload))


def _delete(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = selectors.upload_get(owner=selectors.request_user(request), upload_id=upload_id)
    services.upload_delete(upload=upload)
    return HttpResponse(status=204)


def _complete(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = selectors.upload_get(owner=selectors.request_user(request), upload_id=upload_id)
    cleanup = Cleanup()
    completed = services.upload_complete(upload=upload, cleanup=cleanup)
    return CleanupAfterAnswer(serializers.upload_as_dict(completed), cleanup=cleanup)


def _sign_parts(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = selectors.upload_get(owner=selectors.request_user(request), upload_id=upload_id)
    parts = services.upload_sign_parts(
        upload=upload, parts=parse_part_requests(_json_body(request))
    )
    return JsonResponse(serializers.signed_parts(parts))


def _stored_parts(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = selectors.upload_get(owner=selectors.request_user(request), upload_id=upload_id)
    parts = services.upload_stored_parts(upload=upload)
    return JsonResponse(serializers.stored_parts(upload, parts))


def _cancel(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = selectors.upload_get(owner=selectors.request_user(request), upload_id=upload_id)
    return JsonResponse(serializers.upload_as_dict(services.upload_cancel(upload=upload)))


def _sign(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = selectors.upload_get(owner=selectors.request_user(request), upload_id=upload_id)
    call = parse_s3_request(_json_body(request))
    action = services.upload_s3_action(upload=upload, call=call)
    body: Presigned
    if action == "put":
        ticket = services.upload_post_ticket(upload=upload)
        body = {"url": ticket["url"], "fields": ticket["fields"], "key": upload.key}
    elif action == "part":
        assert call.part_number is not None  # the "part" action names one
        (part,) = services.upload_sign_parts(
            upload=upload, parts=[PartRequest(number=call.part_number)]
        )
        body = {"url": part["url"]}
    else:
        body = serializers.presigned_by_app(
            upload, csrf_token=get_token(request), create=action == "create"
        )
    return JsonResponse(body)


# The app's stand-in for S3 in a multipart upload's create, list, complete and abort, which an
# S3 client (Uppy 6) sends where `_sign` told it: S3's XML on success, so the client reads it
# as S3's; the app's JSON errors otherwise, with S3's error code in `x-amz-error-code`.
S3_ERROR_CODES = {
    400: "InvalidRequest",
    403: "AccessDenied",
    404: "NoSuchUpload",
    409: "InvalidObjectState",
    429: "SlowDown",
}


def _s3_step(upload: Upload, action: str) -> bytes | None:
    if action == "create":
        return serializers.initiated_multipart_xml(upload)
    if action == "list":
        return serializers.listed_parts_xml(upload, services.upload_stored_parts(upload=upload))
    if action == "complete":
        return serializers.completed_multipart_xml(services.upload_complete(upload=upload))
    if action == "abort":
        services.upload_cancel(upload=upload)
        return None
    raise SigningRefused("The app stands in for S3 in multipart steps only.", field="method")


def _s3(request: HttpRequest, upload_id: str) -> HttpResponse:
    """The URL names the upload; the method and `uploadId` say which step, checked by the same
    rule as signing."""
    try:
        upload = selectors.upload_get(owner=selectors.request_user(request), upload_id=upload_id)
        call = S3Call(
            method=request.method or "", key=upload.key, upload_id=request.GET.get("uploadId")
        )
        xml = _s3_step(upload, services.upload_s3_action(upload=upload, call=call))
    except UploadError as error:
        response = error_response(error.status, error.message, error.field)
        fallback = "ServiceUnavailable" if error.status >= 500 else "InvalidRequest"
        response["x-amz-error-code"] = S3_ERROR_CODES.get(error.status, fallback)
        if isinstance(error, RateLimited):
            response["Retry-After"] = str(error.retry_after)
        return response
    if xml is None:
        return HttpResponse(status=204)
    return HttpResponse(xml, content_type="application/xml")


def _root(request: HttpRequest) -> HttpResponse:
    options = app_settings()
    body: ApiRoot = {
        "uploads": reverse("direct_to_s3:api-uploads"),
        "part_plan": part_plan(
            multipart_threshold=options.multipart_threshold, max_size=options.max_size
        ),
        "batch_start": reverse("direct_to_s3:api-batch-start"),
        "batch_complete": reverse("direct_to_s3:api-batch-complete"),
        "batch_limit": limits.batch_limit(),
    }
    return JsonResponse(body)


root = api_view({"GET": _root})
uploads = api_view({"GET": _list, "POST": _create})
batch_start = api_view({"POST": _start_batch})
batch_complete = api_view({"POST": _complete_batch})
upload_detail = api_view({"GET": _detail, "DELETE": _delete})
upload_complete = api_view({"POST": _complete})
upload_cancel = api_view({"POST": _cancel})
upload_parts = api_view({"GET": _stored_parts, "POST": _sign_parts})
upload_sign = api_view({"POST": _sign})
upload_s3 = api_view({"GET": _s3, "POST": _s3, "DELETE": _s3})
