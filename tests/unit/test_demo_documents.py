"""The demo site's Documents pages: one's own documents only, attachments added and removed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from demo.models import Attachment, Document
from direct_to_s3.references import reference_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(user: Any, make_upload: Any) -> Document:
    return Document.objects.create(owner=user, title="Lease", cover=make_upload(user).key)


def test_the_list_shows_only_ones_own_documents(
    api: Client, document: Document, other_user: Any, make_upload: Any
) -> None:
    Document.objects.create(owner=other_user, title="Theirs", cover=make_upload(other_user).key)

    page = api.get("/documents/").content.decode()

    assert "Lease" in page
    assert "Theirs" not in page


def test_another_users_document_cannot_be_edited(
    client: Client, other_user: Any, document: Document
) -> None:
    client.force_login(other_user)

    assert client.get(f"/documents/{document.pk}/edit").status_code == 404


def test_attachments_are_added_from_several_uploads(
    api: Client, user: Any, document: Document, make_upload: Any
) -> None:
    first, second = (make_upload(user, visibility="private") for _ in range(2))

    response = api.post(
        f"/documents/{document.pk}/edit",
        {"title": "Lease", "attachments": [reference_for(first), reference_for(second)]},
    )

    assert response.status_code == 302
    assert sorted(a.file.name for a in document.attachments.all()) == sorted(
        [first.key, second.key]
    )


def test_ticked_attachments_are_removed(
    api: Client, user: Any, document: Document, make_upload: Any, moto_s3: Any
) -> None:
    kept, removed = (
        Attachment.objects.create(
            document=document, file=make_upload(user, visibility="private").key
        )
        for _ in range(2)
    )

    response = api.post(
        f"/documents/{document.pk}/edit", {"title": "Lease", "remove_attachments": [removed.pk]}
    )

    assert response.status_code == 302
    assert list(document.attachments.all()) == [kept]


def test_a_new_document_needs_its_cover(api: Client) -> None:
    response = api.post("/documents/new", {"title": "No cover"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Document.objects.exists()
