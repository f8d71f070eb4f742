"""A form field's rules reach the API as a signed token: the server checks the file and signs
its S3 policy by them (visibility, types, max size, key folder), never by what the browser
says, and refuses a token it did not sign or signed too long ago."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from direct_to_s3.rules import UploadRules, normalise_key_prefix, rules_token
from tests.conftest import change_app_settings, post_json

pytestmark = pytest.mark.django_db

MB = 1024**2
COVER = UploadRules(
    visibility="public", allowed_types=("image/*",), max_size=20 * MB, key_prefix="covers/"
)


def start(api: Client, rules: Any, **fields: Any) -> Any:
    payload = {
        "filename": "cat.png",
        "content_type": "image/png",
        "size": 1000,
        "visibility": "public",
        "rules": rules,
        **fields,
    }
    return post_json(api, "/api/uploads", payload)


def test_an_upload_for_a_field_goes_under_its_key_prefix(api: Client, moto_s3: Any) -> None:
    response = start(api, rules_token(COVER))

    assert response.status_code == 201, response.json()
    assert response.json()["key"].startswith("media/covers/")
    assert response.json()["upload"]["fields"]["key"].startswith("incoming/media/covers/")


def test_a_type_the_field_forbids_is_refused_though_the_app_allows_it(
    api: Client, moto_s3: Any
) -> None:
    response = start(api, rules_token(COVER), filename="a.pdf", content_type="application/pdf")

    assert response.status_code == 400
    assert response.json()["field"] == "content_type"
    assert "images" in response.json()["error"]


def test_a_file_over_the_fields_max_size_is_refused(api: Client, moto_s3: Any) -> None:
    response = start(api, rules_token(COVER), size=20 * MB + 1)

    assert response.status_code == 400
    assert response.json()["field"] == "size"
    assert "20.0 MB" in response.json()["error"]


def test_a_field_may_allow_more_than_the_apps_max_size(
    api: Client, moto_s3: Any, settings: Any
) -> None:
    change_app_settings(settings, MAX_SIZE=1 * MB)
    big = UploadRules(visibility="private", max_size=200 * MB)

    response = start(api, rules_token(big), visibility="private", size=100 * MB)

    assert response.status_code == 201, response.json()


def test_the_fields_visibility_holds_whatever_the_browser_asks(api: Client, moto_s3: Any) -> None:
    private = UploadRules(visibility="private")

    response = start(api, rules_token(private), visibility="public")

    assert response.status_code == 400
    assert response.json()["field"] == "visibility"


def test_without_a_visibility_an_upload_for_a_field_takes_the_fields(
    api: Client, moto_s3: Any
) -> None:
    payload = {"filename": "cat.png", "content_type": "image/png", "size": 1000}

    response = post_json(api, "/api/uploads", {**payload, "rules": rules_token(COVER)})

    assert response.json()["visibility"] == "public"


def test_a_forged_rules_token_is_refused(api: Client, moto_s3: Any) -> None:
    forged = rules_token(COVER)[:-2] + "xx"

    response = start(api, forged)

    assert response.status_code == 400
    assert response.json()["field"] == "rules"


def test_rules_signed_for_something_else_are_refused(api: Client, moto_s3: Any) -> None:
    other = signing.dumps({"m": 10**12}, salt="direct_to_s3.forms.reference")

    assert start(api, other).status_code == 400


def test_an_expired_rules_token_asks_to_reload_the_page(
    api: Client, moto_s3: Any, settings: Any, monkeypatch: Any
) -> None:
    token = rules_token(COVER)
    change_app_settings(settings, FORM_REFERENCE_MAX_AGE=60)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)

    response = start(api, token)

    assert response.status_code == 400
    assert "Reload the page" in response.json()["error"]


@pytest.mark.parametrize("value", [123, ["covers/"], {"p": "x"}])
def test_rules_that_are_not_a_token_are_a_clear_error(api: Client, value: Any) -> None:
    response = start(api, value)

    assert response.status_code == 400
    assert response.json()["field"] == "rules"


@pytest.mark.parametrize(
    ("given", "expected"), [("covers", "covers/"), ("Covers/2026/", "covers/2026/"), ("", "")]
)
def test_a_key_prefix_is_a_folder(given: str, expected: str) -> None:
    assert normalise_key_prefix(given) == expected


@pytest.mark.parametrize("given", ["../x", "/abs", "a//b", "a b", "incoming/../media", "é/"])
def test_a_key_prefix_that_is_not_plain_folders_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="key_prefix"):
        normalise_key_prefix(given)
