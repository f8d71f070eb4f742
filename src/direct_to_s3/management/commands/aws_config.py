"""Print the AWS documents an operator pastes: IAM policies, bucket policy, CORS rules.

`manage.py aws_config` prints them all, each after a `#` line naming it;
`manage.py aws_config <document>` prints one as plain JSON, ready for a file or the AWS CLI.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from direct_to_s3 import s3, visibility
from direct_to_s3.conf import app_settings
from direct_to_s3.keys import INCOMING_PREFIX


def upload_prefixes() -> tuple[str, ...]:
    """Where the app keeps objects: served ones, and small files before complete promotes them.
    The static prefix is written only by collectstatic at deploy time."""
    return (*visibility.served_prefixes(), INCOMING_PREFIX)


def _objects(bucket: str, *prefixes: str) -> list[str]:
    return [f"arn:aws:s3:::{bucket}/{prefix}*" for prefix in prefixes]


def app_policy(bucket: str) -> dict[str, Any]:
    """What the running app needs: its uploads, reading the static manifest, 404s not 403s."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # Signing a POST policy or a part URL needs the right to do it oneself.
                "Sid": "Uploads",
                "Effect": "Allow",
                "Action": [
                    "s3:PutObject",
                    "s3:GetObject",
                    "s3:DeleteObject",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                "Resource": _objects(bucket, *upload_prefixes()),
            },
            {
                "Sid": "ReadStaticManifest",
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": _objects(bucket, visibility.static_prefix()),
            },
            {
                # Without it S3 answers 403, not 404, for a key that is not there (yet). S3
                # checks it with the missing key as s3:prefix, so the app's prefixes suffice.
                # `sweep_uploads` lists the same prefixes.
                "Sid": "KnowWhatIsMissing",
                "Effect": "Allow",
                "Action": ["s3:ListBucket"],
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {
                    "StringLike": {
                        "s3:prefix": [
                            f"{p}*" for p in (*upload_prefixes(), visibility.static_prefix())
                        ]
                    }
                },
            },
        ],
    }


def setup_policy(bucket: str) -> dict[str, Any]:
    """What deploying needs: `manage.py s3_setup` and `manage.py collectstatic`."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ConfigureBucket",
                "Effect": "Allow",
                "Action": [
                    "s3:CreateBucket",
                    "s3:ListBucket",
                    "s3:PutBucketPublicAccessBlock",
                    "s3:PutBucketPolicy",
                    "s3:PutBucketCORS",
                    "s3:PutLifecycleConfiguration",
                ],
                "Resource": f"arn:aws:s3:::{bucket}",
            },
            {
                "Sid": "CollectStatic",
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                "Resource": _objects(bucket, visibility.static_prefix()),
            },
        ],
    }


DOCUMENTS = {
    "app-policy": "IAM policy for the app's role or user (the running web app)",
    "setup-policy": "IAM policy for deploying (s3_setup and collectstatic); add it to the "
    "same role if the app deploys itself",
    "bucket-policy": "Bucket policy: anyone may read public media and static files "
    "(s3_setup sets it)",
    "cors": "Bucket CORS configuration: browsers on these origins may upload (s3_setup sets it)",
}


class Command(BaseCommand):
    help = "Print the IAM policies, bucket policy and CORS rules for the configured bucket."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "document", nargs="?", choices=list(DOCUMENTS), help="Print only this one."
        )
        parser.add_argument(
            "--origin",
            action="append",
            dest="origins",
            help="A browser origin allowed to upload (repeatable). Default: CORS_ORIGINS.",
        )

    def handle(
        self, *args: Any, document: str | None, origins: list[str] | None, **options: Any
    ) -> None:
        bucket = s3.bucket().name
        origins = origins or list(app_settings().cors_origins)
        if not origins and document in (None, "cors"):
            raise CommandError("No origins: set DIRECT_TO_S3['CORS_ORIGINS'] or pass --origin.")
        builders: dict[str, Callable[[], dict[str, Any]]] = {
            "app-policy": lambda: app_policy(bucket),
            "setup-policy": lambda: setup_policy(bucket),
            "bucket-policy": lambda: s3.public_read_policy(bucket, visibility.public_prefixes()),
            "cors": lambda: s3.cors_configuration(origins),
        }
        if document is not None:
            self.stdout.write(json.dumps(builders[document](), indent=2))
            return
        for name, build in builders.items():
            self.stdout.write(f"# {name}: {DOCUMENTS[name]}")
            self.stdout.write(json.dumps(build(), indent=2))
