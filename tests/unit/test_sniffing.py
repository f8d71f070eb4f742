import pytest

from direct_to_s3.sniffing import content_matches, is_active_content


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("image/gif", b"GIF89a\x01\x00"),
        ("image/webp", b"RIFF\x24\x00\x00\x00WEBPVP8 "),
        ("application/pdf", b"%PDF-1.7\n"),
        ("application/zip", b"PK\x03\x04\x14\x00"),
        ("audio/mpeg", b"ID3\x04\x00"),
        ("audio/wav", b"RIFF\x24\x00\x00\x00WAVEfmt "),
        ("video/mp4", b"\x00\x00\x00\x18ftypisom"),
        ("video/webm", b"\x1a\x45\xdf\xa3\x9f"),
        ("text/plain", b"hello, world\n"),
        ("text/csv", b"\xef\xbb\xbfname,size\n"),
        ("application/x-custom", b"anything at all"),
    ],
)
def test_real_files_match_their_type(content_type: str, head: bytes) -> None:
    assert content_matches(content_type, head)


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("image/png", b"<!DOCTYPE html><script>alert(1)</script>"),
        ("image/jpeg", b"\x89PNG\r\n\x1a\n"),
        ("application/pdf", b"MZ\x90\x00"),
        ("video/mp4", b"<html>"),
        ("text/plain", b"  <!doctype HTML><script>"),
        ("text/plain", b"<svg onload=alert(1)>"),
        ("text/csv", b"a,b\x00\x00"),
    ],
)
def test_mismatched_contents_are_caught(content_type: str, head: bytes) -> None:
    assert not content_matches(content_type, head)


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "application/xml"])
def test_script_capable_types_are_active(content_type: str) -> None:
    assert is_active_content(content_type)


def test_images_are_not_active() -> None:
    assert not is_active_content("image/png")
