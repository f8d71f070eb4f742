"""Visibility → storage alias → prefix → URL, and the checks that keep that coherent."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from direct_to_s3 import visibility
from direct_to_s3.checks import check_storages
from tests.conftest import change_storage_options


def test_prefixes_are_the_storages_locations() -> None:
    assert visibility.served_prefixes() == ("media/", "private/")


def test_a_storage_location_moves_its_prefix(settings: Any) -> None:
    change_storage_options(settings, location="uploads/public", aliases=("public_media",))

    assert visibility.prefix(visibility.PUBLIC) == "uploads/public/"


def test_the_aliases_come_from_the_app_settings(settings: Any, app_settings: Any) -> None:
    settings.STORAGES = {**settings.STORAGES, "mine": settings.STORAGES["private_media"]}
    app_settings(PRIVATE_STORAGE="mine")

    assert visibility.storage_alias(visibility.PRIVATE) == "mine"
    assert check_storages() == []


def test_public_prefixes_include_static_files() -> None:
    assert visibility.public_prefixes() == ("media/", "static/")


def test_a_public_image_is_served_unsigned() -> None:
    url = visibility.file_url(key="media/1/a.png", visibility="public", content_type="image/png")

    assert url == "https://test-uploads.s3.us-east-1.amazonaws.com/media/1/a.png"


def test_a_public_svg_is_only_ever_a_signed_download() -> None:
    url = visibility.file_url(
        key="media/1/a.svg", visibility="public", content_type="image/svg+xml"
    )

    assert "X-Amz-Signature" in urlparse(url).query
    assert "response-content-type=application%2Foctet-stream" in url


def test_a_private_file_gets_a_signed_url() -> None:
    url = visibility.file_url(
        key="private/1/a.pdf", visibility="private", content_type="text/plain"
    )

    assert "X-Amz-Signature" in urlparse(url).query


def test_a_private_storage_in_another_bucket_is_a_check_error(settings: Any) -> None:
    change_storage_options(settings, bucket_name="elsewhere", aliases=("private_media",))

    assert [error.id for error in check_storages()] == ["direct_to_s3.E013"]


def test_a_missing_alias_is_a_check_error(app_settings: Any) -> None:
    app_settings(PUBLIC_STORAGE="nowhere")

    assert [error.id for error in check_storages()] == ["direct_to_s3.E012"]


def test_the_same_location_for_both_is_a_check_error(settings: Any) -> None:
    change_storage_options(settings, location="files")

    assert [error.id for error in check_storages()] == ["direct_to_s3.E014"]


def test_a_location_in_the_incoming_area_is_a_check_error(settings: Any) -> None:
    change_storage_options(settings, location="incoming/public", aliases=("public_media",))

    assert [error.id for error in check_storages()] == ["direct_to_s3.E014"]
