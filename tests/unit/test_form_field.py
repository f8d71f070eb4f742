"""DirectFileFormField: only a signed reference to the user's own completed upload is accepted."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django import forms
from django.core import signing
from django.core.exceptions import ImproperlyConfigured

from direct_to_s3.forms import DirectFileFormField, DirectUploadFormMixin
from direct_to_s3.models import Upload
from direct_to_s3.references import reference_for
from tests.testapp.models import Document

pytestmark = pytest.mark.django_db

MB = 1024**2


class DocumentForm(DirectUploadFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Document
        fields = ["cover", "contract"]


class FormWithoutUser(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Document
        fields = ["cover", "contract"]


def cover_errors(form: forms.BaseForm) -> list[str]:
    assert not form.is_valid()
    return [error.code for error in form.errors.as_data()["cover"] if error.code]


def test_the_model_field_gives_the_direct_form_field() -> None:
    field = DocumentForm(user=None).fields["cover"]

    assert isinstance(field, DirectFileFormField)
    assert (field.visibility, field.allowed_types, field.max_size) == (
        "public",
        ["image/*"],
        20 * MB,
    )


def test_a_reference_to_an_own_completed_upload_saves_its_key(user: Any, make_upload: Any) -> None:
    upload = make_upload(user)
    form = DocumentForm({"cover": reference_for(upload)}, user=user, instance=Document(owner=user))

    assert form.is_valid(), form.errors
    document = form.save()

    assert Document.objects.get(pk=document.pk).cover.name == upload.key


def test_a_raw_key_is_refused(user: Any, make_upload: Any) -> None:
    upload = make_upload(user)

    form = DocumentForm({"cover": upload.key}, user=user)

    assert cover_errors(form) == ["invalid_reference"]


def test_a_tampered_reference_is_refused(user: Any, make_upload: Any) -> None:
    reference = reference_for(make_upload(user))
    other_id = str(make_upload(user).pk)
    payload, _, signature = reference.partition(":")
    forged = f"{signing.b64_encode(json.dumps(other_id).encode()).decode()}:{signature}"
    assert payload != forged.partition(":")[0]

    form = DocumentForm({"cover": forged}, user=user)

    assert cover_errors(form) == ["invalid_reference"]


def test_a_value_signed_for_something_else_is_refused(user: Any, make_upload: Any) -> None:
    signed_elsewhere = signing.dumps(str(make_upload(user).pk))

    form = DocumentForm({"cover": signed_elsewhere}, user=user)

    assert cover_errors(form) == ["invalid_reference"]


def reference_made_ago(seconds: int, upload: Upload, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patched:
        patched.setattr(
            signing.TimestampSigner,
            "timestamp",
            lambda self: signing.b62_encode(int(time.time()) - seconds),
        )
        return reference_for(upload)


def test_a_reference_older_than_the_setting_is_refused_as_expired(
    user: Any, make_upload: Any, app_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_settings(FORM_REFERENCE_MAX_AGE=60)
    reference = reference_made_ago(61, make_upload(user), monkeypatch)

    form = DocumentForm({"cover": reference}, user=user)

    assert cover_errors(form) == ["expired_reference"]


def test_a_reference_within_the_setting_is_accepted(
    user: Any, make_upload: Any, app_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_settings(FORM_REFERENCE_MAX_AGE=60)
    reference = reference_made_ago(50, make_upload(user), monkeypatch)

    form = DocumentForm({"cover": reference}, user=user, instance=Document(owner=user))

    assert form.is_valid(), form.errors


def test_a_reference_a_day_old_is_expired_by_default(
    user: Any, make_upload: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = reference_made_ago(24 * 3600 + 1, make_upload(user), monkeypatch)

    form = DocumentForm({"cover": reference}, user=user)

    assert cover_errors(form) == ["expired_reference"]


def test_another_users_upload_is_refused(user: Any, other_user: Any, make_upload: Any) -> None:
    form = DocumentForm({"cover": reference_for(make_upload(other_user))}, user=user)

    assert cover_errors(form) == ["unknown_upload"]


def test_a_deleted_upload_is_refused(user: Any, make_upload: Any) -> None:
    upload = make_upload(user)
    reference = reference_for(upload)
    upload.delete()

    assert cover_errors(DocumentForm({"cover": reference}, user=user)) == ["unknown_upload"]


def test_an_anonymous_user_is_refused(make_upload: Any, user: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    form = DocumentForm({"cover": reference_for(make_upload(user))}, user=AnonymousUser())

    assert cover_errors(form) == ["unknown_upload"]


def test_a_pending_upload_is_refused(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, status=Upload.Status.PENDING)

    assert cover_errors(DocumentForm({"cover": reference_for(upload)}, user=user)) == [
        "not_complete"
    ]


@pytest.mark.parametrize("status", [Upload.Status.FAILED, Upload.Status.CANCELLED])
def test_a_failed_or_cancelled_upload_is_refused(user: Any, make_upload: Any, status: str) -> None:
    upload = make_upload(user, status=status)

    assert cover_errors(DocumentForm({"cover": reference_for(upload)}, user=user)) == ["failed"]


def test_an_upload_of_the_other_visibility_is_refused(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="private")

    assert cover_errors(DocumentForm({"cover": reference_for(upload)}, user=user)) == [
        "wrong_visibility"
    ]


def test_a_type_the_field_forbids_is_refused_naming_what_is_allowed(
    user: Any, make_upload: Any
) -> None:
    upload = make_upload(user, content_type="application/pdf", original_name="a.pdf")

    form = DocumentForm({"cover": reference_for(upload)}, user=user)

    assert cover_errors(form) == ["type_not_allowed"]
    assert "Allowed: images." in form.errors["cover"][0]


def test_a_file_larger_than_the_field_allows_is_refused(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, size=20 * MB + 1)

    form = DocumentForm({"cover": reference_for(upload)}, user=user)

    assert cover_errors(form) == ["too_large"]
    assert "the largest allowed here is 20.0 MB" in form.errors["cover"][0]


def test_a_required_file_must_be_given(user: Any) -> None:
    assert cover_errors(DocumentForm({}, user=user)) == ["required"]


def test_editing_without_a_new_reference_keeps_the_file(user: Any, make_upload: Any) -> None:
    upload = make_upload(user)
    document = Document.objects.create(owner=user, cover=upload.key)

    form = DocumentForm({}, user=user, instance=document)

    assert form.is_valid(), form.errors
    assert form.save().cover.name == upload.key


def test_clearing_an_optional_file_empties_it(user: Any, make_upload: Any) -> None:
    contract = make_upload(user, visibility="private")
    document = Document.objects.create(
        owner=user, cover=make_upload(user).key, contract=contract.key
    )

    form = DocumentForm({"contract-clear": "on"}, user=user, instance=document)

    assert form.is_valid(), form.errors
    assert not Document.objects.get(pk=form.save().pk).contract


def test_clearing_and_uploading_at_once_is_refused(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="private")
    document = Document.objects.create(owner=user, cover=make_upload(user).key)

    form = DocumentForm(
        {"contract": reference_for(upload), "contract-clear": "on"}, user=user, instance=document
    )

    assert not form.is_valid()
    assert form.errors.as_data()["contract"][0].code == "contradiction"


def test_the_form_never_puts_the_stored_key_in_a_value_it_posts(
    user: Any, make_upload: Any
) -> None:
    upload = make_upload(user)
    document = Document.objects.create(owner=user, cover=upload.key)

    html = str(DocumentForm(user=user, instance=document))

    assert 'name="cover" value=""' in html
    assert f'value="{upload.key}"' not in html
    assert f">{upload.original_name}</a>" in html  # shown as its name and link instead


def test_a_field_without_its_user_says_how_to_give_it_one(user: Any, make_upload: Any) -> None:
    form = FormWithoutUser({"cover": reference_for(make_upload(user))})

    with pytest.raises(ImproperlyConfigured, match="DirectUploadFormMixin"):
        form.is_valid()
