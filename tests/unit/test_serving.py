"""GET /files/<id>: public files by their URL, private ones by a short-lived signed URL."""

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from tests.conftest import change_app_settings, change_storage_options

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_public_file_redirects_to_its_public_url(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="public")

    response = logged_in(user).get(f"/files/{upload.id}")

    assert response.status_code == 302
    assert response["Location"] == (f"https://test-uploads.s3.us-east-1.amazonaws.com/{upload.key}")


def test_public_file_uses_the_custom_domain_when_set(
    user: Any, make_upload: Any, settings: Any
) -> None:
    change_storage_options(settings, custom_domain="cdn.example.com", aliases=("public_media",))
    upload = make_upload(user, visibility="public")

    response = logged_in(user).get(f"/files/{upload.id}")

    assert response["Location"] == f"https://cdn.example.com/{upload.key}"


def test_private_file_redirects_to_a_short_lived_signed_url(
    user: Any, make_upload: Any, settings: Any
) -> None:
    change_app_settings(settings, SIGNED_URL_EXPIRES=120)
    # The public storage's domain; never used for private files.
    change_storage_options(settings, custom_domain="cdn.example.com", aliases=("public_media",))
    upload = make_upload(user, visibility="private", original_name="Tax 2026.pdf")

    response = logged_in(user).get(f"/files/{upload.id}")

    url = urlparse(response["Location"])
    query = parse_qs(url.query)
    assert response.status_code == 302
    assert url.hostname != "cdn.example.com"
    assert url.path.endswith(upload.key)
    assert query["X-Amz-Expires"] == ["120"]
    assert "X-Amz-Signature" in query
    assert "filename*=UTF-8''Tax%202026.pdf" in query["response-content-disposition"][0]
    assert response["Cache-Control"] == "private, no-store"


def test_private_file_is_not_found_for_another_user(
    user: Any, other_user: Any, make_upload: Any
) -> None:
    upload = make_upload(user, visibility="private")

    response = logged_in(other_user).get(f"/files/{upload.id}")

    assert response.status_code == 404


def test_public_file_of_another_user_is_not_found_either(
    user: Any, other_user: Any, make_upload: Any
) -> None:
    upload = make_upload(user, visibility="public")

    response = logged_in(other_user).get(f"/files/{upload.id}")

    assert response.status_code == 404


def test_staff_can_open_anyones_private_file(user: Any, staff_user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="private")

    response = logged_in(staff_user).get(f"/files/{upload.id}")

    assert response.status_code == 302
    assert "X-Amz-Signature" in response["Location"]


def test_anonymous_visitor_is_sent_to_log_in(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="private")

    response = Client().get(f"/files/{upload.id}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_pending_upload_is_not_served(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="private", status="pending")

    response = logged_in(user).get(f"/files/{upload.id}")

    assert response.status_code == 404
