"""The form side of `fields.DirectFileField`: a form accepts only signed references.

The bytes never pass through Django. The browser uploads straight to S3 through the app's API;
once the upload is complete, the form receives `reference_for(upload)`, a signed, expiring
reference naming that upload. `DirectFileFormField.clean()` accepts nothing else: a raw key, a
forged or expired reference, another user's upload, one not complete, of the other visibility,
or of a type or size the field forbids each fail with their own ValidationError.

The field checks ownership, so it needs the user who fills the form in:

    class DocumentForm(DirectUploadFormMixin, forms.ModelForm):
        class Meta:
            model = Document
            fields = ["cover", "contract"]

    form = DocumentForm(request.POST, instance=document, user=request.user)
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.widgets import FILE_INPUT_CONTRADICTION, CheckboxInput
from django.utils.datastructures import MultiValueDict

from direct_to_s3.conf import app_settings
from direct_to_s3.fields import type_allowed
from direct_to_s3.models import Upload
from direct_to_s3.validation import human_size

REFERENCE_SALT = "direct_to_s3.forms.reference"
CLEAR_SUFFIX = "-clear"

_FAMILIES = {
    "image/*": "images",
    "video/*": "videos",
    "audio/*": "audio files",
    "text/*": "text files",
}


def reference_for(upload: Upload) -> str:
    """What a form receives for a completed upload (the API puts it in the upload's JSON)."""
    return signing.dumps(str(upload.pk), salt=REFERENCE_SALT, compress=False)


def upload_id_from(reference: str) -> str:
    """The upload a reference names; `signing.BadSignature` (or its subclass
    `SignatureExpired`) when it was not made by `reference_for`, or more than
    DIRECT_TO_S3["FORM_REFERENCE_MAX_AGE"] seconds ago."""
    max_age = app_settings().form_reference_max_age
    upload_id = signing.loads(reference, salt=REFERENCE_SALT, max_age=max_age)
    try:
        return str(uuid.UUID(upload_id))
    except (TypeError, ValueError, AttributeError):
        raise signing.BadSignature("Not an upload reference.") from None


def describe_types(patterns: Sequence[str]) -> str:
    """`["image/*", "application/pdf"]` in words: "images, application/pdf"."""
    return ", ".join(_FAMILIES.get(pattern.lower(), pattern) for pattern in patterns)


class DirectFileInput(forms.HiddenInput):
    """Carries the reference; `<name>-clear` asks to remove the current file.

    It never renders the current file's key: only a reference the form was posted with.
    The uploader widget that fills it in comes with the app's JavaScript.
    """

    def format_value(self, value: Any) -> str | None:
        return value if isinstance(value, str) and value else None

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, UploadedFile[Any]], name: str
    ) -> Any:
        reference = data.get(name) or None
        clear = CheckboxInput().value_from_datadict(data, files, name + CLEAR_SUFFIX)
        if clear and reference:
            return FILE_INPUT_CONTRADICTION
        if clear:
            return False
        return reference

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: MultiValueDict[str, UploadedFile[Any]], name: str
    ) -> bool:
        return name not in data and name + CLEAR_SUFFIX not in data


class DirectFileFormField(forms.FileField):
    """Cleans to the verified Upload, False (clear the file), or the unchanged initial file."""

    widget = DirectFileInput
    default_error_messages = {
        "invalid_reference": "This is not a file uploaded here. Upload the file again.",
        "expired_reference": "This upload is too old to attach. Upload the file again.",
        "unknown_upload": "This file is not among your uploads. Upload the file again.",
        "not_complete": "This file has not finished uploading.",
        "failed": "This upload did not complete. Upload the file again.",
        "wrong_visibility": "This file was uploaded as %(uploaded)s; this field takes %(wanted)s "
        "files.",
        "type_not_allowed": "Files of type %(type)s are not allowed here. Allowed: %(allowed)s.",
        "too_large": "This file is %(size)s; the largest allowed here is %(max_size)s.",
        "contradiction": "Either upload a new file or clear the current one, not both.",
    }

    def __init__(
        self,
        *,
        visibility: str,
        allowed_types: Sequence[str] | None = None,
        max_size: int | None = None,
        user: AbstractBaseUser | AnonymousUser | None = None,
        **kwargs: Any,
    ) -> None:
        # A FileField's own options; there is no uploaded file here to check them against.
        kwargs.pop("max_length", None)
        kwargs.pop("allow_empty_file", None)
        # Before Field.__init__, which asks widget_attrs() for them.
        self.visibility = visibility
        self.allowed_types = list(allowed_types) if allowed_types is not None else None
        self.max_size = max_size
        self.user = user
        super().__init__(**kwargs)

    def to_python(self, data: Any) -> Any:
        if data in self.empty_values:
            return None
        if not isinstance(data, str):
            raise ValidationError(self.error_messages["invalid_reference"], "invalid_reference")
        try:
            upload_id = upload_id_from(data)
        except signing.SignatureExpired:
            raise ValidationError(
                self.error_messages["expired_reference"], "expired_reference"
            ) from None
        except signing.BadSignature:
            raise ValidationError(
                self.error_messages["invalid_reference"], "invalid_reference"
            ) from None
        return self._own_upload(upload_id)

    def _own_upload(self, upload_id: str) -> Upload:
        if self.user is None:
            raise ImproperlyConfigured(
                "DirectFileFormField needs the current user: use DirectUploadFormMixin "
                "(form = MyForm(data, user=request.user)) or set form.fields[name].user."
            )
        # Another user's upload and a deleted one read the same: nothing here says it exists.
        upload = (
            Upload.objects.filter(pk=upload_id, owner_id=self.user.pk).first()
            if self.user.is_authenticated
            else None
        )
        if upload is None:
            raise ValidationError(self.error_messages["unknown_upload"], "unknown_upload")
        return upload

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, Upload):
            self._check(value)

    def _check(self, upload: Upload) -> None:
        if upload.status == Upload.Status.PENDING:
            raise ValidationError(self.error_messages["not_complete"], "not_complete")
        if upload.status != Upload.Status.COMPLETE:
            raise ValidationError(self.error_messages["failed"], "failed")
        if upload.visibility != self.visibility:
            raise ValidationError(
                self.error_messages["wrong_visibility"],
                "wrong_visibility",
                params={"uploaded": upload.visibility, "wanted": self.visibility},
            )
        if self.allowed_types is not None and not type_allowed(
            upload.content_type, self.allowed_types
        ):
            raise ValidationError(
                self.error_messages["type_not_allowed"],
                "type_not_allowed",
                params={
                    "type": upload.content_type,
                    "allowed": describe_types(self.allowed_types),
                },
            )
        if self.max_size is not None and upload.size > self.max_size:
            raise ValidationError(
                self.error_messages["too_large"],
                "too_large",
                params={"size": human_size(upload.size), "max_size": human_size(self.max_size)},
            )

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)
        attrs["data-visibility"] = self.visibility
        if self.allowed_types is not None:
            attrs["data-accept"] = ",".join(self.allowed_types)
        if self.max_size is not None:
            attrs["data-max-size"] = str(self.max_size)
        return attrs


class DirectUploadFormMixin:
    """Gives each DirectFileFormField of the form the user filling it in: `user=` is required."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, user: AbstractBaseUser | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, DirectFileFormField):
                field.user = user
