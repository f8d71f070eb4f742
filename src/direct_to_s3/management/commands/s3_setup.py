"""Prepare the bucket: create it, allow the app's origins (CORS), make media/ and static/ public.

Idempotent: safe to run on every deploy, against the local server or AWS.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from direct_to_s3 import s3
from direct_to_s3.errors import StorageUnavailable


class Command(BaseCommand):
    help = "Create the bucket if needed, set its CORS rules and its public-read policy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--origin",
            action="append",
            dest="origins",
            help="A browser origin allowed to upload (repeatable). Default: S3_CORS_ORIGINS.",
        )

    def handle(self, *args: Any, origins: list[str] | None, **options: Any) -> None:
        origins = origins or settings.S3_CORS_ORIGINS
        if not origins:
            raise CommandError("No origins: set S3_CORS_ORIGINS or pass --origin.")
        bucket = settings.AWS_STORAGE_BUCKET_NAME
        try:
            created = s3.ensure_bucket()
            s3.allow_public_bucket_policy()
            s3.put_public_read_policy()
            s3.put_cors(origins)
            s3.put_lifecycle_rules()
        except StorageUnavailable as error:
            raise CommandError(
                f"Cannot reach S3 at {settings.AWS_S3_ENDPOINT_URL or 'AWS'}: {error.__cause__}"
            ) from error
        self.stdout.write(
            f"Bucket {bucket}: {'created' if created else 'exists'}; public read on media/ and "
            f"static/; uploads allowed from {', '.join(origins)}; unfinished multipart uploads "
            "aborted after 1 day."
        )
