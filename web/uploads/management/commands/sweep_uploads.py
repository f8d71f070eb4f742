"""Abandon uploads left pending too long: abort their multipart uploads, delete their bytes.

Safe to run repeatedly, e.g. hourly from cron.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from uploads.services import sweep_stale_uploads


class Command(BaseCommand):
    help = "Abort and delete uploads pending longer than UPLOAD_PENDING_MAX_AGE (or --older-than)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="Age in seconds after which a pending upload is abandoned.",
        )

    def handle(self, *args: Any, older_than: int | None, **options: Any) -> None:
        age = older_than if older_than is not None else settings.UPLOAD_PENDING_MAX_AGE
        swept = sweep_stale_uploads(older_than=timedelta(seconds=age))
        self.stdout.write(f"Swept {swept} upload(s) pending for more than {age} s.")
