"""Which file types are accepted, and how to say so to a person.

One rule everywhere: the app's settings, its defaults and each DirectFileField's own
`allowed_types` are lists of patterns, `matches()` decides (an exact type `image/png`, a
family `image/*`, or anything `*/*`; case and parameters such as `; charset=utf-8` do not
count), and `describe()` turns a list into words for error messages ("images, PDFs and
Office documents"), never a list of MIME types.

Public files are read by anyone at an unsigned URL from the bucket's origin, so the public
default is an allowlist of what people share, each type with a byte signature checked after
upload (`sniffing.py`) where one exists, and none that can run script in a browser. Private
files default to any type, a file of no recognisable type (`application/octet-stream`)
included: only their owner reaches them, through short-lived signed URLs, and a type that
could run script is always served as a download (`visibility.file_url`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# What a file of no recognisable type is sent as (a browser's `File.type` is then "").
UNKNOWN = "application/octet-stream"
ANY = "*/*"

_NAME = r"[a-z0-9!#$&^_.+-]+"
_TYPE = re.compile(rf"^{_NAME}/{_NAME}$")
_PATTERN = re.compile(rf"^(?:\*/\*|{_NAME}/\*|{_NAME}/{_NAME})$")

_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"

# Each known type: (the family it belongs to, its own name). A list covering every name of a
# family (or its `family/*`) is described by the family's word: "images", not nine names.
CATALOGUE: dict[str, tuple[str, str]] = {
    "image/jpeg": ("images", "JPEG images"),
    "image/png": ("images", "PNG images"),
    "image/gif": ("images", "GIF images"),
    "image/webp": ("images", "WebP images"),
    "image/avif": ("images", "AVIF images"),
    "image/heic": ("images", "HEIC photos"),
    "image/heif": ("images", "HEIF photos"),
    "image/tiff": ("images", "TIFF images"),
    "image/bmp": ("images", "BMP images"),
    "image/svg+xml": ("SVG images", "SVG images"),
    "application/pdf": ("PDFs", "PDFs"),
    f"{_OOXML}.wordprocessingml.document": ("Office documents", "Word documents"),
    f"{_OOXML}.spreadsheetml.sheet": ("Office documents", "Excel spreadsheets"),
    f"{_OOXML}.presentationml.presentation": ("Office documents", "PowerPoint presentations"),
    "application/msword": ("Office documents", "Word documents"),
    "application/vnd.ms-excel": ("Office documents", "Excel spreadsheets"),
    "application/vnd.ms-powerpoint": ("Office documents", "PowerPoint presentations"),
    f"{_ODF}.text": ("OpenDocument files", "OpenDocument text documents"),
    f"{_ODF}.spreadsheet": ("OpenDocument files", "OpenDocument spreadsheets"),
    f"{_ODF}.presentation": ("OpenDocument files", "OpenDocument presentations"),
    "text/plain": ("text files", "plain text files"),
    "text/csv": ("text files", "CSV files"),
    "text/markdown": ("text files", "Markdown files"),
    "application/json": ("text files", "JSON files"),
    "application/rtf": ("text files", "RTF documents"),
    "text/rtf": ("text files", "RTF documents"),
    "audio/mpeg": ("audio", "MP3 audio"),
    "audio/ogg": ("audio", "Ogg audio"),
    "audio/wav": ("audio", "WAV audio"),
    "audio/x-wav": ("audio", "WAV audio"),
    "audio/webm": ("audio", "WebM audio"),
    "audio/aac": ("audio", "AAC audio"),
    "audio/mp4": ("audio", "M4A audio"),
    "audio/x-m4a": ("audio", "M4A audio"),
    "audio/flac": ("audio", "FLAC audio"),
    "audio/x-flac": ("audio", "FLAC audio"),
    "video/mp4": ("video", "MP4 video"),
    "video/webm": ("video", "WebM video"),
    "video/quicktime": ("video", "QuickTime video"),
    "application/zip": ("archives", "zip archives"),
    "application/x-zip-compressed": ("archives", "zip archives"),
    "application/x-7z-compressed": ("archives", "7z archives"),
    "application/gzip": ("archives", "gzip archives"),
    "application/x-gzip": ("archives", "gzip archives"),
    # What Linux desktops (shared-mime-info, so Chromium and Firefox there) call a .tar.gz.
    "application/x-compressed-tar": ("archives", "gzip archives"),
    "application/x-tar": ("archives", "tar archives"),
}
FAMILY_PATTERNS = {
    "image/*": "images",
    "audio/*": "audio",
    "video/*": "video",
    "text/*": "text files",
}
_SPECIAL = {ANY: "files of any type", UNKNOWN: "files of unknown type"}

# What public files may be: what people share, each type with a signature `sniffing.py`
# checks, none that a browser runs script from (so no HTML, XML or SVG). Where browsers or
# systems name one format two ways (`audio/wav`, `audio/x-wav`), both are here.
DEFAULT_PUBLIC_TYPES: tuple[str, ...] = tuple(
    content_type for content_type in CATALOGUE if content_type != "image/svg+xml"
)
# Images every current browser shows in an <img> (not HEIC/HEIF, TIFF: Safari only; not SVG).
BROWSER_IMAGES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/bmp")
# What private files may be: anything (see the module's docstring).
DEFAULT_PRIVATE_TYPES: tuple[str, ...] = (ANY,)


def essence(content_type: str) -> str:
    """`Image/PNG; charset=x` → `image/png`: the type without case or parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def is_type(content_type: str) -> bool:
    """Whether this is a well-formed `type/subtype` (parameters allowed)."""
    return bool(_TYPE.match(essence(content_type)))


def is_pattern(pattern: str) -> bool:
    """Whether this is something `matches` understands: `image/png`, `image/*` or `*/*`."""
    return isinstance(pattern, str) and bool(_PATTERN.match(pattern.strip().lower()))


def matches(content_type: str, patterns: Iterable[str]) -> bool:
    """Whether `content_type` is one of `patterns` (`image/png`, `image/*`, `*/*`)."""
    kind = essence(content_type)
    family = kind.split("/", 1)[0] + "/*" if "/" in kind else None
    for pattern in patterns:
        pattern = pattern.strip().lower()
        if pattern in (kind, family, ANY):
            return True
    return False


def describe(patterns: Sequence[str]) -> str:
    """`["image/*", "application/pdf", "application/x-foo"]` → "images, PDFs and
    application/x-foo": families in words, known types by name, others as themselves."""
    wanted = [pattern.strip().lower() for pattern in patterns]
    if ANY in wanted:
        return _SPECIAL[ANY]
    if not wanted:
        return "no files"
    covered = {family for family, _ in CATALOGUE.values() if _covers(wanted, family)}
    words: list[str] = []
    for pattern in wanted:
        wildcard = pattern.split("/", 1)[0] + "/*"
        if pattern in FAMILY_PATTERNS:
            word = FAMILY_PATTERNS[pattern]
        elif pattern in CATALOGUE and wildcard in wanted and wildcard in FAMILY_PATTERNS:
            word = FAMILY_PATTERNS[wildcard]  # `image/png` beside `image/*` says nothing more
        elif pattern in CATALOGUE:
            family, name = CATALOGUE[pattern]
            word = family if family in covered else name
        else:
            word = _SPECIAL.get(pattern, pattern)
        if word not in words:
            words.append(word)
    return join(words)


def join(words: Sequence[str]) -> str:
    """`["a", "b", "c"]` → "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _covers(patterns: Sequence[str], family: str) -> bool:
    """Whether `patterns` name every format of `family` (one of its aliases is enough)."""
    names = {name for fam, name in CATALOGUE.values() if fam == family}
    named = {CATALOGUE[p][1] for p in patterns if p in CATALOGUE and CATALOGUE[p][0] == family}
    return names == named
