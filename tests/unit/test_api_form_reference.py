"""The API hands a complete upload's form reference to the page, for its form to post."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import Client

from direct_to_s3.forms import DirectUploadFormMixin
from tests.conftest import post_json, store_as_browser
from tests.testapp.models import Document

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n"


class DocumentForm(DirectUploadFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Document
        fields = ["cover"]


def started(api: Client) -> dict[str, Any]:
    payload = {"filename": "cat.png", "content_type": "image/png", "size": len(PNG)}
    return post_json(api, "/api/uploads", {**payload, "visibility": "public"}).json()


def completed(api: Client, moto_s3: Any) -> dict[str, Any]:
    upload = started(api)
    store_as_browser(moto_s3, upload, PNG, Content_Type="image/png")
    return post_json(api, f"/api/uploads/{upload['id']}/complete").json()


def test_a_complete_upload_carries_a_reference_its_owners_form_accepts(
    api: Client, moto_s3: Any, user: Any
) -> None:
    upload = completed(api, moto_s3)
    form = DocumentForm(
        {"cover": upload["form_reference"]}, user=user, instance=Document(owner=user)
    )

    assert form.is_valid(), form.errors
    assert form.save().cover.name == upload["key"]


def test_listed_and_read_complete_uploads_carry_their_reference(api: Client, moto_s3: Any) -> None:
    upload_id = completed(api, moto_s3)["id"]

    assert api.get(f"/api/uploads/{upload_id}").json()["form_reference"]
    assert api.get("/api/uploads").json()["uploads"][0]["form_reference"]


def test_a_pending_upload_has_no_reference(api: Client, moto_s3: Any) -> None:
    upload = started(api)

    assert upload["form_reference"] is None
    assert api.get(f"/api/uploads/{upload['id']}").json()["form_reference"] is None


def test_another_user_cannot_use_the_reference(api: Client, moto_s3: Any, other_user: Any) -> None:
    reference = completed(api, moto_s3)["form_reference"]

    form = DocumentForm({"cover": reference}, user=other_user, instance=Document(owner=other_user))

    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["cover"]] == ["unknown_upload"]
