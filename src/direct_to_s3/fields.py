"""A model field for files uploaded straight to S3: it stores the object's key.

    class Document(models.Model):
        cover = DirectFileField(visibility="public", allowed_types=["image/*"], max_size="20 MB")
        contract = DirectFileField(visibility="private", blank=True)

The column holds the whole bucket key of a completed upload (`media/<id>/photo.png`), so
`doc.cover.name`, `.size`, `.open()` and `.url` work as on any FileField: `.url` is the public
(or CDN) URL of a public file and a fresh short-lived signed URL of a private one, by the rule
of `visibility.py`. A form sets it only from a signed reference to the user's own completed
upload (`forms.DirectFileFormField`), never from a key typed into a form.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import re
from collections.abc import Callable, Sequence
from typing import IO, Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import Storage
from django.db import models, router, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_init

from direct_to_s3 import content_types, s3, services, signals
from direct_to_s3 import visibility as visibilities
from direct_to_s3.checks import S3_MAX_OBJECT_SIZE
from direct_to_s3.conf import app_settings
from direct_to_s3.models import Upload
from direct_to_s3.rules import normalise_key_prefix

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B|bytes)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "BYTES": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def parse_size(value: int | str) -> int:
    """Bytes from `20971520`, `"20 MB"` or `"1.5 GiB"` (KB, MB, GB, TB count in 1024s, as the
    app's messages do)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value <= 0:
            raise ValueError(f"A size must be positive, not {value!r}.")
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"Not a size: {value!r} (e.g. 20971520 or '20 MB').")
    number, unit = match.groups()
    unit = (unit or "").upper()
    size = int(float(number) * _UNITS[unit if unit in _UNITS else unit[0]])
    if size <= 0:
        raise ValueError(f"A size must be positive, not {value!r}.")
    return size


class VisibilityStorage(Storage):
    """The STORAGES alias of a visibility, addressed by whole bucket keys (`media/…`).

    The alias is looked up on each call, so a project's (or a test's) STORAGES and app settings
    are always the current ones; nothing of it is frozen into migrations.
    """

    def __init__(self, visibility: str) -> None:
        if visibility not in visibilities.VISIBILITIES:
            choices = visibilities.VISIBILITIES
            raise ValueError(f"visibility must be one of {choices}, not {visibility!r}.")
        self.visibility = visibility

    def _storage(self) -> Storage:
        found: Storage = s3.storage(visibilities.storage_alias(self.visibility))
        return found

    def _relative(self, key: str) -> str:
        prefix = visibilities.prefix(self.visibility)
        if not key.startswith(prefix):
            raise SuspiciousFileOperation(f"{key!r} is not a {self.visibility} file.")
        return key[len(prefix) :]

    def _open(self, name: str, mode: str = "rb") -> Any:
        return self._storage().open(self._relative(name), mode)

    def _save(self, name: str, content: IO[Any]) -> str:
        saved = self._storage().save(self._relative(name), content)
        return visibilities.prefix(self.visibility) + saved

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        available = self._storage().get_available_name(self._relative(name), max_length)
        return visibilities.prefix(self.visibility) + available

    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        relative = self._storage().generate_filename(filename)
        return visibilities.prefix(self.visibility) + relative

    def delete(self, name: str) -> None:
        self._storage().delete(self._relative(name))

    def exists(self, name: str) -> bool:
        return self._storage().exists(self._relative(name))

    def size(self, name: str) -> int:
        return self._storage().size(self._relative(name))

    def url(self, name: str | None) -> str:
        if not name:
            raise ValueError("This file has no name.")
        return url_for(key=name, visibility_name=self.visibility)


def url_for(*, key: str, visibility_name: str) -> str:
    """The key's public URL or a fresh signed one; its upload's type and name when it has one."""
    upload = Upload.objects.filter(key=key).only("content_type", "original_name").first()
    if upload is not None:
        content_type, download_name = upload.content_type, upload.original_name
    else:
        guessed = mimetypes.guess_type(key)[0]
        content_type, download_name = guessed or FALLBACK_CONTENT_TYPE, posixpath.basename(key)
    return visibilities.file_url(
        key=key,
        visibility=visibility_name,
        content_type=content_type,
        download_name=download_name,
    )


class DirectFileField(models.FileField):
    """Stores the key of an upload made straight to S3 (see the module's docstring).

    `visibility` picks the storage and URL rule; `allowed_types` (e.g. `["image/*",
    "application/pdf"]`), `max_size` (bytes or `"20 MB"`) and `key_prefix` (a folder below
    the visibility's prefix, e.g. `"covers/"`) replace the app's defaults for this field: the
    upload's S3 policy is signed by them and its form field accepts nothing else;
    `delete_replaced` deletes the old object (and its upload) once a save that replaces or
    clears it, or deletes the instance, is committed; without it (None), the project's
    DIRECT_TO_S3["DELETE_REPLACED_FILES"] decides.
    """

    description = "A file uploaded straight to S3"

    def __init__(
        self,
        verbose_name: str | None = None,
        name: str | None = None,
        *,
        visibility: str = visibilities.PRIVATE,
        allowed_types: Sequence[str] | None = None,
        max_size: int | str | None = None,
        key_prefix: str = "",
        delete_replaced: bool | None = None,
        **kwargs: Any,
    ) -> None:
        for option in ("storage", "upload_to"):
            if option in kwargs:
                raise TypeError(f"DirectFileField takes no {option!r}: `visibility` decides.")
        self.visibility = visibility
        if allowed_types is not None and not all(map(content_types.is_pattern, allowed_types)):
            raise ValueError(f"allowed_types are MIME types or image/* patterns: {allowed_types!r}")
        self.allowed_types = list(allowed_types) if allowed_types is not None else None
        self.max_size_option = max_size
        self.max_size = parse_size(max_size) if max_size is not None else None
        if self.max_size is not None and self.max_size > S3_MAX_OBJECT_SIZE:
            raise ValueError("max_size is over S3's limit for one object (5 TiB).")
        self.key_prefix = normalise_key_prefix(key_prefix)
        self.delete_replaced_option = delete_replaced
        kwargs.setdefault("max_length", Upload._meta.get_field("key").max_length)
        super().__init__(verbose_name, name, storage=VisibilityStorage(visibility), **kwargs)

    def deconstruct(self) -> Any:
        name, _, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)
        kwargs.pop("upload_to", None)
        if kwargs.get("max_length") == Upload._meta.get_field("key").max_length:
            del kwargs["max_length"]
        kwargs["visibility"] = self.visibility
        if self.allowed_types is not None:
            kwargs["allowed_types"] = self.allowed_types
        if self.max_size_option is not None:
            kwargs["max_size"] = self.max_size_option
        if self.key_prefix:
            kwargs["key_prefix"] = self.key_prefix
        # None (the setting decides) stays out, so migrations do not follow the setting.
        if self.delete_replaced_option is not None:
            kwargs["delete_replaced"] = self.delete_replaced_option
        return name, "direct_to_s3.fields.DirectFileField", args, kwargs

    @property
    def delete_replaced(self) -> bool:
        """The field's own `delete_replaced`, else DIRECT_TO_S3["DELETE_REPLACED_FILES"]."""
        if self.delete_replaced_option is not None:
            return self.delete_replaced_option
        return app_settings().delete_replaced_files

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False, **kwargs: Any
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only, **kwargs)
        # Connected unless the field itself says no: the setting is read when a file would be
        # deleted, not when models load.
        if not cls._meta.abstract and self.delete_replaced_option is not False:
            post_init.connect(self._remember_saved_key, sender=cls, weak=False)
            post_delete.connect(self._delete_with_instance, sender=cls, weak=False)

    def _remember_saved_key(self, instance: models.Model, **kwargs: Any) -> None:
        _saved_keys(instance)[self.attname] = instance.__dict__.get(self.attname)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        file = super().pre_save(model_instance, add)
        saved = _saved_keys(model_instance)
        new = _key(file)
        # Django 6 may call pre_save twice in one insert: act once per stored value.
        handled = model_instance.__dict__.setdefault("_direct_to_s3_handled", {})
        if handled.get(self.attname) == new:
            return file
        handled[self.attname] = new
        sender = type(model_instance)
        using = model_instance._state.db or router.db_for_write(sender, instance=model_instance)
        if add:
            old = ""  # a new instance has nothing saved to replace, whatever it was built with
        elif self.attname in saved:
            old = _key(saved[self.attname])
        else:
            # Without delete_replaced nothing recorded the loaded key; the row still holds it.
            rows = sender._default_manager.using(using).filter(pk=model_instance.pk)
            old = _key(rows.values_list(self.attname, flat=True).first())
        if self.delete_replaced and old and old != new:
            # Robust: S3 being down must not turn the committed save into an error page.
            transaction.on_commit(self._deleter(old, sender=sender), using=using, robust=True)
        if new and new != old:

            def attached() -> None:
                signals.file_attached.send_robust(
                    sender=sender,
                    instance=model_instance,
                    field_name=self.name,
                    upload=Upload.objects.filter(key=new).first(),
                    key=new,
                )

            transaction.on_commit(attached, using=using)
        saved[self.attname] = new
        return file

    def _delete_with_instance(self, instance: models.Model, **kwargs: Any) -> None:
        key = _key(getattr(instance, self.attname))
        if key and self.delete_replaced:
            transaction.on_commit(
                self._deleter(key, sender=type(instance)), using=instance._state.db, robust=True
            )

    def _deleter(self, key: str, *, sender: type[models.Model]) -> Callable[[], None]:
        def delete() -> None:
            if self.model._default_manager.filter(**{self.attname: key}).exists():
                return  # another instance still holds this file (one upload attached twice)
            upload = Upload.objects.filter(key=key).first()
            if upload is not None:
                services.upload_delete(upload=upload, sender=sender)  # sends file_deleted
            else:
                self.storage.delete(key)
                signals.file_deleted.send_robust(sender=sender, key=key, upload=None)

        return delete

    def save_form_data(self, instance: models.Model, data: Any) -> None:
        # The form field hands over the verified Upload, False to clear, or the file unchanged.
        if isinstance(data, Upload):
            setattr(instance, self.attname, data.key)
        elif data is False:
            setattr(instance, self.attname, "")

    def formfield(self, **kwargs: Any) -> Any:
        """Its own form field and widget; `multiple=True` gives one taking several files (to
        save to a related model). A widget meant for FileFields (the admin's) is ignored."""
        from direct_to_s3.forms import DirectFileFormField
        from direct_to_s3.widgets import DirectFileWidget

        widget = kwargs.get("widget")
        if widget is not None and not (
            isinstance(widget, DirectFileWidget)
            or (isinstance(widget, type) and issubclass(widget, DirectFileWidget))
        ):
            del kwargs["widget"]

        return super().formfield(
            **{
                "form_class": DirectFileFormField,
                "visibility": self.visibility,
                "allowed_types": self.allowed_types,
                "max_size": self.max_size,
                "key_prefix": self.key_prefix,
                **kwargs,
            }
        )


def _saved_keys(instance: models.Model) -> dict[str, str | None]:
    """The keys each DirectFileField of `instance` held when loaded or last saved."""
    found: dict[str, str | None] = instance.__dict__.setdefault("_direct_to_s3_saved_keys", {})
    return found


def _key(value: Any) -> str:
    if isinstance(value, FieldFile):
        return value.name or ""
    return value or "" if isinstance(value, str) else ""
