"""Does a file's first bytes agree with the type it was declared as? (pure functions)

A browser's declared type is only the file name's extension. After upload we read the first
bytes from S3 and compare, so HTML renamed to .png is not stored and served as an image.
Types without a known signature pass.
"""

from __future__ import annotations

SNIFF_BYTES = 512

_HTML_STARTS = (b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml", b"<head", b"<body")


def _ftyp(head: bytes, brands: tuple[bytes, ...] | None = None) -> bool:
    if head[4:8] != b"ftyp":
        return False
    return brands is None or head[8:12] in brands


def _riff(head: bytes, kind: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == kind


def _mp3(head: bytes) -> bool:
    return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return not start.startswith(_HTML_STARTS)


_CHECKS = {
    "image/png": lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda h: h.startswith(b"\xff\xd8\xff"),
    "image/gif": lambda h: h[:6] in (b"GIF87a", b"GIF89a"),
    "image/webp": lambda h: _riff(h, b"WEBP"),
    "image/avif": lambda h: _ftyp(h, (b"avif", b"avis")),
    "application/pdf": lambda h: h.startswith(b"%PDF-"),
    "application/zip": lambda h: h[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"),
    "application/x-zip-compressed": lambda h: h[:4] in (b"PK\x03\x04", b"PK\x05\x06"),
    "audio/mpeg": _mp3,
    "audio/ogg": lambda h: h.startswith(b"OggS"),
    "audio/wav": lambda h: _riff(h, b"WAVE"),
    "audio/webm": lambda h: h.startswith(b"\x1a\x45\xdf\xa3"),
    "video/webm": lambda h: h.startswith(b"\x1a\x45\xdf\xa3"),
    "video/mp4": lambda h: _ftyp(h),
    "video/quicktime": lambda h: _ftyp(h) or h[4:8] in (b"moov", b"mdat", b"wide", b"free"),
    "text/plain": _text,
    "text/csv": _text,
}

# Types a browser may run script from. Never served inline from the bucket's origin.
ACTIVE_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
    }
)


def content_matches(content_type: str, head: bytes) -> bool:
    check = _CHECKS.get(content_type)
    return check is None or bool(check(head))


def is_active_content(content_type: str) -> bool:
    return content_type in ACTIVE_CONTENT_TYPES or content_type.endswith("+xml")
