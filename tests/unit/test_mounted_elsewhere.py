"""The app mounted under a prefix the host chose: links, pages and JSON errors follow it, and
the host's own /api/ stays the host's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.conftest import post_json

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_mounted_elsewhere")]

API = "/uploads-app/api/uploads"
SMALL = {"filename": "a.png", "content_type": "image/png", "size": 10, "visibility": "public"}
BIG = {"filename": "a.mp4", "content_type": "video/mp4", "size": 100 * 1024**2}


@pytest.fixture
def api(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/uploads-app/")  # the upload page sets the csrftoken cookie
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    return client


def assert_json_error(response: Any, status: int) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(json.loads(response.content)) == {"error", "field"}


def test_an_uploads_links_are_under_the_prefix(api: Client, moto_s3: Any) -> None:
    upload = post_json(api, API, BIG).json()

    assert upload["links"] == {
        "self": f"{API}/{upload['id']}",
        "complete": f"{API}/{upload['id']}/complete",
        "cancel": f"{API}/{upload['id']}/cancel",
        "parts": f"{API}/{upload['id']}/parts",
        "sign": f"{API}/{upload['id']}/sign",
        "s3": f"{API}/{upload['id']}/s3",
    }


def test_the_links_of_a_batch_are_under_the_prefix(api: Client, moto_s3: Any) -> None:
    results = post_json(api, f"{API}/batch", {"uploads": [SMALL, SMALL]}).json()["results"]

    for upload in (result["body"] for result in results):
        assert upload["links"] == {
            "self": f"{API}/{upload['id']}",
            "complete": f"{API}/{upload['id']}/complete",
            "cancel": f"{API}/{upload['id']}/cancel",
            "sign": f"{API}/{upload['id']}/sign",
        }


def test_the_api_root_names_the_uploads_collection_and_the_batch_endpoints(api: Client) -> None:
    root = api.get("/uploads-app/api/").json()

    assert (root["uploads"], root["batch_start"], root["batch_complete"]) == (
        API,
        f"{API}/batch",
        f"{API}/batch/complete",
    )


def test_the_page_gets_the_api_urls_under_the_prefix(api: Client) -> None:
    page = api.get("/uploads-app/").content.decode()

    assert f'data-create-url="{API}"' in page
    assert f'data-list-url="{API}"' in page
    assert 'data-api-url="/uploads-app/api/"' in page


def test_a_missing_csrf_token_on_the_api_is_a_403_json(user: Any, moto_s3: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert_json_error(post_json(client, API, SMALL), 403)


def test_an_oversized_body_on_the_api_is_a_413_json(api: Client, moto_s3: Any) -> None:
    response = api.post(API, data=b"a=" + b"x" * (3 * 1024**2), content_type="text/plain")

    assert_json_error(response, 413)


def test_an_unknown_path_under_the_apps_api_is_a_404_json(api: Client) -> None:
    assert_json_error(api.get("/uploads-app/api/nothing-here"), 404)


def test_the_hosts_own_api_is_not_swallowed(api: Client) -> None:
    assert api.get("/api/status").json() == {"host": True}


def test_an_unknown_path_of_the_host_keeps_the_html_page(api: Client) -> None:
    response = api.get("/api/uploads")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_client_asking_for_json_gets_a_json_404_anywhere(api: Client) -> None:
    assert_json_error(api.get("/nothing-here", HTTP_ACCEPT="application/json"), 404)


def test_a_csrf_failure_on_a_page_keeps_the_html_error(user: Any, moto_s3: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/uploads-app/uploads/x/delete")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
