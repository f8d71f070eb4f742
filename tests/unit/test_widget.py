"""DirectFileWidget and the several-files form field: what a form renders and accepts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.test import RequestFactory

from demo.admin import AttachmentInline, DocumentAdmin
from demo.models import Attachment
from demo.models import Document as DemoDocument
from direct_to_s3.forms import DirectFileFormField, DirectUploadFormMixin, with_user
from direct_to_s3.references import reference_for
from direct_to_s3.rules import rules_from_token
from direct_to_s3.widgets import DirectFileWidget
from tests.testapp.models import Document

pytestmark = pytest.mark.django_db


class DocumentForm(DirectUploadFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Document
        fields = ["cover", "contract"]


class AttachmentsForm(DirectUploadFormMixin, forms.Form):
    files = DirectFileFormField(visibility="private", multiple=True, required=False)


def attribute(html: str, name: str, field: str) -> str:
    root = re.search(rf"<div[^>]*data-direct-file[^>]*>(?=[\s\S]*name=\"{field}\")", html)
    assert root is not None
    match = re.search(rf'{name}="([^"]*)"', root.group(0))
    assert match is not None
    return match.group(1)


def test_the_widget_carries_its_fields_rules_signed(user: Any) -> None:
    html = str(DocumentForm(user=user)["cover"])

    rules = rules_from_token(attribute(html, "data-rules", "cover"))
    assert (rules.visibility, rules.allowed_types, rules.max_size) == (
        "public",
        ("image/*",),
        20 * 1024**2,
    )
    assert attribute(html, "data-allowed-types", "cover") == "image/*"
    assert 'accept="image/*"' in html


def test_the_widget_says_its_rules_in_words(user: Any) -> None:
    html = str(DocumentForm(user=user)["cover"])

    assert "Up to 20.0 MB: images. Visible to anyone with the link." in html


def test_a_private_field_without_types_of_its_own_takes_any_type(user: Any) -> None:
    html = str(DocumentForm(user=user)["contract"])

    assert attribute(html, "data-allowed-types", "contract") == "*/*"
    assert "files of any type. Visible to only you." in html


def test_a_public_field_without_types_of_its_own_takes_the_public_default() -> None:
    field = DirectFileFormField(visibility="public")

    html = field.widget.render("cover", None)

    assert "images, PDFs, Office documents, OpenDocument files, text files, audio, video" in html
    assert "image/svg+xml" not in attribute(html, "data-allowed-types", "cover")


def test_the_file_input_has_no_name_so_no_bytes_go_with_the_form(user: Any) -> None:
    html = str(DocumentForm(user=user)["cover"])

    file_input = re.search(r"<input type=\"file\"[^>]*>", html)
    assert file_input is not None
    assert "name=" not in file_input.group(0)


def test_without_script_the_widget_says_uploading_needs_it(user: Any) -> None:
    html = str(DocumentForm(user=user)["cover"])

    assert "needs JavaScript" in html
    assert re.search(r'class="dropzone"[^>]*hidden', html)


def test_a_field_that_may_be_empty_offers_to_remove_its_file(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="private")
    document = Document.objects.create(owner=user, cover="", contract=upload.key)

    html = str(DocumentForm(user=user, instance=document)["contract"])

    assert 'name="contract-clear"' in html
    assert "Remove file.png" in html


def test_a_required_field_offers_no_removal(user: Any, make_upload: Any) -> None:
    document = Document.objects.create(owner=user, cover=make_upload(user).key)

    assert "-clear" not in str(DocumentForm(user=user, instance=document)["cover"])


def test_a_form_with_errors_shows_the_uploaded_file_again(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="private", original_name="lease.pdf")
    reference = reference_for(upload)
    form = DocumentForm({"contract": reference}, user=user)  # cover is missing

    assert not form.is_valid()
    html = str(form["contract"])
    assert f'value="{reference}"' in html
    assert "lease.pdf will be attached when you save." in html


def test_a_form_with_errors_names_no_other_users_upload(
    user: Any, other_user: Any, make_upload: Any
) -> None:
    theirs = make_upload(other_user, visibility="private", original_name="secret.pdf")
    form = DocumentForm({"contract": reference_for(theirs)}, user=user)

    assert not form.is_valid()
    assert "secret.pdf" not in str(form["contract"])


def test_several_files_clean_to_their_uploads_once_each(user: Any, make_upload: Any) -> None:
    first = make_upload(user, visibility="private")
    second = make_upload(user, visibility="private")
    data = {"files": [reference_for(first), reference_for(second), reference_for(first)]}
    form = AttachmentsForm(_querydict(data), user=user)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["files"] == [first, second]


def test_one_bad_file_among_several_is_a_form_error(
    user: Any, other_user: Any, make_upload: Any
) -> None:
    mine = make_upload(user, visibility="private")
    theirs = make_upload(other_user, visibility="private")
    form = AttachmentsForm(
        _querydict({"files": [reference_for(mine), reference_for(theirs)]}), user=user
    )

    assert not form.is_valid()
    assert form.errors.as_data()["files"][0].code == "unknown_upload"


def test_a_required_several_files_field_needs_one(user: Any) -> None:
    class RequiredForm(DirectUploadFormMixin, forms.Form):
        files = DirectFileFormField(visibility="private", multiple=True)

    form = RequiredForm(_querydict({"files": [""]}), user=user)

    assert not form.is_valid()
    assert form.errors.as_data()["files"][0].code == "required"


def test_the_several_files_widget_takes_many(user: Any) -> None:
    html = str(AttachmentsForm(user=user)["files"])

    assert "data-multiple" in html
    assert re.search(r'<input type="file"[^>]*multiple', html)


def test_the_model_field_gives_its_widget_even_where_the_admin_asks_for_its_own() -> None:
    field = Document._meta.get_field("cover").formfield(widget=AdminFileWidget)

    assert isinstance(field.widget, DirectFileWidget)


def test_the_admin_form_knows_the_staff_member(admin_user: Any, make_upload: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    form_class = DocumentAdmin(DemoDocument, admin.site).get_form(request)
    upload = make_upload(admin_user, visibility="private")
    form = form_class({"contract": reference_for(upload)})

    assert form.fields["contract"].user == admin_user
    assert "contract" not in form.errors


def test_admin_inlines_know_the_staff_member(admin_user: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    formset_class = AttachmentInline(DemoDocument, admin.site).get_formset(request)

    assert formset_class.form(prefix="x").fields["file"].user == admin_user
    assert formset_class.model is Attachment


def test_with_user_gives_a_mixin_form_its_user(user: Any) -> None:
    form = with_user(DocumentForm, user)()

    assert form.fields["cover"].user == user


def _querydict(data: dict[str, list[str]]) -> Any:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query
