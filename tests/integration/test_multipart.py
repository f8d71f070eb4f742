"""Large files as S3 multipart uploads, through the API and the CLI client, on real SeaweedFS."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from direct_to_s3.models import Upload
from tests.conftest import bucket_name, change_app_settings
from upload_client.client import LocalFile, UploadClient, UploadFailed, content_md5

pytestmark = pytest.mark.django_db(transaction=True)

MiB = 1024**2
REPO = Path(__file__).resolve().parents[2]


MP4_HEADER = b"\x00\x00\x00\x18ftypisom"


def make_file(path: Path, size: int) -> Path:
    """An MP4-looking file with distinct bytes in every MiB, so a swapped part shows."""
    block = os.urandom(MiB)
    with open(path, "wb") as handle:
        for index in range(size // MiB):
            handle.write(index.to_bytes(16, "big") + block[16:])
        handle.write(block[: size % MiB])
        handle.seek(0)
        handle.write(MP4_HEADER)
    return path


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of_object(client: Any, bucket: str, key: str) -> str:
    digest = hashlib.sha256()
    for chunk in client.get_object(Bucket=bucket, Key=key)["Body"].iter_chunks(MiB):
        digest.update(chunk)
    return digest.hexdigest()


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m upload_client …` as a user runs it, password from the environment."""
    return subprocess.run(
        [sys.executable, "-m", "upload_client", *map(str, args)],
        cwd=REPO / "web",
        env={**os.environ, "UPLOAD_PASSWORD": "alice-password"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def app(live_server: Any, real_s3: Any, settings: Any, user: Any) -> UploadClient:
    change_app_settings(settings, MULTIPART_THRESHOLD=1 * MiB)
    client = UploadClient(live_server.url)
    client.login("alice", "alice-password")
    return client


def test_200_mib_file_goes_up_in_parts_and_matches_byte_for_byte(
    app: UploadClient, real_s3: Any, settings: Any, tmp_path: Path
) -> None:
    path = make_file(tmp_path / "big.mp4", 200 * MiB)

    result = app.upload(path, visibility="public")

    assert result["status"] == "complete"
    assert result["method"] == "multipart"
    assert sorted(app.parts_sent) == list(range(1, 26))  # 200 MiB in 8 MiB parts
    bucket = bucket_name()
    assert sha256_of_object(real_s3, bucket, result["key"]) == sha256_of_file(path)


def test_part_with_wrong_bytes_is_rejected_by_s3(app: UploadClient, tmp_path: Path) -> None:
    file = LocalFile.at(make_file(tmp_path / "clip.mp4", 20 * MiB))
    upload = app.start(file, "private")
    signed = app.sign(upload, [1])[1]
    good = file.read(0, signed["size"])
    corrupt = b"X" + good[1:]

    response = requests.put(
        signed["url"], data=corrupt, headers={"Content-MD5": content_md5(good)}, timeout=30
    )

    assert response.status_code == 400
    assert "BadDigest" in response.text
    assert app.stored_parts(upload) == set()


def test_signed_digest_refuses_other_bytes_even_with_a_matching_header(
    app: UploadClient, tmp_path: Path
) -> None:
    file = LocalFile.at(make_file(tmp_path / "clip.mp4", 20 * MiB))
    upload = app.start(file, "private")
    good = file.read(0, 8 * MiB)
    signed = app.api(
        "POST",
        upload["links"]["parts"],
        {"part_numbers": [1], "content_md5": {"1": content_md5(good)}},
    )["parts"][0]
    other = b"Y" * len(good)

    response = requests.put(
        signed["url"], data=other, headers={"Content-MD5": content_md5(other)}, timeout=30
    )

    assert response.status_code == 403


def test_stopped_upload_resumes_sending_only_the_missing_parts(
    live_server: Any, app: UploadClient, tmp_path: Path
) -> None:
    path = make_file(tmp_path / "clip.mp4", 40 * MiB)  # 5 parts
    file = LocalFile.at(path)
    upload = app.start(file, "private")
    app.send_parts(file, upload, only=[1, 2])
    later = UploadClient(live_server.url)  # a new process, after a restart
    later.login("alice", "alice-password")

    result = later.upload(path, visibility="private")

    assert result["id"] == upload["id"]
    assert result["status"] == "complete"
    assert sorted(later.parts_sent) == [3, 4, 5]


def test_resume_finds_an_unfinished_upload_behind_a_full_page_of_newer_ones(
    live_server: Any, app: UploadClient, make_upload: Any, user: Any, tmp_path: Path
) -> None:
    path = make_file(tmp_path / "clip.mp4", 24 * MiB)  # 3 parts
    file = LocalFile.at(path)
    upload = app.start(file, "private")
    app.send_parts(file, upload, only=[1])
    for _ in range(500):  # newer unfinished uploads fill the first page of the list
        make_upload(user, status=Upload.Status.PENDING)
    later = UploadClient(live_server.url)
    later.login("alice", "alice-password")

    result = later.upload(path, visibility="private")

    assert result["id"] == upload["id"]
    assert sorted(later.parts_sent) == [2, 3]


def test_complete_with_parts_missing_is_409_and_stays_pending(
    app: UploadClient, tmp_path: Path
) -> None:
    file = LocalFile.at(make_file(tmp_path / "clip.mp4", 20 * MiB))
    upload = app.start(file, "private")
    app.send_parts(file, upload, only=[1])

    with pytest.raises(UploadFailed, match="2 of 3 parts have not arrived"):
        app.complete(upload)

    assert Upload.objects.get(id=upload["id"]).status == Upload.Status.PENDING


def test_cancel_aborts_the_multipart_upload_and_leaves_no_parts(
    app: UploadClient, real_s3: Any, settings: Any, tmp_path: Path
) -> None:
    file = LocalFile.at(make_file(tmp_path / "clip.mp4", 20 * MiB))
    upload = app.start(file, "private")
    app.send_parts(file, upload, only=[1, 2])

    app.cancel(upload)

    in_progress = real_s3.list_multipart_uploads(Bucket=bucket_name())
    assert upload["upload"]["multipart_upload_id"] not in {
        item["UploadId"] for item in in_progress.get("Uploads", [])
    }
    assert Upload.objects.get(id=upload["id"]).status == Upload.Status.CANCELLED


def test_sweeper_removes_stale_uploads_and_keeps_fresh_ones(
    app: UploadClient, tmp_path: Path
) -> None:
    file = LocalFile.at(make_file(tmp_path / "clip.mp4", 20 * MiB))
    stale = app.start(file, "private")
    app.send_parts(file, stale, only=[1])
    fresh = app.start(file, "public")
    app.send_parts(file, fresh, only=[1])
    Upload.objects.filter(id=stale["id"]).update(created_at=timezone.now() - timedelta(days=2))

    call_command("sweep_uploads", "--older-than", str(24 * 3600), verbosity=0)
    call_command("sweep_uploads", "--older-than", str(24 * 3600), verbosity=0)  # repeatable

    assert Upload.objects.get(id=stale["id"]).status == Upload.Status.FAILED
    assert Upload.objects.get(id=fresh["id"]).status == Upload.Status.PENDING
    assert app.stored_parts(fresh) == {1}
    with pytest.raises(UploadFailed):
        app.api("POST", stale["links"]["parts"], {"part_numbers": [2]})


def test_part_urls_of_another_users_upload_are_refused(
    live_server: Any, app: UploadClient, other_user: Any, tmp_path: Path
) -> None:
    file = LocalFile.at(make_file(tmp_path / "clip.mp4", 20 * MiB))
    upload = app.start(file, "private")
    mallory = UploadClient(live_server.url)
    mallory.login("mallory", "mallory-password")

    with pytest.raises(UploadFailed, match="No such upload"):
        mallory.sign(upload, [1])


def test_part_urls_are_only_ever_for_the_uploads_own_key(app: UploadClient, tmp_path: Path) -> None:
    file = LocalFile.at(make_file(tmp_path / "clip.mp4", 20 * MiB))
    upload = app.start(file, "private")

    signed = app.api(
        "POST",
        upload["links"]["parts"],
        {"part_numbers": [1], "key": "media/evil.exe", "multipart_upload_id": "other"},
    )["parts"][0]

    assert f"/{upload['key']}?" in signed["url"]
    assert f"uploadId={upload['upload']['multipart_upload_id']}" in signed["url"]


def test_cli_uploads_a_file_and_prints_its_link(
    live_server: Any, app: UploadClient, tmp_path: Path
) -> None:
    path = make_file(tmp_path / "clip.mp4", 20 * MiB)

    result = run_cli("--url", live_server.url, "--user", "alice", "--public", "--quiet", path)

    assert result.returncode == 0, result.stderr
    assert "\tcomplete\t" in result.stdout
    assert Upload.objects.get(original_name="clip.mp4").status == Upload.Status.COMPLETE


def test_cli_help_documents_its_options() -> None:
    result = run_cli("--help")

    for option in ("--url", "--user", "--public", "--parallel", "--no-resume", "UPLOAD_PASSWORD"):
        assert option in result.stdout


def test_cli_resumes_a_1_gib_upload_stopped_half_way(
    live_server: Any, app: UploadClient, real_s3: Any, settings: Any, tmp_path: Path
) -> None:
    path = make_file(tmp_path / "archive.mp4", 1024 * MiB)  # 128 parts of 8 MiB
    file = LocalFile.at(path)
    upload = app.start(file, "private")
    app.send_parts(file, upload, only=range(1, 65))  # then the first session stops

    result = run_cli("--url", live_server.url, "--user", "alice", "--private", "--quiet", path)

    assert result.returncode == 0, result.stderr
    assert "resuming: 64 of 128 parts already stored" in result.stderr
    finished = Upload.objects.get(original_name="archive.mp4")  # one upload, continued
    assert str(finished.id) == upload["id"]
    assert finished.status == Upload.Status.COMPLETE
    bucket = bucket_name()
    assert sha256_of_object(real_s3, bucket, finished.key) == sha256_of_file(path)
    real_s3.delete_object(Bucket=bucket, Key=finished.key)


@pytest.mark.parametrize("ending", ["complete", "cancel"])
def test_a_part_url_reused_after_the_upload_ended_changes_nothing(
    app: UploadClient, real_s3: Any, tmp_path: Path, ending: str
) -> None:
    file = LocalFile.at(make_file(tmp_path / "clip.mp4", 9 * MiB))
    upload = app.start(file, "public")
    signed = app.sign(upload, [1, 2])
    for number, part in signed.items():
        data = file.read((number - 1) * 8 * MiB, part["size"])
        requests.put(
            part["url"], data=data, headers={"Content-MD5": content_md5(data)}, timeout=30
        ).raise_for_status()
    if ending == "complete":
        app.complete(upload)
    else:
        app.cancel(upload)
    before = (
        sha256_of_object(real_s3, bucket_name(), upload["key"]) if ending == "complete" else None
    )
    other = b"Z" * signed[1]["size"]

    response = requests.put(
        signed[1]["url"], data=other, headers={"Content-MD5": content_md5(other)}, timeout=30
    )

    assert response.status_code == 404  # NoSuchUpload: the part URL died with the upload id
    keys = real_s3.list_objects_v2(Bucket=bucket_name(), Prefix=upload["key"]).get("KeyCount", 0)
    if ending == "complete":
        assert sha256_of_object(real_s3, bucket_name(), upload["key"]) == before
    else:
        assert keys == 0
