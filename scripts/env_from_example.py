"""Create .env for the compose stack: `env_from_example.py [.env.example] [.env]`.

Copies the example line by line and fills every empty `NAME=` with a fresh random secret
(URL- and JSON-safe). Refuses to overwrite an existing file; the result is readable by its
owner only. Standard library only: people running `make up` need no virtualenv.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path

EMPTY_VALUE = re.compile(r"^([A-Z][A-Z0-9_]*)=\s*$")


def fill(example: str) -> str:
    lines = []
    for line in example.splitlines():
        empty = EMPTY_VALUE.match(line)
        lines.append(f"{empty.group(1)}={secrets.token_urlsafe(48)}" if empty else line)
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    source = Path(argv[0] if argv else ".env.example")
    target = Path(argv[1] if len(argv) > 1 else ".env")
    if target.exists():
        print(f"{target} exists; not touching it.", file=sys.stderr)
        return 1
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as env_file:
        env_file.write(fill(source.read_text()))
    print(f"Wrote {target} from {source} with new random secrets.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
