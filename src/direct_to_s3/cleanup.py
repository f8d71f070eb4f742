"""Objects to delete once the person has their answer, such as a completed file's incoming copy.

The view that answers hands a `Cleanup` to the service and answers with a response that runs it
from `close()`. Servers call that once the last byte is sent and before the worker takes its
next request (gunicorn's sync workers, Django's runserver and live server; ASGI servers after
the body's last message); Django's test client calls it before returning. No thread is left to
finish it, which a restarting worker could kill.

Deleting here is tidying: the answer was already sent, so a failure is a warning naming what
was left, and `sweep_uploads` removes it (incoming copies; `--reconcile` served ones).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

from django.db import transaction

from direct_to_s3 import s3

logger = logging.getLogger(__name__)


class Cleanup:
    """Keys to delete after the answer, in one request; once it has run, at once."""

    def __init__(self) -> None:
        self._keys: list[str] | None = []

    @classmethod
    def now(cls) -> Cleanup:
        """For a caller with no answer to send first (a command, a service called directly)."""
        cleanup = cls()
        cleanup.run()
        return cleanup

    def delete(self, keys: Sequence[str]) -> None:
        """Delete `keys` once the answer has been sent and the current transaction commits
        (a rolled-back complete still needs its incoming copy)."""
        if keys:
            transaction.on_commit(functools.partial(self._add, list(keys)))

    def _add(self, keys: list[str]) -> None:
        if self._keys is None:
            _delete(keys)
        else:
            self._keys.extend(keys)

    def run(self) -> None:
        """The answer has been sent: delete what waited, and from now on at once."""
        keys, self._keys = self._keys or [], None
        if keys:
            _delete(keys)


def _delete(keys: list[str]) -> None:
    try:
        if len(keys) == 1:
            s3.delete_object(keys[0])  # a DELETE: the one request a single complete leaves
            left = []
        else:
            left = s3.delete_objects(keys)
    except Exception:  # the answer was sent: what fails here can only be left to the sweep
        left = keys
    if left:
        logger.warning(
            "After answering, could not delete %d object(s), left for sweep_uploads: %s",
            len(left),
            ", ".join(left[:5]),
        )
