"""Signals a project hooks into (thumbnails, scanning, notifications).

Each is sent once per event, after the database change is committed (`transaction.on_commit`),
so a rolled-back save or delete sends nothing. They are sent with `send_robust`: the change is
already committed, so a receiver's exception is logged (logger `django.dispatch`) and the other
receivers still run, instead of turning a done change into an error page.

    upload_completed(sender=Upload, upload)
        An upload became complete. Sent by the call that recorded it; completing it again,
        or in parallel, sends nothing more.

    file_attached(sender=<model class>, instance, field_name, upload, key)
        A save stored a new key in a `DirectFileField` (`field_name`); `upload` is its Upload,
        or None when no upload row has that key. Saving an unchanged file sends nothing.

    file_deleted(sender=<model class or Upload>, key, upload)
        The app deleted a file's object: a `DirectFileField` whose file was replaced, cleared
        or whose instance was deleted (sender: that model class), or `services.upload_delete`,
        which the API's DELETE and the uploads page call (sender: Upload). `upload` is the
        deleted Upload (no longer in the database), or None when the field's key had no upload
        row. One deletion sends one signal.
"""

from __future__ import annotations

from django.dispatch import Signal

upload_completed = Signal()
file_attached = Signal()
file_deleted = Signal()
