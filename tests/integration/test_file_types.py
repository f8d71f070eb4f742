"""What people upload, against a real S3 server: a phone photo and an Office document go up
as public files and complete; bytes that are not what the type says are refused; a private
web page is only ever downloaded."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
import requests

from direct_to_s3.models import Upload
from tests.conftest import bucket_name, post_json
from tests.integration.helpers import post_to_s3

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The head of an iPhone photo: an ftyp box of brand heic, then its metadata boxes.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x01\x00meta" + bytes(300)


def docx_bytes() -> bytes:
    """A minimal Word document: a zip with the parts Word writes first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def upload(api: Any, *, filename: str, content_type: str, content: bytes, **extra: Any) -> Any:
    """Ticket, browser-style POST to S3, complete: the app's answer to complete (with the
    key the browser posted to as `posted_key`)."""
    payload = {"filename": filename, "content_type": content_type, "size": len(content)}
    created = post_json(api, "/api/uploads", {"visibility": "public", **payload, **extra})
    assert created.status_code == 201, created.json()
    ticket = created.json()
    assert post_to_s3(ticket["upload"], content).status_code == 201
    completed = post_json(api, f"/api/uploads/{ticket['id']}/complete")
    completed.posted_key = ticket["upload"]["fields"]["key"]
    return completed


@pytest.mark.parametrize(
    ("filename", "content_type", "content"),
    [("IMG_0001.HEIC", "image/heic", HEIC), ("report.docx", DOCX, docx_bytes())],
)
def test_a_photo_and_an_office_document_go_up_as_public_files(
    api: Any, real_s3: Any, filename: str, content_type: str, content: bytes
) -> None:
    completed = upload(api, filename=filename, content_type=content_type, content=content)

    assert completed.status_code == 200, completed.json()
    served = requests.get(completed.json()["url"], timeout=10)
    assert served.content == content
    assert served.headers["Content-Type"] == content_type


def test_a_web_page_declared_as_a_word_document_is_refused_and_removed(
    api: Any, real_s3: Any
) -> None:
    content = b"<!doctype html><script>alert(document.domain)</script>"

    completed = upload(api, filename="report.docx", content_type=DOCX, content=content)

    assert completed.status_code == 409
    assert f"not those of a {DOCX} file" in completed.json()["error"]
    failed = Upload.objects.get()
    assert failed.status == Upload.Status.FAILED
    for key in (failed.key, completed.posted_key):
        assert real_s3.list_objects_v2(Bucket=bucket_name(), Prefix=key).get("KeyCount") == 0


def test_a_private_web_page_is_only_ever_downloaded(api: Any, real_s3: Any) -> None:
    content = b"<!doctype html><script>alert(document.domain)</script>"
    completed = upload(
        api, filename="page.html", content_type="text/html", content=content, visibility="private"
    )
    assert completed.status_code == 200, completed.json()

    served = requests.get(api.get(f"/files/{completed.json()['id']}")["Location"], timeout=10)

    assert served.content == content
    assert served.headers["Content-Type"] == "application/octet-stream"
    assert served.headers["Content-Disposition"].startswith("attachment;")
