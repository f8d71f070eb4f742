"""The CLI (direct) and raw boto3 paths, run inside an emulated link's namespace.

`NetClient(link, …)` starts `python -m devtools.netclient` there (`EmulatedLink.command`); it
logs in once, then for each request on its stdin uploads a file and answers with the seconds
the upload took, timed in the namespace, so starting Python, importing and logging in are not
counted. Each upload opens fresh connections (a new boto3 client, a new UploadClient carrying the
session's cookies), as a new run of either tool would: every connection pays the link's
handshake.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from devtools.lifecycle import Started
from devtools.netlink import EmulatedLink
from devtools.seaweedfs import stop_group
from devtools.stack import Stack, s3_client
from upload_client.client import LocalFile, UploadClient, UploadFailed

WEB = Path(__file__).resolve().parents[1]


class NetClient(Started):
    """The host's side: one worker process in the namespace, asked one upload at a time."""

    def __init__(
        self,
        link: EmulatedLink,
        stack: Stack,
        *,
        username: str,
        password: str,
        threshold: int,
        parallel: int,
    ) -> None:
        assert stack.s3 is not None
        self.argv = link.command(
            [sys.executable, "-m", "devtools.netclient", str(threshold), str(parallel)]
        )
        self.env = {
            **os.environ,
            "NETCLIENT_BASE_URL": stack.base_url,
            "NETCLIENT_S3_ENDPOINT": stack.s3.endpoint_url,
            "NETCLIENT_S3_ACCESS_KEY": stack.s3.access_key,
            "NETCLIENT_S3_SECRET_KEY": stack.s3.secret_key,
            "NETCLIENT_USERNAME": username,
            "NETCLIENT_PASSWORD": password,
        }
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.argv,
            cwd=WEB,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self._answer()  # logged in

    def stop(self) -> None:
        if self.process is not None:
            for pipe in (self.process.stdin, self.process.stdout):
                if pipe is not None:
                    pipe.close()  # the worker's end of the requests: it exits
            stop_group(self.process, timeout=5)

    def upload(self, path: str, file: LocalFile) -> tuple[float, str]:
        """Upload `file` the `path` way ("raw" or "direct"): (seconds, the stored key)."""
        assert self.process is not None
        assert self.process.stdin is not None
        request = {"path": path, "file": str(file.path), "content_type": file.content_type}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        return answer["seconds"], answer["key"]

    def _answer(self) -> dict[str, Any]:
        assert self.process is not None
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the client in the emulated network exited (its stderr is above)")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise UploadFailed(f"in the emulated network: {answer['error']}")
        return answer


def serve(threshold: int, parallel: int) -> None:
    """The namespace's side: answer each JSON request on stdin with one JSON line."""
    from devtools.bench import direct_upload, raw_upload  # the same paths as on loopback

    env = os.environ
    base_url = env["NETCLIENT_BASE_URL"]
    logged_in = UploadClient(base_url)
    logged_in.login(env["NETCLIENT_USERNAME"], env["NETCLIENT_PASSWORD"])
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        file = LocalFile.at(request["file"], request["content_type"])
        if request["path"] == "raw":
            # No SHA-256 of whole bodies, as boto3 does over HTTPS (as on loopback).
            s3 = s3_client(
                env["NETCLIENT_S3_ENDPOINT"],
                env["NETCLIENT_S3_ACCESS_KEY"],
                env["NETCLIENT_S3_SECRET_KEY"],
                payload_signing_enabled=False,
            )
            send = partial(raw_upload, s3, file, threshold, parallel)
        else:
            client = UploadClient(base_url, parallel=parallel)
            client.session.cookies.update(logged_in.session.cookies)
            send = partial(direct_upload, client, file)
        try:
            started = time.perf_counter()
            key = send()
            answer = {"seconds": time.perf_counter() - started, "key": key}
        except (UploadFailed, OSError, BotoCoreError, ClientError) as error:
            answer = {"error": str(error)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
