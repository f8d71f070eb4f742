"""Clean up after uploads, e.g. hourly from cron; safe to run repeatedly.

- abandons uploads pending longer than PENDING_MAX_AGE (aborts their multipart uploads,
  deletes their bytes);
- empties the incoming area of everything no pending upload claims (what a reused ticket
  wrote after complete, cancel, delete or a failed check);
- deletes the rows of failed and cancelled uploads older than PURGE_AFTER;
- with --reconcile (e.g. daily; it lists the whole media/ and private/ prefixes): deletes
  objects no complete upload accounts for and reports complete uploads whose object is
  missing or changed since it was verified.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from direct_to_s3.checks import MAX_TICKET_SECONDS
from direct_to_s3.conf import app_settings
from direct_to_s3.services import (
    purge_finished_rows,
    reconcile_served_objects,
    sweep_incoming,
    sweep_stale_uploads,
)


class Command(BaseCommand):
    help = (
        "Abandon uploads pending longer than PENDING_MAX_AGE (or --older-than), empty "
        "the incoming area, purge old failed and cancelled rows; --reconcile checks the bucket "
        "against the rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="Age in seconds after which a pending upload is abandoned.",
        )
        parser.add_argument(
            "--reconcile",
            action="store_true",
            help="Also list media/ and private/: delete objects no complete upload accounts "
            "for, report uploads whose object is missing or changed.",
        )

    def handle(self, *args: Any, older_than: int | None, reconcile: bool, **options: Any) -> None:
        age = older_than if older_than is not None else app_settings().pending_max_age
        swept = sweep_stale_uploads(older_than=timedelta(seconds=age))
        self.stdout.write(f"Swept {swept} upload(s) pending for more than {age} s.")
        self.stdout.write(f"Removed {sweep_incoming()} unclaimed incoming object(s).")
        purged = purge_finished_rows(older_than=timedelta(seconds=app_settings().purge_after))
        self.stdout.write(f"Purged {purged} failed or cancelled upload(s).")
        if not reconcile:
            return
        result = reconcile_served_objects(grace=timedelta(seconds=MAX_TICKET_SECONDS))
        self.stdout.write(f"Removed {len(result.removed)} object(s) no upload accounts for.")
        for key in result.removed:
            self.stdout.write(f"  removed {key}")
        for key in result.changed:
            self.stderr.write(f"Changed or missing since it was verified: {key}")
        if result.changed:
            self.stderr.write(
                f"{len(result.changed)} complete upload(s) no longer match their object."
            )
