"""Benchmark-only views, mounted under /bench/ by devtools.urls (`make bench`, `make loadtest`).

`proxy_upload` is the classic way to accept a file: the browser posts a multipart form to Django,
Django spools it (to memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, then to a temporary file) and
django-storages sends it on to S3. It is the peer the direct path is measured against; it reads
file bytes through the app server on purpose, so it lives in devtools, which production never
imports. `ping` is the trivial JSON view: the cost of the server and the framework alone.
`insert_one_row` is what any Django view that records something costs: the session, the user,
the JSON body and one INSERT in a transaction (an admin log entry, a table every site has).
Next to it, what a presign costs on top is ours, not Django's.

CSRF stays on for the proxy view, as in the classic tutorial's `{% csrf_token %}` form: it is a
cookie-authenticated POST like the API, exempting it would open a hole wherever it is mounted,
and checking a token is nothing next to reading the body.
"""

from __future__ import annotations

import json
import uuid

from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.storage import storages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from direct_to_s3.api import error_response


@require_GET
def ping(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


@require_POST
def insert_one_row(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return error_response(401, "Log in first: your session has ended or is missing.")
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return error_response(400, "The request body is not valid JSON.")
    name = body.get("filename") if isinstance(body, dict) else None
    if not isinstance(name, str) or not name:
        return error_response(400, "Give the file's name.", "filename")
    with transaction.atomic():
        entry = LogEntry.objects.create(
            user_id=request.user.pk,
            object_id=str(uuid.uuid4()),
            object_repr=name[:200],
            action_flag=ADDITION,
        )
    return JsonResponse({"id": entry.pk, "filename": entry.object_repr}, status=201)


@require_POST
def proxy_upload(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return error_response(401, "Log in first: your session has ended or is missing.")
    upload = request.FILES.get("file")
    if upload is None:
        return error_response(400, "Send the file in the form field “file”.", "file")
    storage = storages["public_media"]
    name = storage.save(f"bench/{uuid.uuid4()}/{upload.name}", upload)
    return JsonResponse(
        {"key": f"{storage.location}/{name}", "size": upload.size, "url": storage.url(name)},
        status=201,
    )
