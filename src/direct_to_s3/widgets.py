"""The form widget of a DirectFileField: the app's uploader, rendered inside a form.

It renders the current file, a "Remove" checkbox (`<name>-clear`) for a field that may be
empty, and one hidden input per reference, which its JavaScript (`widget.js`) fills with the
app's signed form reference once an upload is verified. The file input it renders has no
name: the bytes go straight to S3, never with the form. Without JavaScript it says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.forms.widgets import FILE_INPUT_CONTRADICTION, CheckboxInput
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from direct_to_s3 import limits
from direct_to_s3.conf import app_settings
from direct_to_s3.content_types import describe
from direct_to_s3.models import Upload
from direct_to_s3.references import upload_id_from
from direct_to_s3.rules import UploadRules, rules_token
from direct_to_s3.validation import allowed_types, human_size

CLEAR_SUFFIX = "-clear"


class DirectFileWidget(forms.Widget):
    """`multiple`: the value is a list of references (a field taking several files).
    `rules`: its form field's, signed into the page when it renders (tokens expire)."""

    template_name = "direct_to_s3/widgets/direct_file.html"

    class Media:
        css = {"all": ["direct_to_s3/css/uploader.css"]}
        js = [forms.Script("direct_to_s3/js/widget.js", type="module")]

    def __init__(self, attrs: dict[str, Any] | None = None, *, multiple: bool = False) -> None:
        super().__init__(attrs)
        self.multiple = multiple
        self.rules = UploadRules()
        self.owner_id: Any = None  # the form's user: only their uploads are named

    def format_value(self, value: Any) -> Any:
        return value

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        options = app_settings()
        rules = self.rules
        visibility = rules.visibility or "private"
        types = (
            rules.allowed_types if rules.allowed_types is not None else allowed_types(visibility)
        )
        max_size = rules.max_size if rules.max_size is not None else options.max_size
        widget["attrs"].update(
            {
                "data-visibility": visibility,
                "data-allowed-types": ",".join(types),
                "data-allowed-types-text": describe(types),
                "data-max-size": str(max_size),
                "data-rules": rules_token(rules),
            }
        )
        widget["multiple"] = self.multiple
        widget["create_url"] = reverse("direct_to_s3:api-uploads")
        widget["list_url"] = reverse("direct_to_s3:api-uploads")
        widget["batch_start_url"] = reverse("direct_to_s3:api-batch-start")
        widget["batch_complete_url"] = reverse("direct_to_s3:api-batch-complete")
        widget["batch_limit"] = limits.batch_limit()
        widget["multipart_threshold"] = options.multipart_threshold
        widget["accept"] = "" if "*/*" in types else ",".join(types)
        who = "anyone with the link" if visibility == "public" else "only you"
        each = " each" if self.multiple else ""
        widget["rules_text"] = (
            f"Up to {human_size(max_size)}{each}: {describe(types)}. Visible to {who}."
        )
        widget["current"] = _current(value)
        widget["references"] = [
            {"value": reference, "name": _uploaded_name(reference, self.owner_id)}
            for reference in _references(value)
        ]
        return context

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, UploadedFile[Any]], name: str
    ) -> Any:
        if self.multiple:
            getlist = getattr(data, "getlist", None)
            values = getlist(name) if getlist else [data.get(name)]
            return [value for value in values if value]
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

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # the value is filled in by script, never typed


def _current(value: Any) -> dict[str, str] | None:
    """The saved file (never its key) as a name and a link."""
    if not isinstance(value, FieldFile) or not value.name:
        return None
    upload = Upload.objects.filter(key=value.name).only("original_name").first()
    name = upload.original_name if upload else value.name.rsplit("/", 1)[-1]
    return {"name": name, "url": value.url}


def _references(value: Any) -> Sequence[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str) and item]
    return []


def _uploaded_name(reference: str, owner_id: Any) -> str:
    """The name of the file a posted reference names, shown again when the form comes back
    with errors (nothing uploaded is lost); empty for a reference the form will refuse, and
    for another user's upload: a leaked reference names nothing."""
    try:
        upload_id = upload_id_from(reference)
    except signing.BadSignature:
        return ""
    if owner_id is None:
        return ""
    found = Upload.objects.filter(pk=upload_id, owner_id=owner_id).only("original_name").first()
    return found.original_name if found else ""
