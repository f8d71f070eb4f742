"""The upload page, its htmx list partial and deleting from it."""

from typing import Any

import pytest
from django.test import Client

from direct_to_s3.models import Upload

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_upload_page_requires_login() -> None:
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_login_page_renders() -> None:
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_upload_page_offers_drop_zone_picker_and_visibility(user: Any) -> None:
    content = logged_in(user).get("/").content.decode()

    assert "data-dropzone" in content
    assert "data-pick" in content
    assert 'name="visibility" value="private" checked' in content
    assert "htmx-2.0.11.min.js" in content
    assert "js/upload.js" in content


def test_upload_page_gives_each_visibility_its_types_and_their_words(user: Any) -> None:
    content = logged_in(user).get("/").content.decode()

    assert 'data-public-types="image/jpeg,image/png,' in content
    assert (
        'data-public-types-text="images, PDFs, Office documents, OpenDocument files, '
        'text files, audio, video and archives"'
    ) in content
    assert 'data-private-types="*/*"' in content
    assert 'data-private-types-text="files of any type"' in content


def test_list_shows_public_images_as_thumbnails_from_s3(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="public", original_name="cat.png")

    content = logged_in(user).get("/uploads/list").content.decode()

    assert f'src="https://test-uploads.s3.us-east-1.amazonaws.com/{upload.key}"' in content
    assert "cat.png" in content


def test_list_links_private_files_through_the_app_gate(user: Any, make_upload: Any) -> None:
    upload = make_upload(
        user, visibility="private", original_name="tax.pdf", content_type="application/pdf"
    )

    content = logged_in(user).get("/uploads/list").content.decode()

    assert f'href="/files/{upload.id}"' in content
    assert upload.key not in content
    assert "data-lock" in content


def test_list_labels_other_public_files_with_their_extension(user: Any, make_upload: Any) -> None:
    make_upload(user, original_name="notes.pdf", content_type="application/pdf")

    content = logged_in(user).get("/uploads/list").content.decode()

    assert '<span class="thumb icon" aria-hidden="true">PDF</span>' in content


def test_list_labels_photos_browsers_cannot_show_with_their_extension(
    user: Any, make_upload: Any
) -> None:
    make_upload(user, original_name="IMG_0001.HEIC", content_type="image/heic")

    content = logged_in(user).get("/uploads/list").content.decode()

    assert '<span class="thumb icon" aria-hidden="true">HEIC</span>' in content
    assert "<img" not in content


def test_list_shows_only_own_complete_uploads(user: Any, other_user: Any, make_upload: Any) -> None:
    make_upload(user, original_name="mine.png")
    make_upload(user, original_name="unfinished.png", status=Upload.Status.PENDING)
    make_upload(other_user, original_name="theirs.png")

    content = logged_in(user).get("/uploads/list").content.decode()

    assert "mine.png" in content
    assert "unfinished.png" not in content
    assert "theirs.png" not in content


def test_list_escapes_file_names(user: Any, make_upload: Any) -> None:
    make_upload(user, original_name="<script>alert(1)</script>.png")

    content = logged_in(user).get("/uploads/list").content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_delete_from_the_list_removes_the_file_and_only_its_row(
    user: Any, make_upload: Any, moto_s3: Any
) -> None:
    make_upload(user, original_name="keep.png")
    upload = make_upload(user, original_name="old.png")
    moto_s3.put_object(Bucket="test-uploads", Key=upload.key, Body=b"x")

    response = logged_in(user).post(f"/uploads/{upload.id}/delete")

    assert response.status_code == 200
    assert response.content == b""  # the row is swapped for nothing; the rest stays as it is
    assert not Upload.objects.filter(id=upload.id).exists()
    assert moto_s3.list_objects_v2(Bucket="test-uploads").get("KeyCount") == 0


def test_deleting_the_last_file_shows_the_empty_list(
    user: Any, make_upload: Any, moto_s3: Any
) -> None:
    upload = make_upload(user, original_name="only.png")

    response = logged_in(user).post(f"/uploads/{upload.id}/delete")

    assert response["HX-Retarget"] == "#upload-list"
    assert response["HX-Reswap"] == "innerHTML"
    assert "No files yet" in response.content.decode()


def test_a_delete_storage_cannot_carry_out_keeps_the_file_and_says_why(
    user: Any, make_upload: Any, moto_s3: Any, monkeypatch: Any
) -> None:
    from direct_to_s3 import s3
    from direct_to_s3.errors import StorageUnavailable

    def unreachable(key: str) -> None:
        raise StorageUnavailable()

    monkeypatch.setattr(s3, "delete_object", unreachable)
    upload = make_upload(user, original_name="stays.png")

    response = logged_in(user).post(f"/uploads/{upload.id}/delete")

    content = response.content.decode()
    assert response.status_code == 200  # htmx swaps it in: the row, with the reason
    assert f'data-upload-id="{upload.id}"' in content
    assert 'role="alert">File storage cannot be reached right now.' in content
    assert Upload.objects.filter(id=upload.id).exists()


def test_delete_of_another_users_file_changes_nothing(
    user: Any, other_user: Any, make_upload: Any, moto_s3: Any
) -> None:
    theirs = make_upload(other_user)

    logged_in(user).post(f"/uploads/{theirs.id}/delete")

    assert Upload.objects.filter(id=theirs.id).exists()


def test_page_404_is_html_and_api_404_is_json(user: Any, settings: Any) -> None:
    settings.DEBUG = False
    client = logged_in(user)

    page = client.get("/no/such/page")
    api = client.get("/api/uploads/not-a-uuid")

    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
    assert api["Content-Type"] == "application/json"
