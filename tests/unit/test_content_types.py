"""The one rule for accepted types, and how it is said to a person."""

from __future__ import annotations

import pytest

from direct_to_s3.content_types import (
    DEFAULT_PRIVATE_TYPES,
    DEFAULT_PUBLIC_TYPES,
    UNKNOWN,
    describe,
    is_pattern,
    is_type,
    matches,
)
from direct_to_s3.sniffing import has_signature, is_active_content

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"


@pytest.mark.parametrize(
    ("content_type", "allowed"),
    [
        ("image/png", True),
        ("IMAGE/HEIC", True),
        ("application/pdf", True),
        ("application/PDF; name=x", True),
        ("text/html", False),
        ("application/pdfx", False),
        ("imagex/png", False),
        ("image", False),
    ],
)
def test_types_match_exactly_or_by_family(content_type: str, allowed: bool) -> None:
    assert matches(content_type, ["image/*", "application/pdf"]) is allowed


def test_parameters_and_case_do_not_count() -> None:
    assert matches("Text/Plain; charset=utf-8", [" TEXT/PLAIN "])


def test_any_type_matches_everything_even_no_type() -> None:
    assert matches(UNKNOWN, ["*/*"])
    assert matches("application/x-whatever", ["*/*"])


def test_a_bare_star_is_not_a_pattern() -> None:
    assert not matches("image/png", ["*"])
    assert not is_pattern("*")


@pytest.mark.parametrize("pattern", ["image/png", "image/*", "*/*", DOCX, "Audio/X-M4A"])
def test_well_formed_patterns_are_patterns(pattern: str) -> None:
    assert is_pattern(pattern)


@pytest.mark.parametrize("pattern", ["png", "*/png", "image/", "image/png; q=1", "a b/c", ""])
def test_malformed_patterns_are_not(pattern: str) -> None:
    assert not is_pattern(pattern)


@pytest.mark.parametrize("value", ["foo", "text/html<script>", "/png", "image/", "a b/c"])
def test_malformed_types_are_not_types(value: str) -> None:
    assert not is_type(value)


def test_default_public_types_are_described_in_words() -> None:
    assert describe(DEFAULT_PUBLIC_TYPES) == (
        "images, PDFs, Office documents, OpenDocument files, text files, audio, video and archives"
    )


def test_families_are_described_in_words() -> None:
    assert describe(["image/*", "video/*", "audio/*"]) == "images, video and audio"


def test_a_few_known_types_are_named_one_by_one() -> None:
    assert describe(["image/png", "image/jpeg", "application/zip"]) == (
        "PNG images, JPEG images and zip archives"
    )


def test_aliases_of_one_format_are_named_once() -> None:
    assert describe(["application/zip", "application/x-zip-compressed"]) == "zip archives"


def test_a_type_inside_a_listed_family_adds_no_words() -> None:
    assert describe(["image/*", "image/png", "application/pdf"]) == "images and PDFs"


def test_unknown_patterns_are_given_as_they_are() -> None:
    assert describe(["application/x-foo", "model/*"]) == "application/x-foo and model/*"


def test_any_type_is_said_so() -> None:
    assert describe(DEFAULT_PRIVATE_TYPES) == "files of any type"


def test_a_type_of_no_recognisable_kind_is_said_so() -> None:
    assert describe([UNKNOWN]) == "files of unknown type"


@pytest.mark.parametrize(
    "content_type",
    ["image/heic", "image/heif", "image/tiff", DOCX, XLSX, PPTX, ODT, "text/markdown"],
)
def test_what_people_share_is_public_by_default(content_type: str) -> None:
    assert matches(content_type, DEFAULT_PUBLIC_TYPES)


@pytest.mark.parametrize(
    "content_type", ["image/svg+xml", "text/html", "application/xhtml+xml", "text/xml", UNKNOWN]
)
def test_script_capable_and_unknown_types_are_not_public_by_default(content_type: str) -> None:
    assert not matches(content_type, DEFAULT_PUBLIC_TYPES)


@pytest.mark.parametrize("content_type", DEFAULT_PUBLIC_TYPES)
def test_every_public_default_has_its_bytes_checked(content_type: str) -> None:
    assert has_signature(content_type)


@pytest.mark.parametrize("content_type", DEFAULT_PUBLIC_TYPES)
def test_no_public_default_can_run_script(content_type: str) -> None:
    assert not is_active_content(content_type)


@pytest.mark.parametrize("content_type", ["text/html", UNKNOWN, "application/x-msdownload"])
def test_private_files_may_be_of_any_type_by_default(content_type: str) -> None:
    assert matches(content_type, DEFAULT_PRIVATE_TYPES)
