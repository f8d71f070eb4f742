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

Several files in one field: `DirectFileFormField(multiple=True, ...)` cleans to a list of
uploads, which the form saves where the project wants them (the README shows a related model).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError

from direct_to_s3.content_types import describe, matches
from direct_to_s3.models import Upload
from direct_to_s3.references import upload_id_from
from direct_to_s3.rules import UploadRules, normalise_key_prefix
from direct_to_s3.validation import human_size
from direct_to_s3.widgets import DirectFileWidget


class DirectFileFormField(forms.FileField):
    """Cleans to the verified Upload, False (clear the file), or the unchanged initial file;
    with `multiple`, to a list of verified Uploads.

    Its rules (visibility, allowed types, max size, key prefix) are also the rules the server
    signs the upload's S3 policy by: the widget carries them as a signed token.
    """

    widget = DirectFileWidget
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
        key_prefix: str = "",
        multiple: bool = False,
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
        self.key_prefix = normalise_key_prefix(key_prefix)
        self.multiple = multiple
        self._user = user
        if "widget" not in kwargs:
            kwargs["widget"] = DirectFileWidget(multiple=multiple)
        super().__init__(**kwargs)
        if isinstance(self.widget, DirectFileWidget):
            self.widget.rules = self.rules()
        self.user = user

    @property
    def user(self) -> AbstractBaseUser | AnonymousUser | None:
        return self._user

    @user.setter
    def user(self, user: AbstractBaseUser | AnonymousUser | None) -> None:
        """The user filling in the form; the widget names only their own uploads too."""
        self._user = user
        if isinstance(self.widget, DirectFileWidget):
            self.widget.owner_id = user.pk if user is not None else None

    def rules(self) -> UploadRules:
        return UploadRules(
            visibility=self.visibility,
            allowed_types=tuple(self.allowed_types) if self.allowed_types is not None else None,
            max_size=self.max_size,
            key_prefix=self.key_prefix,
        )

    def clean(self, data: Any, initial: Any = None) -> Any:
        if not self.multiple:
            return super().clean(data, initial)
        references = data if isinstance(data, list) else []
        uploads: dict[str, Upload] = {}
        for reference in references:
            upload = self.to_python(reference)
            self._check(upload)
            uploads.setdefault(str(upload.pk), upload)
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        return list(uploads.values())

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

    def bound_data(self, data: Any, initial: Any) -> Any:
        """A posted reference is shown again when the form comes back with errors: nothing
        uploaded is lost (a FileField would show only the initial file)."""
        if isinstance(data, str | list) and data:
            return data
        return initial

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.multiple:
            return bool(data)
        return bool(super().has_changed(initial, data))

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
        if self.allowed_types is not None and not matches(upload.content_type, self.allowed_types):
            raise ValidationError(
                self.error_messages["type_not_allowed"],
                "type_not_allowed",
                params={
                    "type": upload.content_type,
                    "allowed": describe(self.allowed_types),
                },
            )
        if self.max_size is not None and upload.size > self.max_size:
            raise ValidationError(
                self.error_messages["too_large"],
                "too_large",
                params={"size": human_size(upload.size), "max_size": human_size(self.max_size)},
            )


class DirectUploadFormMixin:
    """Gives each DirectFileFormField of the form the user filling it in: `user=` is required."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, user: AbstractBaseUser | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, DirectFileFormField):
                field.user = user


def with_user(form_class: type[forms.BaseForm], user: AbstractBaseUser | AnonymousUser) -> Any:
    """`form_class` whose DirectFileFormFields know `user`, for code that builds the form
    itself (the admin, formsets): `formset.form = with_user(formset.form, request.user)`."""

    def __init__(self: forms.BaseForm, *args: Any, **kwargs: Any) -> None:
        if issubclass(form_class, DirectUploadFormMixin):
            kwargs.setdefault("user", user)
        form_class.__init__(self, *args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, DirectFileFormField):
                field.user = user

    return type(form_class.__name__, (form_class,), {"__init__": __init__})
