"""Prepare the bucket: create it, allow the app's origins (CORS), make public media and static
files readable by anyone (bucket policy), expire what nobody finished.

Idempotent: safe to run on every deploy, against the local server or AWS.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from direct_to_s3 import s3, visibility
from direct_to_s3.conf import app_settings
from direct_to_s3.errors import StorageUnavailable
from direct_to_s3.keys import INCOMING_PREFIX


class Command(BaseCommand):
    help = "Create the bucket if needed, set its CORS rules and its public-read policy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--origin",
            action="append",
            dest="origins",
            help="A browser origin allowed to upload (repeatable). Default: CORS_ORIGINS.",
        )

    def handle(self, *args: Any, origins: list[str] | None, **options: Any) -> None:
        origins = origins or list(app_settings().cors_origins)
        if not origins:
            raise CommandError("No origins: set DIRECT_TO_S3['CORS_ORIGINS'] or pass --origin.")
        bucket = s3.bucket()
        public = visibility.public_prefixes()
        try:
            created = s3.ensure_bucket()
            s3.allow_public_bucket_policy()
            s3.put_public_read_policy(public)
            s3.put_cors(origins)
            s3.put_lifecycle_rules(incoming_prefix=INCOMING_PREFIX)
        except StorageUnavailable as error:
            raise CommandError(
                f"Cannot reach S3 at {bucket.endpoint_url or 'AWS'}: {error.__cause__}"
            ) from error
        self.stdout.write(
            f"Bucket {bucket.name}: {'created' if created else 'exists'}; public read on "
            f"{' and '.join(public)}; uploads allowed from {', '.join(origins)}; unfinished "
            "multipart uploads aborted after 1 day."
        )
