"""The Uppy adapter, run under Node with a stand-in Uppy and app: it cuts files as the server
does (the same threshold and part sizes as parts.py, from the API root's part plan), and asks
the app again about the upload a file restored by Golden Retriever names."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from direct_to_s3.parts import GiB, MiB, TiB, part_plan, part_size_for

UPPY_JS = Path(__file__).resolve().parents[2] / "src/direct_to_s3/static/direct_to_s3/js/uppy.js"

# An ES module; Node 20 reads a bare .js file as CommonJS, so it is imported from a data: URL.
RUNNER = """
import { readFileSync } from "node:fs";
const source = readFileSync(process.argv[1], "utf8");
const { directToS3 } = await import("data:text/javascript," + encodeURIComponent(source));
const { plan, sizes } = JSON.parse(readFileSync(0, "utf8"));
globalThis.document = { cookie: "" };
globalThis.fetch = async () => ({
  status: 200, ok: true, json: async () => ({ uploads: "/api/uploads", part_plan: plan }),
});
const uppy = { addPostProcessor() {}, on() {} };
const options = await directToS3(uppy, { apiUrl: "/api/" });
console.log(JSON.stringify(sizes.map((size) => [
  options.shouldUseMultipart({ size }), options.getChunkSize({ size }),
])));
"""

THRESHOLD = 64 * MiB
SIZES = [1, THRESHOLD, THRESHOLD + 1, 80_000 * MiB, 80_000 * MiB + 1, 3 * GiB + 7, 5 * TiB]


def test_the_adapter_cuts_files_as_the_server_does() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to test uppy.js (apt-get install nodejs).")
    plan = part_plan(multipart_threshold=THRESHOLD, max_size=5 * TiB)
    result = subprocess.run(
        [node, "--input-type=module", "-e", RUNNER, str(UPPY_JS)],
        input=json.dumps({"plan": plan, "sizes": SIZES}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    answered = json.loads(result.stdout)

    assert answered == [[size > THRESHOLD, part_size_for(size)] for size in SIZES]


# Files as Golden Retriever restores them after a reload, and what the adapter then does with
# them: `act` is Uppy's post-processing step, a file removed, or a request to sign.
RESTORE_RUNNER = """
import { readFileSync } from "node:fs";
const source = readFileSync(process.argv[1], "utf8");
const { directToS3 } = await import("data:text/javascript," + encodeURIComponent(source));
const { answers, files, act, request } = JSON.parse(readFileSync(0, "utf8"));
globalThis.document = { cookie: "" };
const requests = [];
globalThis.fetch = async (url, { method }) => {
  requests.push(`${method} ${url}`);
  const body = answers[`${method} ${url}`];
  return {
    status: body ? 200 : 404, ok: Boolean(body), headers: new Map(),
    json: async () => body || { error: "No such upload." },
  };
};
const state = Object.fromEntries(files.map((file) => [file.id, file]));
let postProcessor;
const handlers = {};
const uppy = {
  addPostProcessor(fn) { postProcessor = fn; },
  on(name, fn) { handlers[name] = fn; },
  emit() {},
  getFile: (id) => state[id],
  getFiles: () => Object.values(state),
  setFileState(id, patch) { state[id] = { ...state[id], ...patch }; },
};
const options = await directToS3(uppy, { apiUrl: "/api/" });
let error = null;
if (act === "postprocess") await postProcessor(files.map((file) => file.id));
if (act === "remove") handlers["file-removed"](files[0]);
if (act === "sign") {
  await options.signRequest(request).catch((caught) => { error = caught.message; });
}
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(JSON.stringify({ requests, files: state, error }));
"""

ROOT = {
    "uploads": "/api/uploads",
    "part_plan": part_plan(multipart_threshold=THRESHOLD, max_size=TiB),
}
RESTORED = {
    "id": "uppy-film",
    "name": "film.bin",
    "directToS3": {"id": "u1", "self": "/api/uploads/u1"},
    "s3Multipart": {"key": "incoming/u1", "uploadId": "s3-u1"},
    "response": {},
}
LINKS = {
    "self": "/api/uploads/u1",
    "complete": "/api/uploads/u1/complete",
    "cancel": "/api/uploads/u1/cancel",
    "sign": "/api/uploads/u1/sign",
}


def restore(
    act: str, answers: dict[str, Any], file: dict[str, Any] = RESTORED, **more: Any
) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to test uppy.js (apt-get install nodejs).")
    given = {"answers": {"GET /api/": ROOT, **answers}, "files": [file], "act": act, **more}
    result = subprocess.run(
        [node, "--input-type=module", "-e", RESTORE_RUNNER, str(UPPY_JS)],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    answered: dict[str, Any] = json.loads(result.stdout)
    return answered


def test_a_file_restored_while_being_checked_is_completed_with_the_app() -> None:
    pending = {"id": "u1", "key": "incoming/u1", "method": "POST", "status": "pending"}
    complete = {**pending, "status": "complete", "url": "/files/u1"}
    answers = {
        "GET /api/uploads/u1": {**pending, "links": LINKS},
        "POST /api/uploads/u1/complete": {**complete, "links": LINKS},
    }
    small = {key: value for key, value in RESTORED.items() if key != "s3Multipart"}

    result = restore("postprocess", answers, small)

    assert result["requests"][1:] == ["GET /api/uploads/u1", "POST /api/uploads/u1/complete"]
    file = result["files"]["uppy-film"]
    assert file["response"]["body"]["status"] == "complete"
    assert "directToS3" not in file


def test_removing_a_restored_file_cancels_its_upload_with_the_app() -> None:
    pending = {"id": "u1", "key": "incoming/u1", "method": "multipart", "status": "pending"}
    answers = {
        "GET /api/uploads/u1": {**pending, "links": LINKS},
        "POST /api/uploads/u1/cancel": {},
    }

    result = restore("remove", answers)

    assert result["requests"][1:] == ["GET /api/uploads/u1", "POST /api/uploads/u1/cancel"]


def test_a_restored_multipart_file_whose_upload_is_gone_fails_and_is_forgotten() -> None:
    listing = {"method": "GET", "key": "incoming/u1", "uploadId": "s3-u1"}

    result = restore("sign", {}, request=listing)

    assert result["error"] == (
        "This file's upload cannot be resumed: the app's upload is gone. "
        "Retry to upload the file afresh."
    )
    file = result["files"]["uppy-film"]
    assert "directToS3" not in file
    assert "s3Multipart" not in file
