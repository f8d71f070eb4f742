import uuid

import pytest

from direct_to_s3.keys import display_name, object_key, safe_filename

UPLOAD_ID = uuid.UUID("12345678-1234-5678-1234-567812345678")


def test_public_keys_live_under_media() -> None:
    key = object_key(visibility="public", upload_id=UPLOAD_ID, filename="cat.png")

    assert key == f"media/{UPLOAD_ID}/cat.png"


def test_private_keys_live_under_private() -> None:
    key = object_key(visibility="private", upload_id=UPLOAD_ID, filename="tax.pdf")

    assert key == f"private/{UPLOAD_ID}/tax.pdf"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("..", "file"),
        ("", "file"),
        ("my holiday photo (1).JPG", "my-holiday-photo-1.jpg"),
        ("résumé.pdf", "resume.pdf"),
        ("日本語.txt", "file.txt"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("line\nbreak\x00.txt", "linebreak.txt"),
        (".hidden", "file.hidden"),
        ("archive.tar.gz", "archive.tar.gz"),
    ],
)
def test_safe_filename_is_short_ascii_and_keeps_no_path(filename: str, expected: str) -> None:
    assert safe_filename(filename) == expected


def test_safe_filename_caps_length_but_keeps_the_extension() -> None:
    name = safe_filename("a" * 500 + ".png")

    assert len(name) <= 120
    assert name.endswith(".png")


def test_display_name_keeps_unicode_but_drops_paths_and_controls() -> None:
    assert display_name("dir/Ünïcode\u202e name\t.pdf") == "Ünïcode name.pdf"
