"""The Uppy adapter cuts files as the server does: the same threshold and part sizes as
parts.py, from the API root's part plan (run under Node, with a stand-in Uppy and app)."""

import json
import shutil
import subprocess
from pathlib import Path

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
