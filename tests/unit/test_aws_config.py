"""`manage.py aws_config`: least-privilege IAM policies, bucket policy and CORS for operators."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from direct_to_s3 import s3
from direct_to_s3.management.commands.aws_config import app_policy, setup_policy
from tests.conftest import bucket_name, change_app_settings, change_storage_options

S3_MODULE = Path(s3.__file__)
# Every S3 operation the app performs and the IAM action AWS checks for it.
ACTION_FOR_OPERATION = {
    "head_object": "s3:GetObject",
    "get_object": "s3:GetObject",
    "delete_object": "s3:DeleteObject",
    "delete_objects": "s3:DeleteObject",  # checked for each key of the request
    "create_multipart_upload": "s3:PutObject",
    "upload_part": "s3:PutObject",
    "complete_multipart_upload": "s3:PutObject",
    "list_parts": "s3:ListMultipartUploadParts",
    "abort_multipart_upload": "s3:AbortMultipartUpload",
    "generate_presigned_post": "s3:PutObject",
    "copy_object": "s3:GetObject",  # of the source; s3:PutObject of the destination
    "list_objects_v2": "s3:ListBucket",
    "head_bucket": "s3:ListBucket",
    "create_bucket": "s3:CreateBucket",
    "put_public_access_block": "s3:PutBucketPublicAccessBlock",
    "put_bucket_policy": "s3:PutBucketPolicy",
    "put_bucket_cors": "s3:PutBucketCORS",
    "put_bucket_lifecycle_configuration": "s3:PutLifecycleConfiguration",
}
BUCKET_SETUP_ACTIONS = {
    "s3:CreateBucket",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketPolicy",
    "s3:PutBucketCORS",
    "s3:PutLifecycleConfiguration",
}


def run(*args: str, **options: Any) -> str:
    out = StringIO()
    call_command("aws_config", *args, stdout=out, **options)
    return out.getvalue()


def actions(policy: dict[str, Any]) -> set[str]:
    return {action for statement in policy["Statement"] for action in statement["Action"]}


def grants(policy: dict[str, Any], action: str, resource: str) -> bool:
    for statement in policy["Statement"]:
        resources = statement["Resource"]
        resources = [resources] if isinstance(resources, str) else resources
        if action in statement["Action"] and any(
            re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), resource) for pattern in resources
        ):
            return True
    return False


def operations_in_s3_module() -> set[str]:
    source = S3_MODULE.read_text()
    called = set(re.findall(r"(?:client\(\)|\bs3)\.(\w+)\(", source))
    presigned = set(re.findall(r'generate_presigned_url\(\s*"(\w+)"', source))
    return (called - {"generate_presigned_url"}) | presigned


def test_every_s3_operation_of_the_app_is_mapped_to_an_iam_action() -> None:
    unmapped = operations_in_s3_module() - set(ACTION_FOR_OPERATION)

    assert not unmapped, f"uploads/s3.py calls {unmapped}: add them here and to the policies"


def test_the_policies_together_allow_every_operation_of_the_app() -> None:
    needed = {ACTION_FOR_OPERATION[op] for op in operations_in_s3_module()}

    assert needed <= actions(app_policy("b")) | actions(setup_policy("b"))


def test_the_app_policy_cannot_reconfigure_the_bucket() -> None:
    assert not actions(app_policy("b")) & BUCKET_SETUP_ACTIONS
    assert "s3:*" not in actions(app_policy("b"))


@pytest.mark.parametrize("prefix", ["media", "private", "incoming/media"])
@pytest.mark.parametrize(
    "action",
    [
        "s3:PutObject",
        "s3:GetObject",
        "s3:DeleteObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
    ],
)
def test_the_app_may_handle_uploads(prefix: str, action: str) -> None:
    assert grants(app_policy("b"), action, f"arn:aws:s3:::b/{prefix}/1234/a.png")


def test_the_app_reads_static_files_but_never_writes_them() -> None:
    policy = app_policy("b")

    assert grants(policy, "s3:GetObject", "arn:aws:s3:::b/static/staticfiles.json")
    assert not grants(policy, "s3:PutObject", "arn:aws:s3:::b/static/css/app.css")
    assert not grants(policy, "s3:DeleteObject", "arn:aws:s3:::b/static/css/app.css")


def test_the_app_touches_nothing_outside_its_prefixes() -> None:
    policy = app_policy("b")

    for action in actions(policy):
        assert not grants(policy, action, "arn:aws:s3:::b/other/file")
        assert not grants(policy, action, "arn:aws:s3:::other-bucket/media/file")


def test_the_app_lists_only_its_own_prefixes() -> None:
    (listing,) = [s for s in app_policy("b")["Statement"] if s["Action"] == ["s3:ListBucket"]]

    assert listing["Resource"] == "arn:aws:s3:::b"
    assert listing["Condition"] == {
        "StringLike": {"s3:prefix": ["media/*", "private/*", "incoming/*", "static/*"]}
    }


def test_the_setup_policy_configures_the_bucket_and_writes_static_only() -> None:
    policy = setup_policy("b")

    for action in BUCKET_SETUP_ACTIONS | {"s3:ListBucket"}:
        assert grants(policy, action, "arn:aws:s3:::b")
    for action in ("s3:PutObject", "s3:DeleteObject", "s3:GetObject"):
        assert grants(policy, action, "arn:aws:s3:::b/static/css/app.abc.css")
        assert not grants(policy, action, "arn:aws:s3:::b/private/1234/a.pdf")


def test_prints_one_document_as_plain_json_for_the_configured_bucket(settings) -> None:
    change_storage_options(settings, bucket_name="prod-uploads")

    printed = json.loads(run("app-policy"))

    assert printed == app_policy("prod-uploads")


def test_bucket_policy_is_the_one_s3_setup_writes() -> None:
    assert json.loads(run("bucket-policy")) == s3.public_read_policy(
        bucket_name(), ("media/", "static/")
    )


def test_cors_uses_the_given_origins() -> None:
    printed = json.loads(run("cors", origin=["https://uploads.example.com"]))

    assert printed == s3.cors_configuration(["https://uploads.example.com"])


def test_cors_defaults_to_s3_cors_origins(settings) -> None:
    change_app_settings(settings, CORS_ORIGINS=["https://a.example.com"])

    assert json.loads(run("cors"))["CORSRules"][0]["AllowedOrigins"] == ["https://a.example.com"]


def test_cors_needs_an_origin(settings) -> None:
    change_app_settings(settings, CORS_ORIGINS=[])

    with pytest.raises(CommandError, match="No origins"):
        run("cors")


def test_without_a_name_prints_every_document_under_a_heading() -> None:
    out = run(origin=["https://uploads.example.com"])

    headings = re.findall(r"^# ([\w-]+): ", out, flags=re.MULTILINE)
    assert headings == ["app-policy", "setup-policy", "bucket-policy", "cors"]
    for block in re.split(r"^# .*$", out, flags=re.MULTILINE)[1:]:
        json.loads(block)


def test_policies_use_the_version_aws_requires() -> None:
    for policy in (app_policy("b"), setup_policy("b")):
        assert policy["Version"] == "2012-10-17"
