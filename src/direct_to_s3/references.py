"""Signed, expiring references to completed uploads: what a form receives instead of a key.

The API puts `reference_for(upload)` in a completed upload's JSON (`form_reference`); the
form widget posts it back and `forms.DirectFileFormField` accepts nothing else.
"""

from __future__ import annotations

import uuid

from django.core import signing

from direct_to_s3.conf import app_settings
from direct_to_s3.models import Upload

REFERENCE_SALT = "direct_to_s3.forms.reference"


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
