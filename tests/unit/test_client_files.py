"""The CLI client names a file's type as the page does."""

from __future__ import annotations

from pathlib import Path

from upload_client.client import LocalFile


def test_a_file_of_no_recognisable_type_is_sent_as_octet_stream(tmp_path: Path) -> None:
    path = tmp_path / "backup.weird-extension"
    path.write_bytes(b"\x00\x01")

    assert LocalFile.at(path).content_type == "application/octet-stream"


def test_a_known_extension_gives_its_type(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7")

    assert LocalFile.at(path).content_type == "application/pdf"


def test_a_compressed_tar_is_sent_as_what_its_bytes_are(tmp_path: Path) -> None:
    path = tmp_path / "photos.tar.gz"
    path.write_bytes(b"\x1f\x8b")

    assert LocalFile.at(path).content_type == "application/gzip"
