"""Does a file's first bytes agree with the type it was declared as? (pure functions)

A browser's declared type is only the file name's extension. After upload we read the first
bytes from S3 and compare, so HTML renamed to .png is not stored and served as an image.
Types without a known signature pass.
"""

from __future__ import annotations

from collections.abc import Callable

from direct_to_s3.content_types import essence, is_type

SNIFF_BYTES = 512

_HTML_STARTS = (b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml", b"<head", b"<body")
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.doc, .xls, .ppt)
# ISO base media (MP4, QuickTime, HEIF) brands of HEIC and HEIF still images and sequences.
_HEIF_BRANDS = (
    *(b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"),
    *(b"mif1", b"msf1", b"mif2"),
)


def _ftyp(head: bytes, brands: tuple[bytes, ...] | None = None) -> bool:
    """An ISO base media file; with `brands`, one of them major or compatible."""
    if head[4:8] != b"ftyp":
        return False
    if brands is None:
        return True
    # The ftyp box: size, "ftyp", major brand, minor version, then compatible brands.
    end = min(int.from_bytes(head[:4], "big"), len(head))
    listed = [head[8:12]] + [head[i : i + 4] for i in range(16, end - 3, 4)]
    return any(brand in brands for brand in listed)


def _riff(head: bytes, kind: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == kind


def _mp3(head: bytes) -> bool:
    return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _adts(head: bytes) -> bool:
    """Raw AAC: an ADTS frame (12 sync bits, layer 0), ADIF, or tags before either."""
    adts = len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0
    return adts or head[:4] == b"ADIF" or head[:3] == b"ID3"


def _text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return not start.startswith(_HTML_STARTS)


def _tar(head: bytes) -> bool:
    """POSIX and GNU tar say "ustar" at 257 of the first 512-byte header (so no tar is
    shorter); only the pre-POSIX V7 format, long gone, did not."""
    return head[257:262] == b"ustar"


def _opendocument(content_type: str) -> Callable[[bytes], bool]:
    """A zip; when it starts with ODF's uncompressed `mimetype` entry, that names the type."""

    def check(head: bytes) -> bool:
        if head[:4] != b"PK\x03\x04":
            return False
        if head[30:38] != b"mimetype":
            return True  # written by a tool that does not put `mimetype` first: still a zip
        start = 30 + int.from_bytes(head[26:28], "little") + int.from_bytes(head[28:30], "little")
        return head[start : start + len(content_type)] == content_type.encode()

    return check


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"

_CHECKS: dict[str, Callable[[bytes], bool]] = {
    "image/png": lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda h: h.startswith(b"\xff\xd8\xff"),
    "image/gif": lambda h: h[:6] in (b"GIF87a", b"GIF89a"),
    "image/webp": lambda h: _riff(h, b"WEBP"),
    "image/avif": lambda h: _ftyp(h, (b"avif", b"avis")),
    "image/heic": lambda h: _ftyp(h, _HEIF_BRANDS),
    "image/heif": lambda h: _ftyp(h, _HEIF_BRANDS),
    "image/tiff": lambda h: h[:4] in (b"II*\x00", b"MM\x00*"),
    "image/bmp": lambda h: h[:2] == b"BM",
    "application/pdf": lambda h: h.startswith(b"%PDF-"),
    f"{_OOXML}.wordprocessingml.document": lambda h: h[:4] == b"PK\x03\x04",
    f"{_OOXML}.spreadsheetml.sheet": lambda h: h[:4] == b"PK\x03\x04",
    f"{_OOXML}.presentationml.presentation": lambda h: h[:4] == b"PK\x03\x04",
    f"{_ODF}.text": _opendocument(f"{_ODF}.text"),
    f"{_ODF}.spreadsheet": _opendocument(f"{_ODF}.spreadsheet"),
    f"{_ODF}.presentation": _opendocument(f"{_ODF}.presentation"),
    "application/msword": lambda h: h.startswith(_OLE2),
    # Windows names .csv files this way wherever Excel is installed: text passes too.
    "application/vnd.ms-excel": lambda h: h.startswith(_OLE2) or _text(h),
    "application/vnd.ms-powerpoint": lambda h: h.startswith(_OLE2),
    "application/rtf": lambda h: h.startswith(b"{\\rtf"),
    "text/rtf": lambda h: h.startswith(b"{\\rtf"),
    "application/zip": lambda h: h[:4] in _ZIP,
    "application/x-zip-compressed": lambda h: h[:4] in _ZIP,
    "application/x-7z-compressed": lambda h: h.startswith(b"7z\xbc\xaf\x27\x1c"),
    "application/gzip": lambda h: h.startswith(b"\x1f\x8b"),
    "application/x-gzip": lambda h: h.startswith(b"\x1f\x8b"),
    "application/x-compressed-tar": lambda h: h.startswith(b"\x1f\x8b"),
    "application/x-tar": _tar,
    "audio/mpeg": _mp3,
    "audio/ogg": lambda h: h.startswith(b"OggS"),
    "audio/wav": lambda h: _riff(h, b"WAVE"),
    "audio/x-wav": lambda h: _riff(h, b"WAVE"),
    "audio/webm": lambda h: h.startswith(b"\x1a\x45\xdf\xa3"),
    "audio/aac": lambda h: _adts(h) or _ftyp(h),
    "audio/mp4": lambda h: _ftyp(h),
    "audio/x-m4a": lambda h: _ftyp(h),
    "audio/flac": lambda h: h.startswith(b"fLaC") or h[:3] == b"ID3",
    "audio/x-flac": lambda h: h.startswith(b"fLaC") or h[:3] == b"ID3",
    "video/webm": lambda h: h.startswith(b"\x1a\x45\xdf\xa3"),
    "video/mp4": lambda h: _ftyp(h),
    "video/quicktime": lambda h: _ftyp(h) or h[4:8] in (b"moov", b"mdat", b"wide", b"free"),
    "text/plain": _text,
    "text/csv": _text,
    "text/markdown": _text,
    "application/json": _text,
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
        "text/xsl",
        "multipart/x-mixed-replace",
        # Saved web pages (MHTML): some browsers render them as HTML.
        "multipart/related",
        "message/rfc822",
        "application/x-mimearchive",
    }
)
# Types browsers treat as "unknown" and sniff, possibly into HTML.
SNIFFED_TYPES = frozenset({"unknown/unknown", "application/unknown", "*/*"})


def has_signature(content_type: str) -> bool:
    """Whether `content_matches` checks this type's bytes (others pass whatever they hold)."""
    return essence(content_type) in _CHECKS


def content_matches(content_type: str, head: bytes) -> bool:
    check = _CHECKS.get(essence(content_type))
    return check is None or check(head)


def is_active_content(content_type: str) -> bool:
    """Script-capable, or a type a browser would second-guess by sniffing the bytes."""
    kind = essence(content_type)
    return (
        kind in ACTIVE_CONTENT_TYPES
        or kind.endswith("+xml")
        or kind in SNIFFED_TYPES
        or not is_type(kind)
    )
