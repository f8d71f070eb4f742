"""The app's md5.js computes the same Content-MD5 as Python's hashlib (run under Node)."""

import base64
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

MD5_JS = Path(__file__).resolve().parents[2] / "src/direct_to_s3/static/direct_to_s3/js/md5.js"
# Lengths around the 64-byte block and the 56-byte padding boundary, and a multi-MiB part.
LENGTHS = [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 3 * 1024 * 1024 + 7]

# md5.js is an ES module; Node 20 reads a bare .js file as CommonJS, so import it from a data: URL.
RUNNER = """
import { readFileSync } from "node:fs";
const source = readFileSync(process.argv[1], "utf8");
const { md5Base64 } = await import("data:text/javascript," + encodeURIComponent(source));
const inputs = JSON.parse(readFileSync(0, "utf8"));
const out = inputs.map((b64) => {
  const bytes = Buffer.from(b64, "base64");
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  return md5Base64(buffer);
});
console.log(JSON.stringify(out));
"""


def test_md5_js_matches_hashlib() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to test md5.js (apt-get install nodejs).")
    inputs = [os.urandom(length) for length in LENGTHS]

    result = subprocess.run(
        [node, "--input-type=module", "-e", RUNNER, str(MD5_JS)],
        input=json.dumps([base64.b64encode(data).decode() for data in inputs]),
        capture_output=True,
        text=True,
        check=True,
    )

    expected = [
        base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        for data in inputs
    ]
    assert json.loads(result.stdout) == expected
