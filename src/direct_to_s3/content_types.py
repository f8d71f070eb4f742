"""Which file types a rule accepts: exact types and `image/*` style patterns (one rule)."""

from __future__ import annotations

from collections.abc import Sequence


def type_allowed(content_type: str, patterns: Sequence[str]) -> bool:
    """Whether `content_type` matches one of `patterns` (`image/png`, `image/*`, `*/*`)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    for pattern in patterns:
        pattern = pattern.strip().lower()
        if pattern in {kind, "*/*", "*"}:
            return True
        if pattern.endswith("/*") and kind.startswith(pattern[:-1]):
            return True
    return False


_FAMILIES = {
    "image/*": "images",
    "video/*": "videos",
    "audio/*": "audio files",
    "text/*": "text files",
}


def describe(patterns: Sequence[str]) -> str:
    """`["image/*", "application/pdf"]` in words: "images, application/pdf"."""
    return ", ".join(_FAMILIES.get(pattern.lower(), pattern) for pattern in patterns)
