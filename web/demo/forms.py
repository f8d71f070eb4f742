"""The Documents page's form: a cover, a contract and any number of attachments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction

from demo.models import Attachment, Document
from direct_to_s3.forms import DirectUploadFormMixin


class DocumentForm(DirectUploadFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    # Several files at once, each saved as an Attachment (with that field's own rules).
    attachments = Attachment._meta.get_field("file").formfield(
        multiple=True, required=False, label="Add attachments"
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        queryset=Attachment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Remove attachments",
    )

    class Meta:
        model = Document
        fields = ["title", "cover", "contract"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["remove_attachments"].queryset = self.instance.attachments.all()
        else:
            del self.fields["remove_attachments"]

    @transaction.atomic
    def save(self, commit: bool = True) -> Document:
        document: Document = super().save()
        for upload in self.cleaned_data["attachments"]:
            Attachment.objects.create(document=document, file=upload.key)
        for attachment in self.cleaned_data.get("remove_attachments") or []:
            attachment.delete()  # the field deletes its file once this commits
        return document
