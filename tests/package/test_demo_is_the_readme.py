"""The README's models.py and admin.py are the demo site's own code (web/demo), line for line:
the demo may add lines (docstrings, ordering), never differ."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.package.test_scratch_project import MODELS_SECTION, readme_steps

TYPE_IGNORE = re.compile(r"  # type: ignore\[[\w-]+\]$")
DEMO = Path(__file__).resolve().parents[2] / "web" / "demo"


def is_subsequence(wanted: list[str], lines: list[str]) -> bool:
    found = iter(lines)
    return all(any(line == want for line in found) for want in wanted)


@pytest.mark.parametrize("module", ["models.py", "admin.py"])
def test_the_readme_block_is_in_the_demos_module(module: str) -> None:
    block = next(
        code.partition("\n")[2]
        for lang, code in readme_steps(MODELS_SECTION, in_list=False)
        if lang == "python" and code.startswith(f"# {module}\n")
    )
    wanted = [line for line in block.splitlines() if line.strip()]
    # Type checkers' comments are the demo's business, not the reader's.
    source = [TYPE_IGNORE.sub("", line) for line in (DEMO / module).read_text().splitlines()]

    assert is_subsequence(wanted, source), f"web/demo/{module} differs from the README"
