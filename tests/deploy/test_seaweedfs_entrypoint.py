"""The s3 service's entry point, run with compose's own arguments against the real `weed`.

Only the addresses change: 127.0.0.1 and free ports instead of the container's network.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.deploy.helpers import ENTRYPOINT, entrypoint_env, seaweedfs_as_compose_runs_it

ACCESS_KEY = "entrypoint-access-key"
SECRET_KEY = "entrypoint-secret-key"
KEYS = {"S3_ACCESS_KEY": ACCESS_KEY, "S3_SECRET_KEY": SECRET_KEY}


@pytest.fixture(scope="module")
def served(stack: dict[str, Any], tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("entrypoint")
    s3_service = {**stack["services"]["s3"], "environment": KEYS}
    with seaweedfs_as_compose_runs_it(s3_service, folder) as endpoint:
        yield {"endpoint": endpoint, "dir": folder}


def client(endpoint: str, access_key: str, secret_key: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def test_the_keys_from_the_environment_open_the_server(served: dict[str, Any]) -> None:
    s3 = client(served["endpoint"], ACCESS_KEY, SECRET_KEY)

    s3.create_bucket(Bucket="entrypoint-check")
    s3.put_object(Bucket="entrypoint-check", Key="a.txt", Body=b"a")

    assert s3.get_object(Bucket="entrypoint-check", Key="a.txt")["Body"].read() == b"a"


def test_other_keys_are_refused(served: dict[str, Any]) -> None:
    s3 = client(served["endpoint"], ACCESS_KEY, "not-the-secret-key")

    with pytest.raises(ClientError) as refused:
        s3.list_buckets()

    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_the_healthcheck_url_answers_200(served: dict[str, Any]) -> None:
    assert requests.get(f"{served['endpoint']}/healthz", timeout=5).status_code == 200


def test_anonymous_requests_are_refused(served: dict[str, Any]) -> None:
    assert requests.get(served["endpoint"], timeout=5).status_code == 403


def test_the_identities_file_is_private_to_the_server(served: dict[str, Any]) -> None:
    identities = served["dir"] / "identities.json"

    assert identities.stat().st_mode & 0o077 == 0
    (identity,) = json.loads(identities.read_text())["identities"]
    assert identity["credentials"] == [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]


@pytest.mark.parametrize("missing", ["S3_ACCESS_KEY", "S3_SECRET_KEY"])
def test_it_refuses_to_start_without_keys(tmp_path: Path, missing: str) -> None:
    result = subprocess.run(
        ["/bin/sh", str(ENTRYPOINT), "version"],
        env=entrypoint_env(tmp_path / "identities.json", {**KEYS, missing: ""}),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    assert not (tmp_path / "identities.json").exists()


def test_it_refuses_keys_that_would_break_the_json(tmp_path: Path) -> None:
    result = subprocess.run(
        ["/bin/sh", str(ENTRYPOINT), "version"],
        env=entrypoint_env(
            tmp_path / "identities.json", {**KEYS, "S3_SECRET_KEY": 'abc","actions":["Admin'}
        ),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert not (tmp_path / "identities.json").exists()
