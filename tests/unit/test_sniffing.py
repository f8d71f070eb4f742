import gzip
import io
import tarfile
import zipfile

import pytest

from direct_to_s3.sniffing import SNIFF_BYTES, content_matches, is_active_content

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODF = "application/vnd.oasis.opendocument"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00"
# An iPhone photo starts `ftypheic`; others list heic among the compatible brands.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
HEIC_MIF1 = b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf"
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


def opendocument(mimetype: str) -> bytes:
    """The first bytes of an ODF file as LibreOffice writes it: `mimetype` first, stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()[:SNIFF_BYTES]


def ooxml() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()[:SNIFF_BYTES]


def tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        archive.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO(b""))
    return buffer.getvalue()[:SNIFF_BYTES]


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
        ("image/heic", HEIC),
        ("image/heic", HEIC_MIF1),
        ("image/heif", HEIC_MIF1),
        ("image/tiff", b"II*\x00\x08\x00\x00\x00"),
        ("image/tiff", b"MM\x00*\x00\x00\x00\x08"),
        ("image/bmp", b"BM\x36\x00\x0c\x00\x00\x00"),
        (DOCX, ooxml()),
        (XLSX, ooxml()),
        (PPTX, ooxml()),
        (f"{ODF}.text", opendocument(f"{ODF}.text")),
        (f"{ODF}.spreadsheet", opendocument(f"{ODF}.spreadsheet")),
        (f"{ODF}.presentation", opendocument(f"{ODF}.presentation")),
        (f"{ODF}.text", ooxml()),  # a zip without ODF's `mimetype` first is still a zip
        ("application/msword", OLE2),
        ("application/vnd.ms-excel", OLE2),
        ("application/vnd.ms-excel", b"name,size\r\nphoto.jpg,12\r\n"),  # .csv on Windows
        ("application/vnd.ms-powerpoint", OLE2),
        ("application/rtf", b"{\\rtf1\\ansi\\deff0"),
        ("text/rtf", b"{\\rtf1\\ansi\\deff0"),
        ("application/x-7z-compressed", b"7z\xbc\xaf\x27\x1c\x00\x04"),
        ("application/gzip", gzip.compress(b"hello")),
        ("application/x-compressed-tar", gzip.compress(tar())),
        ("application/x-tar", tar()),
        ("audio/flac", b"fLaC\x00\x00\x00\x22"),
        ("audio/aac", b"\xff\xf1\x50\x80\x02\x1f\xfc"),
        ("audio/x-m4a", b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00"),
        ("audio/mp4", b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00"),
        ("application/json", b'{"name": "photo.jpg"}'),
        ("text/markdown", b"# Notes\n\n<!-- a comment -->\n"),
        ("text/markdown", b'<p align="center">a README</p>\n'),
        ("text/plain; charset=utf-8", b"hello"),
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
        ("image/heic", MP4),
        ("image/heic", PNG),
        ("image/tiff", PNG),
        ("image/bmp", PNG),
        (DOCX, PNG),
        (XLSX, OLE2),
        (PPTX, b"<html><script>"),
        (f"{ODF}.text", PNG),
        (f"{ODF}.text", opendocument(f"{ODF}.spreadsheet")),
        ("application/msword", ooxml()),
        ("application/vnd.ms-excel", b"<html><table>"),
        ("application/vnd.ms-powerpoint", PNG),
        ("application/rtf", b"<!doctype html>"),
        ("application/x-7z-compressed", ooxml()),
        ("application/gzip", PNG),
        ("application/x-compressed-tar", tar()),
        ("application/x-tar", b"notes.txt" + b"\x00" * 300),
        ("application/x-tar", b"short"),
        ("audio/flac", PNG),
        ("audio/aac", PNG),
        ("audio/x-m4a", b"<html>"),
        ("application/json", b"<!DOCTYPE html><script>alert(1)</script>"),
        ("text/markdown", b"<script>alert(1)</script>"),
        ("text/markdown", PNG),
        ("Image/PNG; x=1", b"<html>"),
    ],
)
def test_mismatched_contents_are_caught(content_type: str, head: bytes) -> None:
    assert not content_matches(content_type, head)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html",
        "image/svg+xml",
        "application/xml",
        "TEXT/HTML",
        "text/html; charset=utf-8",
        "multipart/related",
    ],
)
def test_script_capable_types_are_active(content_type: str) -> None:
    assert is_active_content(content_type)


def test_images_are_not_active() -> None:
    assert not is_active_content("image/png")


@pytest.mark.parametrize("content_type", ["unknown/unknown", "application/unknown", "not a type"])
def test_types_a_browser_would_sniff_are_active(content_type: str) -> None:
    assert is_active_content(content_type)


@pytest.mark.parametrize("content_type", ["application/octet-stream", "application/pdf"])
def test_downloads_and_documents_are_not_active(content_type: str) -> None:
    assert not is_active_content(content_type)
