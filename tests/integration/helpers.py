"""Talking to S3 the way a browser does: a multipart form POST, then plain GETs."""

from __future__ import annotations

from typing import Any

import requests


def post_to_s3(ticket: dict[str, Any], content: bytes, **field_overrides: str) -> requests.Response:
    """POST the form exactly as upload.js does: the signed fields, then the file last."""
    fields = {**ticket["fields"], **field_overrides}
    files = {"file": ("upload.bin", content)}
    return requests.post(ticket["url"], data=fields, files=files, timeout=30)


def s3_error_code(response: requests.Response) -> str:
    start = response.text.find("<Code>")
    end = response.text.find("</Code>")
    return response.text[start + 6 : end] if start >= 0 else ""
