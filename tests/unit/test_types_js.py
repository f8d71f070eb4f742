"""The page's types.js follows the server's one rule, content_types.matches (run under Node)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from direct_to_s3.content_types import DEFAULT_PRIVATE_TYPES, DEFAULT_PUBLIC_TYPES, matches

TYPES_JS = Path(__file__).resolve().parents[2] / "src/direct_to_s3/static/direct_to_s3/js/types.js"

# An ES module; Node 20 reads a bare .js file as CommonJS, so it is imported from a data: URL.
RUNNER = """
import { readFileSync } from "node:fs";
const source = readFileSync(process.argv[1], "utf8");
const { typeAllowed, typeEssence } = await import(
  "data:text/javascript," + encodeURIComponent(source)
);
const { cases, declared } = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify({
  allowed: cases.map(([type, patterns]) => typeAllowed(type, patterns)),
  sent: declared.map(typeEssence),
}));
"""

TYPES = [
    "image/png",
    "IMAGE/HEIC",
    "image/svg+xml",
    "text/plain; charset=utf-8",
    "text/html",
    "application/octet-stream",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/pdfx",
    "imagex/png",
    "image",
    "",
]
PATTERN_LISTS = [
    list(DEFAULT_PUBLIC_TYPES),
    list(DEFAULT_PRIVATE_TYPES),
    ["image/*", "application/pdf"],
    [" Text/Plain "],
    ["*"],
    [],
]


def run_node(payload: object) -> dict[str, list[object]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to test types.js (apt-get install nodejs).")
    result = subprocess.run(
        [node, "--input-type=module", "-e", RUNNER, str(TYPES_JS)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    answer: dict[str, list[object]] = json.loads(result.stdout)
    return answer


def test_types_js_allows_exactly_what_the_server_allows() -> None:
    cases = [(kind, patterns) for kind in TYPES for patterns in PATTERN_LISTS]

    allowed = run_node({"cases": cases, "declared": []})["allowed"]

    assert allowed == [matches(kind, patterns) for kind, patterns in cases]


def test_types_js_sends_a_file_of_no_type_as_octet_stream_without_parameters() -> None:
    declared = ["", "Text/Plain; charset=utf-8", "image/heic"]

    sent = run_node({"cases": [], "declared": declared})["sent"]

    assert sent == ["application/octet-stream", "text/plain", "image/heic"]
