"""Long lists come in pages, newest first, through the API and on the page; nothing is lost."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from direct_to_s3.models import Upload

pytestmark = pytest.mark.django_db


def uploads_of(user: Any, make_upload: Any, count: int, **fields: Any) -> list[str]:
    """`count` complete uploads created in the same instant, so the id must break the tie."""
    ids = [str(make_upload(user, **fields).id) for _ in range(count)]
    Upload.objects.filter(owner=user).update(created_at=datetime(2026, 11, 1, tzinfo=UTC))
    return ids


def newest_first(ids: list[str]) -> list[str]:
    return sorted(ids, reverse=True)  # same instant: the tie-break order


def walk(api: Client, url: str) -> tuple[list[str], int]:
    """Every upload id the API lists from `url` by following `next`; and the pages it took."""
    seen: list[str] = []
    pages = 0
    while url:
        answer = api.get(url).json()
        seen += [upload["id"] for upload in answer["uploads"]]
        pages += 1
        url = answer["next"]
    return seen, pages


def test_api_pages_through_every_upload_once_newest_first(
    api: Client, user: Any, make_upload: Any
) -> None:
    ids = uploads_of(user, make_upload, 7)

    seen, pages = walk(api, "/api/uploads?limit=3")

    assert seen == newest_first(ids)
    assert pages == 3


def test_last_page_has_no_next_link(api: Client, user: Any, make_upload: Any) -> None:
    uploads_of(user, make_upload, 2)

    answer = api.get("/api/uploads?limit=2").json()

    assert len(answer["uploads"]) == 2
    assert answer["next"] is None


def test_next_link_keeps_the_status_filter(api: Client, user: Any, make_upload: Any) -> None:
    pending = uploads_of(user, make_upload, 3, status=Upload.Status.PENDING)
    make_upload(user)  # complete: never listed under ?status=pending

    seen, _ = walk(api, "/api/uploads?status=pending&limit=1")

    assert sorted(seen) == sorted(pending)


def test_uploads_added_between_pages_are_neither_repeated_nor_skipped(
    api: Client, user: Any, make_upload: Any
) -> None:
    ids = uploads_of(user, make_upload, 4)
    first = api.get("/api/uploads?limit=2").json()
    make_upload(user)  # newer than everything: belongs before the first page

    rest, _ = walk(api, first["next"])

    assert [u["id"] for u in first["uploads"]] + rest == newest_first(ids)


def test_default_page_is_a_hundred_uploads(api: Client, user: Any, make_upload: Any) -> None:
    uploads_of(user, make_upload, 101)

    answer = api.get("/api/uploads").json()

    assert len(answer["uploads"]) == 100
    assert answer["next"] is not None


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        b64("2026-11-01T00:00:00|not-a-uuid"),
        b64("2026-11-01T00:00:00|6f1c1c59-7d0e-4f0e-9d7e-1b2c3d4e5f60"),  # no time zone
        b64("0001-01-01T00:00:00+14:00|6f1c1c59-7d0e-4f0e-9d7e-1b2c3d4e5f60"),  # before year 1
        "%FF%FE",
    ],
)
def test_invalid_cursor_gets_400_naming_the_field(api: Client, cursor: str) -> None:
    response = api.get(f"/api/uploads?cursor={cursor}")

    assert response.status_code == 400
    assert response.json() == {
        "error": "This page link is not valid; start again from the first page.",
        "field": "cursor",
    }


@pytest.mark.parametrize("limit", ["0", "501", "-1", "ten", "³", "1.5", "9" * 5000])
def test_limit_outside_1_to_500_gets_400_naming_the_field(api: Client, limit: str) -> None:
    response = api.get("/api/uploads", {"limit": limit})

    assert response.status_code == 400
    assert response.json() == {
        "error": "limit must be a whole number from 1 to 500.",
        "field": "limit",
    }


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed_ids(html: str) -> list[str]:
    return [chunk.split('"', 1)[0] for chunk in html.split('data-upload-id="')[1:]]


def test_page_lists_fifty_files_and_offers_the_older_ones(user: Any, make_upload: Any) -> None:
    ids = uploads_of(user, make_upload, 51)

    html = logged_in(user).get("/").content.decode()

    assert listed_ids(html) == newest_first(ids)[:50]
    assert "Show older files" in html


def test_older_files_load_in_place_of_the_button(user: Any, make_upload: Any) -> None:
    ids = uploads_of(user, make_upload, 101)
    client = logged_in(user)

    first = client.get("/uploads/list").content.decode()
    older_url = first.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    second = client.get(older_url).content.decode()
    older_url = second.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    third = client.get(older_url).content.decode()

    assert '<ul class="files">' not in second  # items only, swapped in for the button
    assert listed_ids(first + second + third) == newest_first(ids)
    assert "Show older files" not in third


def test_a_short_list_has_no_older_files_button(user: Any, make_upload: Any) -> None:
    uploads_of(user, make_upload, 3)

    assert "Show older files" not in logged_in(user).get("/").content.decode()


def test_a_broken_older_files_link_says_so(user: Any) -> None:
    response = logged_in(user).get("/uploads/list?cursor=broken")

    assert response.status_code == 400
    assert b"This page link is not valid" in response.content
