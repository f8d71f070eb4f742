"""Pages: the upload page, its htmx list partial, and the gate to private files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from direct_to_s3 import limits, selectors, services
from direct_to_s3.conf import app_settings
from direct_to_s3.content_types import describe
from direct_to_s3.errors import InvalidUpload, UploadError, UploadNotFound
from direct_to_s3.models import Upload
from direct_to_s3.pagination import page_of
from direct_to_s3.serializers import UploadUrls, upload_link
from direct_to_s3.services import ticket_seconds
from direct_to_s3.validation import human_size

PAGE_SIZE = 50  # files per page of the list; older ones load on request


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    options = app_settings()
    context = {
        "max_size": options.max_size,
        "multipart_threshold": options.multipart_threshold,
        "batch_limit": limits.batch_limit(),
        "max_size_text": human_size(options.max_size),
        "public_types": options.allowed_content_types,
        "public_types_text": describe(options.allowed_content_types),
        "private_types": options.private_allowed_content_types,
        "private_types_text": describe(options.private_allowed_content_types),
        "ticket_seconds": ticket_seconds(),
        **_list_context(request),
    }
    return render(request, "direct_to_s3/index.html", context)


def _list_context(request: HttpRequest, cursor: str | None = None) -> dict[str, object]:
    page = page_of(
        selectors.upload_list(owner=selectors.request_user(request), status=Upload.Status.COMPLETE),
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    urls = UploadUrls()
    return {
        "uploads": [(upload, upload_link(upload, urls=urls)) for upload in page.uploads],
        "next_cursor": page.next_cursor,
    }


@login_required
@require_GET
def upload_list(request: HttpRequest) -> HttpResponse:
    """The whole list (first page), or with `cursor` the items of the page after it."""
    cursor = request.GET.get("cursor")
    if not cursor:
        return render(request, "direct_to_s3/_upload_list.html", _list_context(request))
    try:
        context = _list_context(request, cursor)
    except InvalidUpload as error:
        item = format_html('<li class="more error" role="alert">{}</li>', error.message)
        return HttpResponse(item, status=400)
    return render(request, "direct_to_s3/_upload_items.html", context)


@login_required
@require_POST
def upload_delete(request: HttpRequest, upload_id: str) -> HttpResponse:
    """Answers what replaces the file's row: nothing, or the row and why it stays."""
    try:
        upload = selectors.upload_get(owner=selectors.request_user(request), upload_id=upload_id)
        services.upload_delete(upload=upload)
    except UploadNotFound:
        pass  # already gone: its row goes too
    except UploadError as error:
        context = {"upload": upload, "link": upload_link(upload)}
        return render(
            request, "direct_to_s3/_upload_item.html", {**context, "row_error": error.message}
        )
    if selectors.upload_list(
        owner=selectors.request_user(request), status=Upload.Status.COMPLETE
    ).exists():
        return HttpResponse("")
    # That was the last file: the whole list, to say it is empty.
    response = render(request, "direct_to_s3/_upload_list.html", _list_context(request))
    response["HX-Retarget"] = "#upload-list"
    response["HX-Reswap"] = "innerHTML"
    return response


@login_required
@require_GET
def file_redirect(request: HttpRequest, upload_id: str) -> HttpResponse:
    """302 to the file. Private files only for their owner or staff; 404 for everyone else."""
    try:
        upload = selectors.upload_get_for_download(user=request.user, upload_id=upload_id)
    except UploadNotFound:
        raise Http404("No such file.") from None
    response = HttpResponseRedirect(services.upload_file_url(upload=upload))
    response["Cache-Control"] = "private, no-store"
    return response
