"""DirectFileField: the key it stores, its URLs, its migrations and the objects it deletes."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from direct_to_s3.fields import DirectFileField, parse_size
from direct_to_s3.models import Upload
from tests.conftest import bucket_name
from tests.testapp.models import Document

pytestmark = pytest.mark.django_db


def stored(moto_s3: Any, upload: Upload, body: bytes = b"\x89PNG") -> Upload:
    moto_s3.put_object(Bucket=bucket_name(), Key=upload.key, Body=body)
    return upload


def exists(moto_s3: Any, key: str) -> bool:
    try:
        moto_s3.head_object(Bucket=bucket_name(), Key=key)
    except ClientError:
        return False
    return True


def test_the_field_stores_the_object_key(user: Any, make_upload: Any) -> None:
    upload = make_upload(user)
    Document.objects.create(owner=user, cover=upload.key)

    assert Document.objects.get().cover.name == upload.key


def test_a_public_file_url_is_its_unsigned_public_url(user: Any, make_upload: Any) -> None:
    upload = make_upload(user)
    document = Document(owner=user, cover=upload.key)

    assert document.cover.url == f"https://test-uploads.s3.us-east-1.amazonaws.com/{upload.key}"


def test_a_public_file_url_is_on_the_cdn_when_there_is_one(
    user: Any, make_upload: Any, storage_options: Any
) -> None:
    storage_options(custom_domain="cdn.example.com", aliases=("public_media",))
    upload = make_upload(user)

    assert Document(cover=upload.key).cover.url == f"https://cdn.example.com/{upload.key}"


def test_a_private_file_url_is_signed_and_short_lived(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, visibility="private")

    url = Document(contract=upload.key).contract.url

    assert f"/test-uploads/{upload.key}?" in url
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url


def test_a_script_capable_public_file_is_never_served_inline(user: Any, make_upload: Any) -> None:
    upload = make_upload(user, content_type="image/svg+xml", original_name="a.svg")

    url = Document(cover=upload.key).cover.url

    assert "X-Amz-Signature=" in url
    assert "attachment" in url


def test_size_is_the_stored_object_size(moto_s3: Any, user: Any, make_upload: Any) -> None:
    upload = stored(moto_s3, make_upload(user), body=b"12345")

    assert Document(cover=upload.key).cover.size == 5


def test_a_key_of_the_other_visibility_cannot_be_opened(user: Any, make_upload: Any) -> None:
    private = make_upload(user, visibility="private")

    with pytest.raises(Exception, match="is not a public file"):
        Document(cover=private.key).cover.size  # noqa: B018


def test_deconstruct_round_trips_without_a_storage() -> None:
    field = DirectFileField(visibility="public", allowed_types=["image/*"], max_size="20 MB")

    _, path, args, kwargs = field.deconstruct()

    assert path == "direct_to_s3.fields.DirectFileField"
    assert kwargs == {"visibility": "public", "allowed_types": ["image/*"], "max_size": "20 MB"}
    assert DirectFileField(*args, **kwargs).deconstruct()[1:] == (path, args, kwargs)


def test_deconstruct_keeps_turning_deletion_off() -> None:
    kwargs = DirectFileField(delete_replaced=False).deconstruct()[3]

    assert kwargs == {"visibility": "private", "delete_replaced": False}


def test_an_unknown_visibility_is_refused() -> None:
    with pytest.raises(ValueError, match="visibility"):
        DirectFileField(visibility="secret")


def test_allowed_types_must_be_patterns() -> None:
    with pytest.raises(ValueError, match="allowed_types"):
        DirectFileField(allowed_types=["images"])


def test_a_storage_of_its_own_is_refused() -> None:
    with pytest.raises(TypeError, match="storage"):
        DirectFileField(storage="public_media")


@pytest.mark.parametrize(
    ("value", "size"),
    [(1000, 1000), ("20 MB", 20 * 1024**2), ("1.5 GiB", 1536 * 1024**2), ("512", 512)],
)
def test_sizes_are_read_in_bytes_or_units(value: Any, size: int) -> None:
    assert parse_size(value) == size


@pytest.mark.parametrize("value", ["twenty", "-1 MB", 0, "5 XB"])
def test_a_size_that_is_not_one_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="size"):
        parse_size(value)


def test_replacing_a_file_deletes_the_old_object_and_upload(
    moto_s3: Any, user: Any, make_upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old, new = stored(moto_s3, make_upload(user)), stored(moto_s3, make_upload(user))
    document = Document.objects.create(owner=user, cover=old.key)
    document = Document.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        document.cover = new.key
        document.save()

    assert not exists(moto_s3, old.key)
    assert not Upload.objects.filter(pk=old.pk).exists()
    assert exists(moto_s3, new.key)


def test_replacing_a_file_another_instance_still_holds_keeps_the_object(
    moto_s3: Any, user: Any, make_upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    shared, new = stored(moto_s3, make_upload(user)), stored(moto_s3, make_upload(user))
    Document.objects.create(owner=user, cover=shared.key)
    document = Document.objects.create(owner=user, cover=shared.key)
    document = Document.objects.get(pk=document.pk)

    with django_capture_on_commit_callbacks(execute=True):
        document.cover = new.key
        document.save()

    assert exists(moto_s3, shared.key)
    assert Upload.objects.filter(pk=shared.pk).exists()


def test_deleting_an_instance_keeps_a_file_another_instance_holds(
    moto_s3: Any, user: Any, make_upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    shared = stored(moto_s3, make_upload(user))
    Document.objects.create(owner=user, cover=shared.key)
    document = Document.objects.create(owner=user, cover=shared.key)

    with django_capture_on_commit_callbacks(execute=True):
        document.delete()

    assert exists(moto_s3, shared.key)


def test_clearing_a_file_deletes_the_old_object(
    moto_s3: Any, user: Any, make_upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cover = stored(moto_s3, make_upload(user))
    contract = stored(moto_s3, make_upload(user, visibility="private"))
    Document.objects.create(owner=user, cover=cover.key, contract=contract.key)
    document = Document.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        document.contract = ""
        document.save()

    assert not exists(moto_s3, contract.key)
    assert exists(moto_s3, cover.key)


def test_saving_an_unchanged_file_keeps_it(
    moto_s3: Any, user: Any, make_upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cover = stored(moto_s3, make_upload(user))
    Document.objects.create(owner=user, cover=cover.key)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Document.objects.get().save()

    assert callbacks == []
    assert exists(moto_s3, cover.key)


def test_a_file_replaced_twice_on_one_instance_deletes_each_old_one(
    moto_s3: Any, user: Any, make_upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first, second, third = (stored(moto_s3, make_upload(user)) for _ in range(3))
    document = Document.objects.create(owner=user, cover=first.key)

    with django_capture_on_commit_callbacks(execute=True):
        document.cover = second.key
        document.save()
        document.cover = third.key
        document.save()

    assert [exists(moto_s3, u.key) for u in (first, second, third)] == [False, False, True]


def test_deleting_the_instance_deletes_its_objects(
    moto_s3: Any, user: Any, make_upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cover = stored(moto_s3, make_upload(user))
    Document.objects.create(owner=user, cover=cover.key)

    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.get().delete()

    assert not exists(moto_s3, cover.key)


def test_nothing_is_deleted_when_the_save_rolls_back(
    moto_s3: Any, user: Any, make_upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old, new = stored(moto_s3, make_upload(user)), stored(moto_s3, make_upload(user))
    Document.objects.create(owner=user, cover=old.key)
    document = Document.objects.get()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document.cover = new.key
        document.save()

    assert len(callbacks) == 2  # the deletion and file_attached, run once it commits
    assert exists(moto_s3, old.key)


def test_deconstruct_leaves_the_default_deletion_to_the_setting(app_settings: Any) -> None:
    app_settings(DELETE_REPLACED_FILES=False)

    assert "delete_replaced" not in DirectFileField().deconstruct()[3]


def test_deconstruct_keeps_an_explicit_deletion() -> None:
    kwargs = DirectFileField(delete_replaced=True).deconstruct()[3]

    assert kwargs == {"visibility": "private", "delete_replaced": True}


def test_with_the_setting_off_replacing_a_file_keeps_the_old_object(
    moto_s3: Any,
    user: Any,
    make_upload: Any,
    app_settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    app_settings(DELETE_REPLACED_FILES=False)
    old, new = stored(moto_s3, make_upload(user)), stored(moto_s3, make_upload(user))
    Document.objects.create(owner=user, cover=old.key)
    document = Document.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        document.cover = new.key
        document.save()

    assert exists(moto_s3, old.key)
    assert Upload.objects.filter(pk=old.pk).exists()


def test_with_the_setting_off_deleting_an_instance_keeps_its_file(
    moto_s3: Any,
    user: Any,
    make_upload: Any,
    app_settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    app_settings(DELETE_REPLACED_FILES=False)
    cover = stored(moto_s3, make_upload(user))
    document = Document.objects.create(owner=user, cover=cover.key)

    with django_capture_on_commit_callbacks(execute=True):
        document.delete()

    assert exists(moto_s3, cover.key)


def test_a_fields_own_delete_replaced_wins_over_the_setting(app_settings: Any) -> None:
    app_settings(DELETE_REPLACED_FILES=False)

    assert DirectFileField(delete_replaced=True).delete_replaced is True
    assert DirectFileField().delete_replaced is False


def test_with_the_setting_off_a_field_saying_true_still_deletes_the_old_object(
    moto_s3: Any,
    user: Any,
    make_upload: Any,
    app_settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    app_settings(DELETE_REPLACED_FILES=False)
    monkeypatch.setattr(Document._meta.get_field("cover"), "delete_replaced_option", True)
    old, new = stored(moto_s3, make_upload(user)), stored(moto_s3, make_upload(user))
    Document.objects.create(owner=user, cover=old.key)
    document = Document.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        document.cover = new.key
        document.save()

    assert not exists(moto_s3, old.key)
    assert exists(moto_s3, new.key)
