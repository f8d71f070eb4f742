"""Serialised uploads: the URLs of many uploads in one answer are those reverse() gives."""

from typing import Any

import pytest
from django.urls import reverse

from direct_to_s3.models import Upload
from direct_to_s3.serializers import UploadUrls, upload_links

pytestmark = pytest.mark.django_db


def reversed_links(upload: Upload, names: dict[str, str]) -> dict[str, str]:
    return {link: reverse(f"direct_to_s3:{name}", args=[upload.id]) for link, name in names.items()}


def test_uploads_sharing_one_set_of_urls_each_get_their_own_links(
    user: Any, make_upload: Any
) -> None:
    pending = make_upload(user, status=Upload.Status.PENDING, part_size=8, part_count=2)
    complete = make_upload(user, status=Upload.Status.COMPLETE)
    urls = UploadUrls()

    links = [upload_links(upload, urls=urls) for upload in (pending, complete)]

    common = {"self": "api-upload", "complete": "api-complete", "cancel": "api-cancel"}
    assert links == [
        reversed_links(
            pending, {**common, "parts": "api-parts", "s3": "api-s3", "sign": "api-sign"}
        ),
        reversed_links(complete, {**common, "file": "file"}),
    ]
